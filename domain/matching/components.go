package matching

import (
	"math"
	"slices"
	"strings"

	"github.com/keylink/keylink/domain"
)

// soft books the soft-score components in the order their notes appear:
// heaviest first. Each books its weight on the sheet only when the demand
// states what it compares, and builds its notes only when the sheet keeps
// them. The calls are direct so that QuickScore's sheet stays on the stack.
func soft(s *sheet, d *PreparedDemand, c *PreparedCapability) {
	textComponent(s, d, c)
	processComponent(s, d, c)
	hsComponent(s, d, c)
	capacityComponent(s, d, c)
	vsicComponent(s, d, c)
	materialComponent(s, d, c)
	leadTimeComponent(s, d, c)
	exportComponent(s, d, c)
	keyProductComponent(s, d, c)
	moqComponent(s, d, c)
	localityComponent(s, d, c)
}

// textComponent compares title and description as sets of folded terms.
func textComponent(s *sheet, d *PreparedDemand, c *PreparedCapability) {
	if len(d.terms) == 0 {
		return
	}
	sim, n := cosine(d.terms, c.terms)
	f := min(1, sim/textSaturation)
	s.add(WeightText, f)
	if !s.notes {
		return
	}
	if n > 0 {
		s.reason("text_similarity", "Shares the terms %s (similarity %.2f).", firstN(shared(d, c), 6), sim)
	}
	if f < 0.5 {
		s.gap("text_dissimilar", "Little wording in common with the demand (similarity %.2f).", sim)
	}
}

func processComponent(s *sheet, d *PreparedDemand, c *PreparedCapability) {
	overlap(s, WeightProcess, d.processes, d.processRaws, c.processes, "process", domain.Msgf("processes"))
}

func materialComponent(s *sheet, d *PreparedDemand, c *PreparedCapability) {
	overlap(s, WeightMaterial, d.materials, d.materialRaws, c.materials, "material", domain.Msgf("materials"))
}

// overlap credits each requested item by the best offered one and averages.
func overlap(s *sheet, weight int, wanted [][]uint32, raws []string, offered [][]uint32, code string, plural domain.Message) {
	if len(wanted) == 0 {
		return
	}
	var nFull, nGeneric int
	credits := make([]float64, 0, 8)
	for _, w := range wanted {
		best := 0.0
		for _, o := range offered {
			if best = max(best, itemCredit(w, o)); best >= 1 {
				break
			}
		}
		switch {
		case best >= 1:
			nFull++
		case best > 0:
			nGeneric++
		}
		if s.notes {
			credits = append(credits, best)
		}
	}
	n := len(wanted)
	s.add(weight, (float64(nFull)+genericCredit*float64(nGeneric))/float64(n))
	if !s.notes {
		return
	}
	var full, generic, missing []string
	for i, raw := range raws {
		switch best := credits[i]; {
		case best >= 1:
			full = append(full, raw)
		case best > 0:
			generic = append(generic, raw)
		default:
			missing = append(missing, raw)
		}
	}
	var offers, lists domain.Message
	if len(full) > 0 {
		offers = domain.Msgf("Offers %d of %d requested %s: %s.", len(full), n, plural, strings.Join(full, ", "))
	}
	if len(generic) > 0 {
		lists = domain.Msgf("Lists a more generic form of %s.", strings.Join(generic, ", "))
	}
	switch {
	case offers.Format != "" && lists.Format != "":
		s.reason(code+"_overlap", "%s %s", offers, lists)
	case offers.Format != "":
		s.reason(code+"_overlap", "%s", offers)
	case lists.Format != "":
		s.reason(code+"_overlap", "%s", lists)
	}
	if len(missing) > 0 {
		s.gap(code+"_missing", "Does not list %s: %s.", plural, strings.Join(missing, ", "))
	}
}

// hsComponent credits each requested HS code by the closest offered one: the
// same 4-digit heading fully, the same 2-digit chapter by divisionCredit.
func hsComponent(s *sheet, d *PreparedDemand, c *PreparedCapability) {
	wants, haves := d.hs, c.hs
	if len(wants) == 0 {
		return
	}
	if len(haves) == 0 {
		s.add(WeightHS, 0)
		if s.notes {
			s.gap("hs_missing", "No HS codes given; the demand names %s.", strings.Join(d.hsText, ", "))
		}
		return
	}
	var heading, chapter, none []string
	total := 0.0
	for i := 0; i < len(wants); i += 3 {
		w, best := unpackCode(wants[i:]), 0.0
		for j := 0; j < len(haves); j += 3 {
			best = max(best, closeness(w, unpackCode(haves[j:])))
		}
		total += best
		if !s.notes {
			continue
		}
		switch digits := d.hsDigits[i/3]; {
		case best >= 1:
			heading = appendNew(heading, prefix(digits, 4))
		case best > 0:
			chapter = appendNew(chapter, digits[:2])
		default:
			none = appendNew(none, d.hsText[i/3])
		}
	}
	s.add(WeightHS, total/float64(len(wants)/3))
	if len(heading) > 0 {
		s.reason("hs_heading", "Makes goods under HS heading %s.", strings.Join(heading, ", "))
	}
	if len(chapter) > 0 {
		s.reason("hs_chapter", "Makes goods in HS chapter %s, not the same heading.", strings.Join(chapter, ", "))
	}
	if len(none) > 0 {
		s.gap("hs_mismatch", "Nothing in the chapter of HS %s.", strings.Join(none, ", "))
	}
}

// vsicComponent credits the same 4-digit VSIC class fully and the same
// 2-digit division by divisionCredit.
func vsicComponent(s *sheet, d *PreparedDemand, c *PreparedCapability) {
	if d.vsic.n < 2 {
		return
	}
	f := closeness(d.vsic, c.vsic)
	s.add(WeightVSIC, f)
	if !s.notes {
		return
	}
	want, have := digits(d.d.VSIC), digits(c.c.VSIC)
	switch {
	case have == "":
		s.gap("vsic_missing", "No VSIC code given; the demand is in class %s.", want)
	case f >= 1 && len(want) >= 4:
		s.reason("vsic_class", "Same VSIC class %s.", want[:4])
	case f > 0:
		s.reason("vsic_division", "Same VSIC division %s (%s for the demand's %s).", want[:2], have, want)
	default:
		s.gap("vsic_mismatch", "VSIC %s is outside the demand's division %s.", have, want[:2])
	}
}

// closeness compares two digit codes: 1 for the same 4-digit class or
// heading (or the same 2 digits when the wanted code is that short),
// divisionCredit for the same 2-digit division or chapter, else 0.
func closeness(want, have code) float64 {
	switch {
	case want.n < 2 || have.n < 2 || want.chapter != have.chapter:
		return 0
	case want.n < 4 || have.n >= 4 && want.heading == have.heading:
		return 1
	}
	return divisionCredit
}

// code is a digit code (VSIC, HS) as its length and its first two and four
// digits as numbers, so that comparing two codes compares integers.
type code struct {
	n                uint32 // number of digits
	chapter, heading uint32 // first 2 and 4 digits, when there are that many
}

func codeOf(digits string) code {
	c := code{n: uint32(len(digits))}
	for i := 0; i < len(digits) && i < 4; i++ {
		if i < 2 {
			c.chapter = c.chapter*10 + uint32(digits[i]-'0')
		}
		c.heading = c.heading*10 + uint32(digits[i]-'0')
	}
	return c
}

func (c code) packed() []uint32 { return []uint32{c.n, c.chapter, c.heading} }

func unpackCode(x []uint32) code { return code{n: x[0], chapter: x[1], heading: x[2]} }

// capacityComponent credits the share of the monthly volume the capacity
// covers, converted to the demand's unit.
func capacityComponent(s *sheet, d *PreparedDemand, c *PreparedCapability) {
	v, ok := volume(d)
	if !ok {
		return
	}
	cov := convert(c.quantity, c, d) / v
	if math.IsNaN(cov) || cov < 0 {
		cov = 0
	}
	s.add(WeightCapacity, cov)
	if !s.notes {
		return
	}
	capacity, unit := c.c.Capacity, d.d.Volume.Unit
	if cov >= 1 {
		s.reason("capacity_covers_volume", "Capacity of %s a month covers the %s needed.",
			qty(capacity.Quantity, capacity.Unit), qty(v, unit))
		return
	}
	s.gap("capacity_partial", "Capacity of %s a month covers %d%% of the %s needed.",
		qty(capacity.Quantity, capacity.Unit), int(cov*100), qty(v, unit))
}

// convert is q, in the capability's unit, in the demand's; 0 when the units
// do not compare (the filters have rejected the pair then).
func convert(q float64, c *PreparedCapability, d *PreparedDemand) float64 {
	if c.unit == d.unit {
		return q
	}
	x, _ := domain.Convert(q, c.c.Capacity.Unit, d.d.Volume.Unit)
	return x
}

// moqComponent credits a minimum order no larger than the monthly volume.
func moqComponent(s *sheet, d *PreparedDemand, c *PreparedCapability) {
	v, ok := volume(d)
	if !ok {
		return
	}
	if !(c.moq > 0) {
		s.add(WeightMOQ, 1)
		s.reason("moq_within_volume", "No minimum order quantity.")
		return
	}
	unit := c.c.Capacity.Unit
	if convert(c.moq, c, d) <= v {
		s.add(WeightMOQ, 1)
		if s.notes {
			s.reason("moq_within_volume", "Minimum order of %s is within the monthly volume.", qty(c.moq, unit))
		}
		return
	}
	s.add(WeightMOQ, 0)
	if s.notes {
		s.gap("moq_above_volume", "Minimum order of %s exceeds the monthly volume of %s.",
			qty(c.moq, unit), qty(v, d.d.Volume.Unit))
	}
}

// leadTimeComponent credits a lead time within the maximum fully and decays
// linearly to zero at twice the maximum.
func leadTimeComponent(s *sheet, d *PreparedDemand, c *PreparedCapability) {
	lim, lead := d.maxLead, c.lead
	if lim <= 0 {
		return
	}
	if lead <= lim {
		s.add(WeightLeadTime, 1)
		if s.notes {
			s.reason("lead_time_ok", "Lead time of %d days is within the %d-day maximum.", lead, lim)
		}
		return
	}
	over := float64(lead) - float64(lim)
	s.add(WeightLeadTime, 1-over/float64(lim))
	if s.notes {
		s.gap("lead_time_too_long", "Lead time of %d days exceeds the %d-day maximum by %.0f days.", lead, lim, over)
	}
}

// exportComponent credits exports to the buyer's country fully and exports
// elsewhere by exportElsewhereCredit.
func exportComponent(s *sheet, d *PreparedDemand, c *PreparedCapability) {
	if d.country == 0 {
		return
	}
	switch {
	case slices.Contains(c.markets, d.country):
		s.add(WeightExport, 1)
		if s.notes {
			s.reason("exports_to_buyer_country", "Already exports to %s.", buyerCountry(d))
		}
	case len(c.markets) > 0:
		s.add(WeightExport, exportElsewhereCredit)
		if s.notes {
			s.reason("exports_elsewhere", "Exports to %s.", strings.Join(c.marketNames, ", "))
			s.gap("no_exports_to_buyer_country", "No exports to %s yet.", buyerCountry(d))
		}
	default:
		s.add(WeightExport, 0)
		s.gap("no_export_experience", "No export markets recorded.")
	}
}

func buyerCountry(d *PreparedDemand) string {
	return strings.ToUpper(strings.TrimSpace(d.d.BuyerCountry))
}

func keyProductComponent(s *sheet, _ *PreparedDemand, c *PreparedCapability) {
	if c.keyProducts > 0 {
		s.add(WeightKeyProduct, 1)
		if s.notes {
			s.reason("key_product", "Recognised by Hanoi for %d key industrial product(s).", c.keyProducts)
		}
		return
	}
	s.add(WeightKeyProduct, 0)
	s.gap("no_key_product", "Not recognised as a Hanoi key-product maker.")
}

// localityComponent credits a supplier in the buyer's district or zone.
func localityComponent(s *sheet, d *PreparedDemand, c *PreparedCapability) {
	where := d.place
	if where == 0 {
		return
	}
	if c.district == where || c.zone == where {
		s.add(WeightLocality, 1)
		if s.notes {
			s.reason("same_district", "Located in %s, like the buyer.", strings.TrimSpace(d.d.BuyerDistrict))
		}
		return
	}
	s.add(WeightLocality, 0)
	if s.notes {
		s.gap("different_district", "Located in %s; the buyer is in %s.",
			strings.TrimSpace(c.c.District), strings.TrimSpace(d.d.BuyerDistrict))
	}
}

// placeWords are administrative words dropped before comparing places, so
// "huyện Đông Anh" equals "Đông Anh" and "KCN Thăng Long" equals "Thăng Long".
var placeWords = setOf(strings.Fields(`huyen quan thi xa phuong kcn ccn khu cum
	cong nghiep industrial zone park cluster district`))

func place(s string) string {
	var kept []string
	for _, w := range strings.FieldsFunc(Fold(s), func(r rune) bool { return r == ' ' || r == ',' || r == '.' || r == '-' }) {
		if !placeWords[w] {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// volume is the demand's monthly volume when it is usable as a divisor.
func volume(d *PreparedDemand) (float64, bool) {
	v := d.volume
	return v, v > 0 && !math.IsInf(v, 0)
}

// digits keeps the digits of a code ("8714.10" -> "871410").
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hsCode is an HS code as written and as bare digits ("8714.10", "871410").
type hsCode struct {
	text, digits string
	code
}

// codes keeps the codes with at least a 2-digit chapter.
func codes(ss []string) []hsCode {
	var out []hsCode
	for _, s := range ss {
		if x := digits(s); len(x) >= 2 {
			out = append(out, hsCode{text: strings.TrimSpace(s), digits: x, code: codeOf(x)})
		}
	}
	return out
}

func prefix(s string, n int) string { return s[:min(n, len(s))] }

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func appendNew(ss []string, s string) []string {
	if contains(ss, s) {
		return ss
	}
	return append(ss, s)
}

func firstN(ss []string, n int) any {
	if len(ss) > n {
		return domain.Msgf("%s and %d more", strings.Join(ss[:n], ", "), len(ss)-n)
	}
	return strings.Join(ss, ", ")
}

// qty is a quantity as notes quote it: "40,000 pcs", "2.5 t" in English.
func qty(q float64, u domain.Unit) domain.Quantity {
	return domain.Quantity{Value: q, Unit: u}
}

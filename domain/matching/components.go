package matching

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/keylink/keylink/domain"
)

// components are the soft-score components in the order their notes appear:
// heaviest first. Each books its weight on the sheet only when the demand
// states what it compares.
var components = []func(*sheet, Demand, Capability){
	textComponent,
	processComponent,
	hsComponent,
	capacityComponent,
	vsicComponent,
	materialComponent,
	leadTimeComponent,
	exportComponent,
	keyProductComponent,
	moqComponent,
	localityComponent,
}

// textComponent compares title and description as sets of folded terms.
func textComponent(s *sheet, d Demand, c Capability) {
	want := terms(d.Title + " " + d.Description)
	if len(want) == 0 {
		return
	}
	sim, shared := cosine(want, terms(c.Title+" "+c.Description))
	f := min(1, sim/textSaturation)
	s.add(WeightText, f)
	if len(shared) > 0 {
		s.reason("text_similarity", "Shares the terms %s (similarity %.2f).", firstN(shared, 6), sim)
	}
	if f < 0.5 {
		s.gap("text_dissimilar", "Little wording in common with the demand (similarity %.2f).", sim)
	}
}

func processComponent(s *sheet, d Demand, c Capability) {
	overlap(s, WeightProcess, d.Processes, c.Processes, "process", "processes")
}

func materialComponent(s *sheet, d Demand, c Capability) {
	overlap(s, WeightMaterial, d.Materials, c.Materials, "material", "materials")
}

// overlap credits each requested item by the best offered one and averages.
func overlap(s *sheet, weight int, wanted, offered []string, code, plural string) {
	var full, generic, missing []string
	for _, w := range wanted {
		if strings.TrimSpace(w) == "" {
			continue
		}
		want, best := itemKey(w), 0.0
		for _, o := range offered {
			best = max(best, itemCredit(want, itemKey(o)))
		}
		switch {
		case best >= 1:
			full = append(full, w)
		case best > 0:
			generic = append(generic, w)
		default:
			missing = append(missing, w)
		}
	}
	n := len(full) + len(generic) + len(missing)
	if n == 0 {
		return
	}
	s.add(weight, (float64(len(full))+genericCredit*float64(len(generic)))/float64(n))
	var parts []string
	if len(full) > 0 {
		parts = append(parts, fmt.Sprintf("Offers %d of %d requested %s: %s.", len(full), n, plural, strings.Join(full, ", ")))
	}
	if len(generic) > 0 {
		parts = append(parts, fmt.Sprintf("Lists a more generic form of %s.", strings.Join(generic, ", ")))
	}
	if len(parts) > 0 {
		s.reason(code+"_overlap", "%s", strings.Join(parts, " "))
	}
	if len(missing) > 0 {
		s.gap(code+"_missing", "Does not list %s: %s.", plural, strings.Join(missing, ", "))
	}
}

// hsComponent credits each requested HS code by the closest offered one: the
// same 4-digit heading fully, the same 2-digit chapter by divisionCredit.
func hsComponent(s *sheet, d Demand, c Capability) {
	wants, haves := codes(d.HSCodes), codes(c.HSCodes)
	if len(wants) == 0 {
		return
	}
	if len(haves) == 0 {
		s.add(WeightHS, 0)
		s.gap("hs_missing", "No HS codes given; the demand names %s.", joinText(wants))
		return
	}
	var heading, chapter, none []string
	total := 0.0
	for _, w := range wants {
		best := 0.0
		for _, h := range haves {
			best = max(best, closeness(w.digits, h.digits))
		}
		total += best
		switch {
		case best >= 1:
			heading = appendNew(heading, prefix(w.digits, 4))
		case best > 0:
			chapter = appendNew(chapter, w.digits[:2])
		default:
			none = appendNew(none, w.text)
		}
	}
	s.add(WeightHS, total/float64(len(wants)))
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
func vsicComponent(s *sheet, d Demand, c Capability) {
	want, have := digits(d.VSIC), digits(c.VSIC)
	if len(want) < 2 {
		return
	}
	f := closeness(want, have)
	s.add(WeightVSIC, f)
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
func closeness(want, have string) float64 {
	switch {
	case len(want) < 2 || len(have) < 2 || want[:2] != have[:2]:
		return 0
	case len(want) < 4 || len(have) >= 4 && want[:4] == have[:4]:
		return 1
	}
	return divisionCredit
}

// capacityComponent credits the share of the monthly volume the capacity
// covers, converted to the demand's unit.
func capacityComponent(s *sheet, d Demand, c Capability) {
	v, ok := volume(d)
	if !ok {
		return
	}
	have, _ := domain.Convert(c.Capacity.Quantity, c.Capacity.Unit, d.Volume.Unit)
	cov := have / v
	if math.IsNaN(cov) || cov < 0 {
		cov = 0
	}
	s.add(WeightCapacity, cov)
	if cov >= 1 {
		s.reason("capacity_covers_volume", "Capacity of %s a month covers the %s needed.",
			qty(c.Capacity.Quantity, c.Capacity.Unit), qty(v, d.Volume.Unit))
		return
	}
	s.gap("capacity_partial", "Capacity of %s a month covers %d%% of the %s needed.",
		qty(c.Capacity.Quantity, c.Capacity.Unit), int(cov*100), qty(v, d.Volume.Unit))
}

// moqComponent credits a minimum order no larger than the monthly volume.
func moqComponent(s *sheet, d Demand, c Capability) {
	v, ok := volume(d)
	if !ok {
		return
	}
	if !(c.MOQ > 0) {
		s.add(WeightMOQ, 1)
		s.reason("moq_within_volume", "No minimum order quantity.")
		return
	}
	m, _ := domain.Convert(c.MOQ, c.Capacity.Unit, d.Volume.Unit)
	if m <= v {
		s.add(WeightMOQ, 1)
		s.reason("moq_within_volume", "Minimum order of %s is within the monthly volume.", qty(c.MOQ, c.Capacity.Unit))
		return
	}
	s.add(WeightMOQ, 0)
	s.gap("moq_above_volume", "Minimum order of %s exceeds the monthly volume of %s.",
		qty(c.MOQ, c.Capacity.Unit), qty(v, d.Volume.Unit))
}

// leadTimeComponent credits a lead time within the maximum fully and decays
// linearly to zero at twice the maximum.
func leadTimeComponent(s *sheet, d Demand, c Capability) {
	lim := d.MaxLeadTimeDays
	if lim <= 0 {
		return
	}
	if c.LeadTimeDays <= lim {
		s.add(WeightLeadTime, 1)
		s.reason("lead_time_ok", "Lead time of %d days is within the %d-day maximum.", c.LeadTimeDays, lim)
		return
	}
	over := float64(c.LeadTimeDays) - float64(lim)
	s.add(WeightLeadTime, 1-over/float64(lim))
	s.gap("lead_time_too_long", "Lead time of %d days exceeds the %d-day maximum by %.0f days.", c.LeadTimeDays, lim, over)
}

// exportComponent credits exports to the buyer's country fully and exports
// elsewhere by exportElsewhereCredit.
func exportComponent(s *sheet, d Demand, c Capability) {
	country := strings.ToUpper(strings.TrimSpace(d.BuyerCountry))
	if country == "" {
		return
	}
	var markets []string
	for _, m := range c.ExportMarkets {
		if m = strings.ToUpper(strings.TrimSpace(m)); m != "" {
			markets = appendNew(markets, m)
		}
	}
	switch {
	case contains(markets, country):
		s.add(WeightExport, 1)
		s.reason("exports_to_buyer_country", "Already exports to %s.", country)
	case len(markets) > 0:
		s.add(WeightExport, exportElsewhereCredit)
		s.reason("exports_elsewhere", "Exports to %s.", strings.Join(markets, ", "))
		s.gap("no_exports_to_buyer_country", "No exports to %s yet.", country)
	default:
		s.add(WeightExport, 0)
		s.gap("no_export_experience", "No export markets recorded.")
	}
}

func keyProductComponent(s *sheet, _ Demand, c Capability) {
	if c.KeyProducts > 0 {
		s.add(WeightKeyProduct, 1)
		s.reason("key_product", "Recognised by Hanoi for %d key industrial product(s).", c.KeyProducts)
		return
	}
	s.add(WeightKeyProduct, 0)
	s.gap("no_key_product", "Not recognised as a Hanoi key-product maker.")
}

// localityComponent credits a supplier in the buyer's district or zone.
func localityComponent(s *sheet, d Demand, c Capability) {
	where := place(d.BuyerDistrict)
	if where == "" {
		return
	}
	if place(c.District) == where || place(c.IndustrialZone) == where {
		s.add(WeightLocality, 1)
		s.reason("same_district", "Located in %s, like the buyer.", strings.TrimSpace(d.BuyerDistrict))
		return
	}
	s.add(WeightLocality, 0)
	s.gap("different_district", "Located in %s; the buyer is in %s.",
		strings.TrimSpace(c.District), strings.TrimSpace(d.BuyerDistrict))
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
func volume(d Demand) (float64, bool) {
	v := d.Volume.Quantity
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
type hsCode struct{ text, digits string }

// codes keeps the codes with at least a 2-digit chapter.
func codes(ss []string) []hsCode {
	var out []hsCode
	for _, s := range ss {
		if x := digits(s); len(x) >= 2 {
			out = append(out, hsCode{text: strings.TrimSpace(s), digits: x})
		}
	}
	return out
}

func joinText(cs []hsCode) string {
	ts := make([]string, len(cs))
	for i, c := range cs {
		ts[i] = c.text
	}
	return strings.Join(ts, ", ")
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

func firstN(ss []string, n int) string {
	if len(ss) > n {
		return strings.Join(ss[:n], ", ") + fmt.Sprintf(" and %d more", len(ss)-n)
	}
	return strings.Join(ss, ", ")
}

// qty formats a quantity for people: "40,000 pcs", "2.5 t".
func qty(q float64, u domain.Unit) string {
	if math.IsNaN(q) || math.IsInf(q, 0) || math.Abs(q) >= 1e15 || q != math.Trunc(q) {
		return strconv.FormatFloat(q, 'g', 4, 64) + " " + string(u)
	}
	neg, ds := q < 0, strconv.FormatFloat(math.Abs(q), 'f', 0, 64)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range ds {
		if i > 0 && (len(ds)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String() + " " + string(u)
}

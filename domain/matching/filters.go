package matching

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/keylink/keylink/domain"
)

// compatible lists, per demand group, the other groups whose capabilities can
// serve it: the supply chains that cross the city's group boundaries.
var compatible = map[domain.IndustryGroup][]domain.IndustryGroup{
	// Machines need plastic and rubber parts, harnesses and motors.
	domain.Mechanical: {domain.ElectricalElectronics, domain.ChemRubberPlasticPharma},
	// Electronics need enclosures and stampings, plastic housings and firmware.
	domain.ElectricalElectronics: {domain.Mechanical, domain.IT, domain.ChemRubberPlasticPharma},
	// Software and devices are built on electronics makers.
	domain.IT: {domain.ElectricalElectronics},
	// Garments use embroidery and craft textiles; shoes use rubber soles.
	domain.TextileLeather: {domain.ChemRubberPlasticPharma, domain.Handicrafts},
	// Food makers buy packaging.
	domain.AgriFood: {domain.ChemRubberPlasticPharma},
	// Pharmaceuticals and cosmetics use herbal and food-grade inputs.
	domain.ChemRubberPlasticPharma: {domain.AgriFood},
	// Buildings need steel structures, paints and sealants.
	domain.BuildingMaterials: {domain.Mechanical, domain.ChemRubberPlasticPharma},
	// Craft villages overlap with textiles and ceramic building materials.
	domain.Handicrafts: {domain.TextileLeather, domain.BuildingMaterials},
}

// CompatibleGroups returns the industry groups whose capabilities may serve a
// demand of group g, g first and the others in the city's order. It always
// includes g, even an unknown one. The slice is new on every call.
func CompatibleGroups(g domain.IndustryGroup) []domain.IndustryGroup {
	out := []domain.IndustryGroup{g}
	for _, x := range domain.IndustryGroups {
		if x != g && slices.Contains(compatible[g], x) {
			out = append(out, x)
		}
	}
	return out
}

// filter applies the hard filters in a fixed order and names the first that
// fails.
func filter(d Demand, c Capability, on domain.Date) (Note, bool) {
	switch {
	case c.Withdrawn:
		return note("capability_withdrawn", "The capability was withdrawn."), false
	case d.Closed:
		return note("demand_closed", "The demand is closed."), false
	case !slices.Contains(CompatibleGroups(d.IndustryGroup), c.IndustryGroup):
		return note("industry_group_incompatible", "Group %s cannot serve a %s demand.",
			c.IndustryGroup, d.IndustryGroup), false
	}
	if _, ok := domain.Convert(1, c.Capacity.Unit, d.Volume.Unit); !ok {
		return note("unit_incomparable", "Capacity in %q cannot be compared with volume in %q.",
			c.Capacity.Unit, d.Volume.Unit), false
	}
	for _, req := range d.RequiredCertifications {
		if strings.TrimSpace(req) == "" {
			continue
		}
		switch certState(req, c.Certifications, on) {
		case certMissing:
			return note("certification_missing", "No %s certificate.", req), false
		case certExpired:
			return note("certification_expired", "%s is not valid on %s.", req, on), false
		}
	}
	return Note{}, true
}

type certStatus int

const (
	certMissing certStatus = iota
	certExpired
	certValid
)

// certState finds the best certificate for one required standard.
func certState(req string, held []Certification, on domain.Date) certStatus {
	st := certMissing
	for _, h := range held {
		if !satisfies(h.Standard, req) {
			continue
		}
		if !h.ValidUntil.IsZero() && dayKey(h.ValidUntil) >= dayKey(on) {
			return certValid
		}
		st = certExpired
	}
	return st
}

// satisfies reports whether a held standard meets a required one, ignoring
// case, spaces and punctuation ("IATF 16949" = "iatf16949"). An edition after
// a colon or hyphen ("ISO 9001:2015") is ignored unless the requirement names
// one too, in which case it must be the same. "ISO/IEC 27001" = "ISO 27001".
func satisfies(held, required string) bool {
	hb, he := certKey(held)
	rb, re := certKey(required)
	if hb == "" || hb != rb {
		return false
	}
	return re == "" || re == he
}

// certKey splits a standard into a compact base and an edition year.
func certKey(s string) (base, edition string) {
	s = Fold(s)
	if i := strings.LastIndexAny(s, ":-"); i > 0 {
		if y := strings.TrimSpace(s[i+1:]); isYear(y) && strings.ContainsFunc(s[:i], unicode.IsDigit) {
			s, edition = s[:i], y
		}
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	base = b.String()
	if rest, ok := strings.CutPrefix(base, "isoiec"); ok {
		base = "iso" + rest
	}
	return base, edition
}

func isYear(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s >= "1950" && s <= "2099"
}

// dayKey orders calendar dates regardless of clock time or location.
func dayKey(d domain.Date) int {
	y, m, day := d.Date()
	return y*10000 + int(m)*100 + day
}

// certificationsHeld explains the passed certification filter, if any.
func certificationsHeld(d Demand, c Capability, on domain.Date) (Note, bool) {
	var names []string
	for _, r := range d.RequiredCertifications {
		if strings.TrimSpace(r) != "" {
			names = append(names, r)
		}
	}
	if len(names) == 0 {
		return Note{}, false
	}
	return note("certifications_held", "Holds %s, valid on %s.", strings.Join(names, ", "), on), true
}

// adjacentGroup notes, without points, that the capability comes from a
// neighbouring industry group.
func adjacentGroup(d Demand, c Capability) (Note, bool) {
	if c.IndustryGroup == d.IndustryGroup {
		return Note{}, false
	}
	return note("adjacent_industry_group", "Listed under %s, the demand under %s.",
		c.IndustryGroup, d.IndustryGroup), true
}

// note builds a Note. Details quote user input, so they are made valid UTF-8
// whatever came in.
func note(code, format string, args ...any) Note {
	return Note{Code: code, Detail: strings.ToValidUTF8(fmt.Sprintf(format, args...), "\uFFFD")}
}

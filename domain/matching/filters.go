package matching

import (
	"fmt"
	"slices"
	"strings"
	"time"
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

// filter applies the hard filters in a fixed order and, when explain is set,
// names the first that fails. on is the dayKey of the day certificates must
// be valid.
func filter(d *PreparedDemand, c *PreparedCapability, on int, explain bool) (Note, bool) {
	fail, req := failedFilter(d, c, on)
	if fail == passed {
		return Note{}, true
	}
	if !explain {
		return Note{}, false
	}
	switch fail {
	case capabilityWithdrawn:
		return note("capability_withdrawn", "The capability was withdrawn."), false
	case demandClosed:
		return note("demand_closed", "The demand is closed."), false
	case groupIncompatible:
		return note("industry_group_incompatible", "Group %s cannot serve a %s demand.",
			c.c.IndustryGroup, d.d.IndustryGroup), false
	case unitIncomparable:
		return note("unit_incomparable", "Capacity in %q cannot be compared with volume in %q.",
			c.c.Capacity.Unit, d.d.Volume.Unit), false
	case certificationMissing:
		return note("certification_missing", "No %s certificate.", req), false
	default:
		return note("certification_expired", "%s is not valid on %s.", req, fromDayKey(on)), false
	}
}

// filterResult names the hard filter a pair failed.
type filterResult int

const (
	passed filterResult = iota
	capabilityWithdrawn
	demandClosed
	groupIncompatible
	unitIncomparable
	certificationMissing
	certificationExpired
)

// failedFilter finds the first hard filter the pair fails and, for a
// certification, the requirement as written. It formats nothing, so
// QuickScore rejects a pair without allocating.
func failedFilter(d *PreparedDemand, c *PreparedCapability, on int) (filterResult, string) {
	switch {
	case c.withdrawn:
		return capabilityWithdrawn, ""
	case d.closed:
		return demandClosed, ""
	case c.groupBit&d.groupMask == 0 && (c.groupBit != 0 || !slices.Contains(d.groups, c.c.IndustryGroup)):
		return groupIncompatible, ""
	}
	if c.unit != d.unit {
		if _, ok := domain.Convert(1, c.c.Capacity.Unit, d.d.Volume.Unit); !ok {
			return unitIncomparable, ""
		}
	}
	for i := 0; i < len(d.certs); i += 2 {
		switch certState(d.certs[i], d.certs[i+1], c.certs, on) {
		case certMissing:
			return certificationMissing, d.certRaws[i/2]
		case certExpired:
			return certificationExpired, d.certRaws[i/2]
		}
	}
	return passed, ""
}

type certStatus int

const (
	certMissing certStatus = iota
	certExpired
	certValid
)

// certState finds the best of the held certificates (base, edition, last
// day triples) for one required standard.
func certState(base, edition uint32, held []uint32, on int) certStatus {
	st := certMissing
	for j := 0; j < len(held); j += 3 {
		if !satisfies(held[j], held[j+1], base, edition) {
			continue
		}
		if until := int(held[j+2]); until != 0 && until >= on {
			return certValid
		}
		st = certExpired
	}
	return st
}

// satisfies reports whether a held standard meets a required one, given as
// the ids of their keys' bases and editions (0: none). Keys ignore case,
// spaces and punctuation ("IATF 16949" = "iatf16949"). An edition after a
// colon or hyphen ("ISO 9001:2015") is ignored unless the requirement names
// one too, in which case it must be the same. "ISO/IEC 27001" = "ISO 27001".
func satisfies(heldBase, heldEdition, base, edition uint32) bool {
	if heldBase == 0 || heldBase != base {
		return false
	}
	return edition == 0 || edition == heldEdition
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

// fromDayKey is the date of a dayKey, at midnight UTC.
func fromDayKey(k int) domain.Date {
	return domain.Date{Time: time.Date(k/10000, time.Month(k/100%100), k%100, 0, 0, 0, 0, time.UTC)}
}

// certificationsHeld explains the passed certification filter, if any.
func certificationsHeld(d *PreparedDemand, on domain.Date) (Note, bool) {
	if len(d.certRaws) == 0 {
		return Note{}, false
	}
	return note("certifications_held", "Holds %s, valid on %s.", strings.Join(d.certRaws, ", "), on), true
}

// adjacentGroup notes, without points, that the capability comes from a
// neighbouring industry group.
func adjacentGroup(d *PreparedDemand, c *PreparedCapability) (Note, bool) {
	if c.c.IndustryGroup == d.d.IndustryGroup {
		return Note{}, false
	}
	return note("adjacent_industry_group", "Listed under %s, the demand under %s.",
		c.c.IndustryGroup, d.d.IndustryGroup), true
}

// note builds a Note. Details quote user input, so text arguments are made
// valid UTF-8 whatever came in; dates are kept as their day alone, so that
// two notes that read the same are equal whatever the clock said.
func note(code, format string, args ...any) Note {
	for i, a := range args {
		switch x := a.(type) {
		case string:
			args[i] = strings.ToValidUTF8(x, "\uFFFD")
		case domain.Date:
			y, m, d := x.Date()
			args[i] = domain.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
		}
	}
	m := domain.Msgf(format, args...)
	return Note{Code: code, Detail: strings.ToValidUTF8(fmt.Sprintf(format, args...), "\uFFFD"), text: m}
}

package domain

import (
	"regexp"
	"strings"
	"time"
)

// IndustryGroup is one of the city's eight groups of recognised key products.
type IndustryGroup string

// The industry groups, as named in the HTTP contract.
const (
	Mechanical              IndustryGroup = "mechanical"
	ElectricalElectronics   IndustryGroup = "electrical_electronics"
	IT                      IndustryGroup = "it"
	TextileLeather          IndustryGroup = "textile_leather"
	AgriFood                IndustryGroup = "agri_food"
	ChemRubberPlasticPharma IndustryGroup = "chem_rubber_plastic_pharma"
	BuildingMaterials       IndustryGroup = "building_materials"
	Handicrafts             IndustryGroup = "handicrafts"
)

// IndustryGroups lists every group in the city's order.
var IndustryGroups = []IndustryGroup{Mechanical, ElectricalElectronics, IT, TextileLeather,
	AgriFood, ChemRubberPlasticPharma, BuildingMaterials, Handicrafts}

// Valid reports whether g is one of the eight groups.
func (g IndustryGroup) Valid() bool {
	for _, x := range IndustryGroups {
		if g == x {
			return true
		}
	}
	return false
}

// Unit is a unit of quantity for capacity, volume and MOQ.
type Unit string

// Units accepted by the contract.
const (
	Pieces      Unit = "pcs"
	Sets        Unit = "sets"
	Kilograms   Unit = "kg"
	Tonnes      Unit = "t"
	Metres      Unit = "m"
	SquareMetre Unit = "m2"
	CubicMetre  Unit = "m3"
	Litres      Unit = "l"
)

// Units lists every accepted unit.
var Units = []Unit{Pieces, Sets, Kilograms, Tonnes, Metres, SquareMetre, CubicMetre, Litres}

// Valid reports whether u is a known unit.
func (u Unit) Valid() bool {
	for _, x := range Units {
		if u == x {
			return true
		}
	}
	return false
}

// Convert returns q expressed in unit to, and whether the units are comparable
// (same dimension: kg and t are; pcs and kg are not).
func Convert(q float64, from, to Unit) (float64, bool) {
	if from == to {
		return q, true
	}
	switch {
	case from == Tonnes && to == Kilograms:
		return q * 1000, true
	case from == Kilograms && to == Tonnes:
		return q / 1000, true
	}
	return 0, false
}

// Rate is a monthly quantity: capacity of a supplier or volume of a demand.
type Rate struct {
	Quantity float64 `json:"quantity"`
	Unit     Unit    `json:"unit"`
	Per      string  `json:"per"`
}

// Validate checks the rate and reports problems by field name.
func (r Rate) Validate() error {
	var p Problems
	p.Check(r.Quantity > 0, "quantity", "must be > 0")
	p.Check(r.Quantity < 1e15, "quantity", "must be < 1e15")
	p.Check(r.Unit.Valid(), "unit", "must be one of pcs, sets, kg, t, m, m2, m3, l")
	p.Check(r.Per == "month", "per", "must be \"month\"")
	return p.Err()
}

// Ownership says who owns a firm.
type Ownership string

// Ownership kinds.
const (
	Domestic     Ownership = "domestic"
	FDI          Ownership = "fdi"
	JointVenture Ownership = "joint_venture"
)

// Valid reports whether o is known.
func (o Ownership) Valid() bool { return o == Domestic || o == FDI || o == JointVenture }

var taxCodeRE = regexp.MustCompile(`^[0-9]{10}(-[0-9]{3})?$`)

// ValidTaxCode reports whether s is a Vietnamese enterprise code: 10 digits,
// optionally a hyphen and a 3-digit branch number.
func ValidTaxCode(s string) bool { return taxCodeRE.MatchString(s) }

var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

// ValidCountry reports whether s looks like an ISO 3166-1 alpha-2 code.
func ValidCountry(s string) bool { return countryRE.MatchString(s) }

// Date is a calendar date (YYYY-MM-DD) without a time zone.
type Date struct{ time.Time }

// ParseDate parses YYYY-MM-DD and rejects impossible dates like 2025-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, Errorf(ErrInvalid, "must be a date YYYY-MM-DD")
	}
	return Date{t}, nil
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return d.Format(time.DateOnly) }

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	x, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = x
	return nil
}

// IndustryGroupNames lists the groups for messages: "mechanical, it, ...".
func IndustryGroupNames() string {
	names := make([]string, len(IndustryGroups))
	for i, g := range IndustryGroups {
		names[i] = string(g)
	}
	return strings.Join(names, ", ")
}

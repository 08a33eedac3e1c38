package supplier

import (
	"strings"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// MaxEmployees bounds the head count a firm may state.
const MaxEmployees = 1_000_000

// Registration is a supplier's profile as the contract's POST /v1/suppliers
// body carries it. Optional strings are empty when absent. Events carry it
// normalised: strings trimmed, Ward the canonical name of one of Hanoi's
// wards and communes (events recorded before wards existed have none).
// District is the former district (quận, huyện), kept for history and search.
type Registration struct {
	Name           string           `json:"name"`
	TaxCode        string           `json:"tax_code"`
	District       string           `json:"district"`
	Ward           string           `json:"ward,omitempty"`
	IndustrialZone string           `json:"industrial_zone,omitempty"`
	Ownership      domain.Ownership `json:"ownership"`
	Employees      *int             `json:"employees,omitempty"`
	Contact        domain.Contact   `json:"contact"`
}

// Register starts a supplier. It checks every field and returns a
// *domain.ValidationError naming all bad ones. Whether another supplier
// already holds the tax code is for the store to say.
func Register(id uuid.UUID, in Registration) (*Supplier, error) {
	if id == uuid.Nil {
		return nil, domain.Errorf(domain.ErrInvalid, "supplier id must not be nil")
	}
	r, err := in.clean("")
	if err != nil {
		return nil, err
	}
	s := &Supplier{}
	s.Record(s.Apply, Registered{SupplierID: id, Registration: r})
	return s, nil
}

// ReviseProfile replaces the whole profile. The tax code identifies the firm
// and may not change: a different one is a validation error on "tax_code"
// (400, reported with every other bad field) rather than a conflict, since the
// request itself is wrong whatever the state. A revision always records an
// event, even when nothing changed.
func (s *Supplier) ReviseProfile(in Registration) error {
	if err := s.registered(); err != nil {
		return err
	}
	r, err := in.clean(s.profile.TaxCode)
	if err != nil {
		return err
	}
	s.Record(s.Apply, ProfileRevised{SupplierID: s.id, Registration: r})
	return nil
}

// clean normalises and checks in; fixedTaxCode, when set, is the tax code the
// input must keep.
func (in Registration) clean(fixedTaxCode string) (Registration, error) {
	var p domain.Problems
	r := Registration{Ownership: in.Ownership}
	r.Name = p.Line("name", in.Name, true)
	r.TaxCode = strings.TrimSpace(in.TaxCode)
	switch {
	case r.TaxCode == "":
		p.Add("tax_code", "is required")
	case !domain.ValidTaxCode(r.TaxCode):
		p.Add("tax_code", "must be 10 digits, optionally followed by - and 3 digits")
	case fixedTaxCode != "" && r.TaxCode != fixedTaxCode:
		p.Add("tax_code", "cannot be changed")
	}
	r.Ward = p.Ward("ward", in.Ward)
	former := formerDistrict(r.Ward)
	r.District = p.Line("district", in.District, former == "")
	if r.District == "" {
		r.District = former
	}
	r.IndustrialZone = p.Line("industrial_zone", in.IndustrialZone, false)
	p.Check(in.Ownership.Valid(), "ownership", "must be one of domestic, fdi, joint_venture")
	if in.Employees != nil {
		n := *in.Employees
		p.Check(n >= 0 && n <= MaxEmployees, "employees", "must be between 0 and %d", MaxEmployees)
		r.Employees = &n
	}
	r.Contact = p.Contact("contact", in.Contact)
	return r, p.Err()
}

// formerDistrict is the district that gave a ward its seat, when ward is a
// canonical name, so that a firm giving only its ward is still found by its
// former district.
func formerDistrict(ward string) string {
	if w, ok := domain.LookupWard(ward); ok && w.FullName() == ward {
		return w.FormerDistrict
	}
	return ""
}

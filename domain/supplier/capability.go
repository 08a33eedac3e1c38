package supplier

import (
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// Lead times a supplier may promise, in days (up to ten years).
const (
	MinLeadTimeDays = 1
	MaxLeadTimeDays = 3650
)

// Capability is what a supplier can make, as the contract's capability body
// carries it (POST and PUT). Optional strings are empty and optional lists
// nil when absent.
type Capability struct {
	Title          string               `json:"title"`
	Description    string               `json:"description,omitempty"`
	IndustryGroup  domain.IndustryGroup `json:"industry_group"`
	VSIC           string               `json:"vsic,omitempty"`
	HSCodes        []string             `json:"hs_codes,omitempty"`
	Processes      []string             `json:"processes,omitempty"`
	Materials      []string             `json:"materials,omitempty"`
	Certifications []CertificationInput `json:"certifications,omitempty"`
	Capacity       domain.Rate          `json:"capacity"`
	MOQ            *float64             `json:"moq,omitempty"`
	LeadTimeDays   int                  `json:"lead_time_days"`
	ExportMarkets  []string             `json:"export_markets,omitempty"`
}

// CertificationInput is a certification as a client sends it; the date stays
// a string so that a bad one is reported with its field path.
type CertificationInput struct {
	Standard   string `json:"standard"`
	ValidUntil string `json:"valid_until"`
}

// CapabilitySpec is a checked and normalised Capability, as events carry it
// and the aggregate keeps it: strings trimmed, HS codes as digits only,
// countries upper-case, dates parsed, empty lists nil.
type CapabilitySpec struct {
	Title          string               `json:"title"`
	Description    string               `json:"description,omitempty"`
	IndustryGroup  domain.IndustryGroup `json:"industry_group"`
	VSIC           string               `json:"vsic,omitempty"`
	HSCodes        []string             `json:"hs_codes,omitempty"`
	Processes      []string             `json:"processes,omitempty"`
	Materials      []string             `json:"materials,omitempty"`
	Certifications []Certification      `json:"certifications,omitempty"`
	Capacity       domain.Rate          `json:"capacity"`
	MOQ            *float64             `json:"moq,omitempty"` // in Capacity.Unit
	LeadTimeDays   int                  `json:"lead_time_days"`
	ExportMarkets  []string             `json:"export_markets,omitempty"`
}

// Certification is a standard the supplier is certified to (ISO 9001, IATF
// 16949...) and the last day the certificate is valid. An expired one is kept:
// matching decides, on the demand's date, whether it counts.
type Certification struct {
	Standard   string      `json:"standard"`
	ValidUntil domain.Date `json:"valid_until"`
}

// DeclareCapability adds a capability under an id chosen by the caller. An id
// already used, even by a withdrawn capability, is a conflict.
func (s *Supplier) DeclareCapability(id uuid.UUID, in Capability) error {
	if err := s.registered(); err != nil {
		return err
	}
	if id == uuid.Nil {
		return domain.Errorf(domain.ErrInvalid, "capability id must not be nil")
	}
	spec, err := in.spec()
	if err != nil {
		return err
	}
	if _, ok := s.capabilities[id]; ok {
		return domain.Errorf(domain.ErrConflict, "capability %s already declared", id)
	}
	if s.activeCapabilities() >= MaxCapabilities {
		return domain.Errorf(domain.ErrConflict, "a supplier may have at most %d capabilities", MaxCapabilities)
	}
	s.Record(s.Apply, CapabilityDeclared{SupplierID: s.id, CapabilityID: id, CapabilitySpec: spec})
	return nil
}

// ReviseCapability replaces a capability as a whole.
func (s *Supplier) ReviseCapability(id uuid.UUID, in Capability) error {
	if err := s.registered(); err != nil {
		return err
	}
	spec, err := in.spec()
	if err != nil {
		return err
	}
	if err := s.mustBeActive(id); err != nil {
		return err
	}
	s.Record(s.Apply, CapabilityRevised{SupplierID: s.id, CapabilityID: id, CapabilitySpec: spec})
	return nil
}

// WithdrawCapability takes a capability out of the directory and matching.
// Withdrawing twice is a conflict, so a retried DELETE is told it already
// happened.
func (s *Supplier) WithdrawCapability(id uuid.UUID) error {
	if err := s.registered(); err != nil {
		return err
	}
	if err := s.mustBeActive(id); err != nil {
		return err
	}
	s.Record(s.Apply, CapabilityWithdrawn{SupplierID: s.id, CapabilityID: id})
	return nil
}

func (s *Supplier) mustBeActive(id uuid.UUID) error {
	c, ok := s.capabilities[id]
	switch {
	case !ok:
		return domain.Errorf(domain.ErrNotFound, "capability %s not found", id)
	case c.withdrawn:
		return domain.Errorf(domain.ErrConflict, "capability %s is withdrawn", id)
	}
	return nil
}

// spec checks every field of in and normalises it.
func (in Capability) spec() (CapabilitySpec, error) {
	var p domain.Problems
	c := CapabilitySpec{IndustryGroup: in.IndustryGroup, Capacity: in.Capacity, LeadTimeDays: in.LeadTimeDays}
	c.Title = p.Line("title", in.Title, true)
	c.Description = p.Text("description", in.Description)
	p.Check(in.IndustryGroup.Valid(), "industry_group", "must be one of %s", domain.IndustryGroupNames())
	c.VSIC = strings.TrimSpace(in.VSIC)
	p.Check(c.VSIC == "" || domain.ValidVSIC(c.VSIC), "vsic", "must be a VSIC code of 4 or 5 digits")
	c.HSCodes = p.HSCodes("hs_codes", in.HSCodes)
	c.Processes = p.Lines("processes", in.Processes)
	c.Materials = p.Lines("materials", in.Materials)
	c.Certifications = certifications(&p, in.Certifications)
	p.Merge("capacity", in.Capacity.Validate())
	if in.MOQ != nil {
		m := *in.MOQ
		p.Check(m > 0 && m < 1e15, "moq", "must be > 0 and < 1e15")
		c.MOQ = &m
	}
	p.Check(in.LeadTimeDays >= MinLeadTimeDays && in.LeadTimeDays <= MaxLeadTimeDays,
		"lead_time_days", "must be between %d and %d", MinLeadTimeDays, MaxLeadTimeDays)
	c.ExportMarkets = countries(&p, "export_markets", in.ExportMarkets)
	return c, p.Err()
}

func certifications(p *domain.Problems, in []CertificationInput) []Certification {
	const field = "certifications"
	if len(in) > domain.MaxListLen {
		p.Add(field, "must have at most %d items", domain.MaxListLen)
		return nil
	}
	var out []Certification
	for i, x := range in {
		at := domain.Index(field, i)
		c := Certification{Standard: p.Line(at+".standard", x.Standard, true)}
		d, err := domain.ParseDate(strings.TrimSpace(x.ValidUntil))
		p.Check(err == nil, at+".valid_until", "must be a real date YYYY-MM-DD")
		c.ValidUntil = d
		out = append(out, c)
	}
	return out
}

func countries(p *domain.Problems, field string, in []string) []string {
	if len(in) > domain.MaxListLen {
		p.Add(field, "must have at most %d items", domain.MaxListLen)
		return nil
	}
	var out []string
	for i, x := range in {
		c := strings.ToUpper(strings.TrimSpace(x))
		p.Check(domain.ValidCountry(c), domain.Index(field, i), "must be an ISO 3166-1 alpha-2 country code")
		out = append(out, c)
	}
	return out
}

// clone copies the lists so that a caller cannot change the aggregate.
func (c CapabilitySpec) clone() CapabilitySpec {
	c.HSCodes = slices.Clone(c.HSCodes)
	c.Processes = slices.Clone(c.Processes)
	c.Materials = slices.Clone(c.Materials)
	c.Certifications = slices.Clone(c.Certifications)
	c.ExportMarkets = slices.Clone(c.ExportMarkets)
	if c.MOQ != nil {
		m := *c.MOQ
		c.MOQ = &m
	}
	return c
}

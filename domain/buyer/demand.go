package buyer

import (
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// Lead times a demand may require, in days (up to ten years).
const (
	MinLeadTimeDays = 1
	MaxLeadTimeDays = 3650
)

// Demand is what a buyer wants to source, as the contract's demand body
// carries it (POST and PUT). Optional strings are empty and optional lists nil
// when absent; NeededBy stays a string so that a bad date is reported with
// its field path.
type Demand struct {
	Title                  string               `json:"title"`
	Description            string               `json:"description,omitempty"`
	IndustryGroup          domain.IndustryGroup `json:"industry_group"`
	VSIC                   string               `json:"vsic,omitempty"`
	HSCodes                []string             `json:"hs_codes,omitempty"`
	Processes              []string             `json:"processes,omitempty"`
	Materials              []string             `json:"materials,omitempty"`
	RequiredCertifications []string             `json:"required_certifications,omitempty"`
	Volume                 domain.Rate          `json:"volume"`
	MaxLeadTimeDays        *int                 `json:"max_lead_time_days,omitempty"`
	NeededBy               string               `json:"needed_by,omitempty"`
}

// DemandSpec is a checked and normalised Demand, as events carry it and the
// aggregate keeps it: strings trimmed, HS codes as digits only, the date
// parsed, empty lists nil.
type DemandSpec struct {
	Title                  string               `json:"title"`
	Description            string               `json:"description,omitempty"`
	IndustryGroup          domain.IndustryGroup `json:"industry_group"`
	VSIC                   string               `json:"vsic,omitempty"`
	HSCodes                []string             `json:"hs_codes,omitempty"`
	Processes              []string             `json:"processes,omitempty"`
	Materials              []string             `json:"materials,omitempty"`
	RequiredCertifications []string             `json:"required_certifications,omitempty"`
	Volume                 domain.Rate          `json:"volume"`
	MaxLeadTimeDays        *int                 `json:"max_lead_time_days,omitempty"`
	NeededBy               *domain.Date         `json:"needed_by,omitempty"`
}

// PostDemand opens a demand under an id chosen by the caller. An id already
// used, even by a closed demand, is a conflict. A needed_by date in the past
// is accepted: the domain does not read the clock, and matching judges
// certificates on that date either way.
func (b *Buyer) PostDemand(id uuid.UUID, in Demand) error {
	if err := b.registered(); err != nil {
		return err
	}
	if id == uuid.Nil {
		return domain.Errorf(domain.ErrInvalid, "demand id must not be nil")
	}
	spec, err := in.spec()
	if err != nil {
		return err
	}
	if _, ok := b.demands[id]; ok {
		return domain.Errorf(domain.ErrConflict, "demand %s already posted", id)
	}
	if b.openDemands() >= MaxOpenDemands {
		return domain.Errorf(domain.ErrConflict, "a buyer may have at most %d open demands", MaxOpenDemands)
	}
	b.Record(b.Apply, DemandPosted{BuyerID: b.id, DemandID: id, DemandSpec: spec})
	return nil
}

// ReviseDemand replaces an open demand as a whole.
func (b *Buyer) ReviseDemand(id uuid.UUID, in Demand) error {
	if err := b.registered(); err != nil {
		return err
	}
	spec, err := in.spec()
	if err != nil {
		return err
	}
	if err := b.mustBeOpen(id); err != nil {
		return err
	}
	b.Record(b.Apply, DemandRevised{BuyerID: b.id, DemandID: id, DemandSpec: spec})
	return nil
}

// CloseDemand closes an open demand because it was "fulfilled" or
// "cancelled"; any other reason is a validation error on "reason". Closing
// twice is a conflict.
func (b *Buyer) CloseDemand(id uuid.UUID, reason string) error {
	if err := b.registered(); err != nil {
		return err
	}
	r := Status(strings.TrimSpace(reason))
	var p domain.Problems
	p.Check(r == Fulfilled || r == Cancelled, "reason", "must be fulfilled or cancelled")
	if err := p.Err(); err != nil {
		return err
	}
	if err := b.mustBeOpen(id); err != nil {
		return err
	}
	b.Record(b.Apply, DemandClosed{BuyerID: b.id, DemandID: id, Reason: r})
	return nil
}

func (b *Buyer) mustBeOpen(id uuid.UUID) error {
	d, ok := b.demands[id]
	switch {
	case !ok:
		return domain.Errorf(domain.ErrNotFound, "demand %s not found", id)
	case d.status != Open:
		return domain.Errorf(domain.ErrConflict, "demand %s is closed (%s)", id, d.status)
	}
	return nil
}

// spec checks every field of in and normalises it.
func (in Demand) spec() (DemandSpec, error) {
	var p domain.Problems
	d := DemandSpec{IndustryGroup: in.IndustryGroup, Volume: in.Volume}
	d.Title = p.Line("title", in.Title, true)
	d.Description = p.Text("description", in.Description)
	p.Check(in.IndustryGroup.Valid(), "industry_group", "must be one of %s", domain.IndustryGroupNames())
	d.VSIC = strings.TrimSpace(in.VSIC)
	p.Check(d.VSIC == "" || domain.ValidVSIC(d.VSIC), "vsic", "must be a VSIC code of 4 or 5 digits")
	d.HSCodes = p.HSCodes("hs_codes", in.HSCodes)
	d.Processes = p.Lines("processes", in.Processes)
	d.Materials = p.Lines("materials", in.Materials)
	d.RequiredCertifications = p.Lines("required_certifications", in.RequiredCertifications)
	p.Merge("volume", in.Volume.Validate())
	if in.MaxLeadTimeDays != nil {
		n := *in.MaxLeadTimeDays
		p.Check(n >= MinLeadTimeDays && n <= MaxLeadTimeDays,
			"max_lead_time_days", "must be between %d and %d", MinLeadTimeDays, MaxLeadTimeDays)
		d.MaxLeadTimeDays = &n
	}
	if s := strings.TrimSpace(in.NeededBy); s != "" {
		t, err := domain.ParseDate(s)
		p.Check(err == nil, "needed_by", "must be a real date YYYY-MM-DD")
		d.NeededBy = &t
	}
	return d, p.Err()
}

// clone copies the lists and pointers so that a caller cannot change the
// aggregate.
func (d DemandSpec) clone() DemandSpec {
	d.HSCodes = slices.Clone(d.HSCodes)
	d.Processes = slices.Clone(d.Processes)
	d.Materials = slices.Clone(d.Materials)
	d.RequiredCertifications = slices.Clone(d.RequiredCertifications)
	if d.MaxLeadTimeDays != nil {
		n := *d.MaxLeadTimeDays
		d.MaxLeadTimeDays = &n
	}
	if d.NeededBy != nil {
		t := *d.NeededBy
		d.NeededBy = &t
	}
	return d
}

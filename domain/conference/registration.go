package conference

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/schedule"
)

// Role is the side a firm takes at the event.
type Role string

// The two sides.
const (
	Supplier Role = "supplier"
	Buyer    Role = "buyer"
)

// Actor is who sends a command: the organiser, who may act for any firm, or
// one firm acting for itself.
type Actor struct {
	Organiser      bool
	OrganisationID uuid.UUID
}

// AsOrganiser is the organiser acting.
func AsOrganiser() Actor { return Actor{Organiser: true} }

// AsFirm is a firm acting for itself.
func AsFirm(org uuid.UUID) Actor { return Actor{OrganisationID: org} }

func (a Actor) mayActFor(org uuid.UUID) error {
	if a.Organiser || (a.OrganisationID != uuid.Nil && a.OrganisationID == org) {
		return nil
	}
	return domain.Errorf(domain.ErrForbidden, "only the organiser or the firm itself may do this")
}

// Period is a time a firm is not available for meetings, from inclusive to
// exclusive.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Limits on a registration.
const (
	MaxUnavailable  = 50
	MaxBoothLength  = 50
	MaxInterpreters = 1000
)

// Registration is a firm taking part in the event.
type Registration struct {
	OrganisationID uuid.UUID `json:"organisation_id"`
	Role           Role      `json:"role"`
	// Booth is a supplier's booth at a fair; its meetings take place there.
	Booth       string   `json:"booth,omitempty"`
	Unavailable []Period `json:"unavailable,omitempty"`
	// SME marks a supplier the fairness floor protects.
	SME bool `json:"sme,omitempty"`
	// InterpreterLanguage is the language a buyer needs an interpreter for:
	// JP, KR or ZH.
	InterpreterLanguage schedule.Language `json:"interpreter_language,omitempty"`
	// MaxMeetings caps this firm's meetings below the event's cap; 0 means
	// the event's cap.
	MaxMeetings int `json:"max_meetings,omitempty"`
}

func (r Registration) clone() Registration {
	r.Unavailable = slices.Clone(r.Unavailable)
	return r
}

// validLanguage reports whether the organisers provide interpreters for l.
func validLanguage(l schedule.Language) bool {
	return l == schedule.Japanese || l == schedule.Korean || l == schedule.Chinese
}

func (c *Conference) validateRegistration(r Registration) error {
	var p domain.Problems
	p.Check(r.OrganisationID != uuid.Nil, "organisation_id", "must be set")
	p.Check(r.Role == Supplier || r.Role == Buyer, "role", "must be supplier or buyer")
	if r.Booth != "" {
		p.Check(c.details.Kind == KindFair, "booth", "only at a fair")
		p.Check(r.Role == Supplier, "booth", "only suppliers have booths")
		p.Line("booth", r.Booth, true)
		p.Check(strings.TrimSpace(r.Booth) == r.Booth && utf8.RuneCountInString(r.Booth) <= MaxBoothLength,
			"booth", "must be at most %d characters without surrounding spaces", MaxBoothLength)
	}
	p.Check(len(r.Unavailable) <= MaxUnavailable, "unavailable", "must have at most %d periods", MaxUnavailable)
	for i, x := range r.Unavailable {
		path := fmt.Sprintf("unavailable[%d]", i)
		p.Check(!x.From.IsZero(), path+".from", "must be set")
		switch {
		case x.To.IsZero():
			p.Add(path+".to", "must be set")
		case !x.To.After(x.From):
			p.Add(path+".to", "must be after from")
		}
	}
	p.Check(!r.SME || r.Role == Supplier, "sme", "only suppliers")
	p.Check(r.MaxMeetings >= 0 && r.MaxMeetings <= MaxMeetingsCap, "max_meetings", "must be 0..%d", MaxMeetingsCap)
	if r.InterpreterLanguage != "" {
		p.Check(validLanguage(r.InterpreterLanguage), "interpreter_language", "must be JP, KR or ZH")
		p.Check(r.Role == Buyer, "interpreter_language", "only buyers")
	}
	return p.Err()
}

// Register adds a firm to the event; the organiser may register any firm, a
// firm only itself. Late registrations are welcome until the event ends; a
// new proposal then fits them around the published meetings. It fails with
// ErrConflict when the firm is already registered or the booth is taken.
func (c *Conference) Register(by Actor, r Registration, now time.Time) error {
	if err := c.created(); err != nil {
		return err
	}
	if err := by.mayActFor(r.OrganisationID); err != nil {
		return err
	}
	if err := c.validateRegistration(r); err != nil {
		return err
	}
	if err := c.openFor(by, now); err != nil {
		return err
	}
	if _, ok := c.firms[r.OrganisationID]; ok {
		return domain.Errorf(domain.ErrConflict, "organisation %s is already registered", r.OrganisationID)
	}
	if other, ok := c.booths[r.Booth]; ok && r.Booth != "" {
		return domain.Errorf(domain.ErrConflict, "booth %q is taken by %s", r.Booth, other)
	}
	c.Record(c.Apply, FirmRegistered{EventID: c.id, Registration: r.clone()})
	return nil
}

// CancelRegistration takes a firm out of the event; the organiser may cancel
// any firm, a firm only itself. Its meetings that have not started are
// withdrawn, published or not; those that started stay on record.
func (c *Conference) CancelRegistration(by Actor, org uuid.UUID, now time.Time) error {
	if err := c.created(); err != nil {
		return err
	}
	if err := by.mayActFor(org); err != nil {
		return err
	}
	if _, ok := c.firms[org]; !ok {
		return domain.Errorf(domain.ErrNotFound, "organisation %s is not registered", org)
	}
	if err := c.openFor(by, now); err != nil {
		return err
	}
	now = c.planningTime(now)
	withdrawn := []uuid.UUID{}
	involved := func(m Meeting) bool { return m.SupplierID == org || m.BuyerID == org }
	for _, m := range c.published {
		if involved(m) && !m.StartsAt.Before(now) {
			withdrawn = append(withdrawn, m.ID)
		}
	}
	if c.proposal != nil {
		for _, m := range c.proposal.Meetings {
			if involved(m) && !c.isPublished(m.ID) {
				withdrawn = append(withdrawn, m.ID)
			}
		}
	}
	c.Record(c.Apply, RegistrationCancelled{EventID: c.id, OrganisationID: org, WithdrawnMeetings: withdrawn})
	return nil
}

// ReviseRegistration changes a registered firm's booth, unavailable times,
// SME flag, interpreter need and meeting cap (the organiser for any firm, a
// firm for itself, until the event ends; the organiser later too). Published
// meetings stay where they are; the next proposal follows the new terms.
func (c *Conference) ReviseRegistration(by Actor, r Registration, now time.Time) error {
	if err := c.created(); err != nil {
		return err
	}
	if err := by.mayActFor(r.OrganisationID); err != nil {
		return err
	}
	old, ok := c.firms[r.OrganisationID]
	if !ok {
		return domain.Errorf(domain.ErrNotFound, "organisation %s is not registered", r.OrganisationID)
	}
	r.Role = old.Role
	if err := c.validateRegistration(r); err != nil {
		return err
	}
	if err := c.openFor(by, now); err != nil {
		return err
	}
	if other, ok := c.booths[r.Booth]; ok && r.Booth != "" && other != r.OrganisationID {
		return domain.Errorf(domain.ErrConflict, "booth %q is taken by %s", r.Booth, other)
	}
	c.Record(c.Apply, RegistrationRevised{EventID: c.id, Registration: r.clone()})
	return nil
}

// RegistrationRevised replaces a registered firm's terms.
type RegistrationRevised struct {
	EventID uuid.UUID `json:"event_id"`
	Registration
}

// EventType implements domain.Event.
func (RegistrationRevised) EventType() string { return "ConferenceRegistrationRevised" }

// SchemaVersion implements domain.Event.
func (RegistrationRevised) SchemaVersion() int { return 1 }

func (c *Conference) isPublished(id uuid.UUID) bool {
	_, ok := c.Meeting(id)
	return ok
}

// DeclareInterpreters sets how many interpreters of a language are free in
// every slot (the organiser's resource). A buyer needing that language only
// meets while one is free. Lowering the count can make the proposal unfit to
// publish; propose again then.
func (c *Conference) DeclareInterpreters(language schedule.Language, count int) error {
	if err := c.created(); err != nil {
		return err
	}
	var p domain.Problems
	p.Check(validLanguage(language), "language", "must be JP, KR or ZH")
	p.Check(count >= 0 && count <= MaxInterpreters, "count", "must be 0..%d", MaxInterpreters)
	if err := p.Err(); err != nil {
		return err
	}
	c.Record(c.Apply, InterpreterDeclared{EventID: c.id, Language: language, Count: count})
	return nil
}

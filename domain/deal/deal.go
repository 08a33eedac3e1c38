// Package deal is the deal aggregate: what follows the handshake between a
// supplier and a buyer (about one demand or none), fed by meetings at any
// number of events and moved through its stages by either firm or the
// organiser. It knows nothing of storage, HTTP or the clock: commands take
// the time they happen at.
package deal

import (
	"math"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// StreamType names deal streams in the event store.
const StreamType = "deal"

// Stage is where a deal stands.
type Stage string

// The stages, in the order a deal usually goes through them; Lost may
// follow any of them.
const (
	Contacted  Stage = "contacted"
	Sample     Stage = "sample"
	Audit      Stage = "audit"
	TrialOrder Stage = "trial_order"
	Contract   Stage = "contract"
	Lost       Stage = "lost"
)

// Stages lists every stage in order.
var Stages = []Stage{Contacted, Sample, Audit, TrialOrder, Contract, Lost}

// Valid reports whether s is a stage.
func (s Stage) Valid() bool { return slices.Contains(Stages, s) }

// Actor is who sends a command: the organiser, or a user of one firm.
type Actor struct {
	Organiser      bool
	OrganisationID uuid.UUID
}

// AsOrganiser is the organiser, who may act on every deal.
func AsOrganiser() Actor { return Actor{Organiser: true} }

// AsFirm is a user of firm org.
func AsFirm(org uuid.UUID) Actor { return Actor{OrganisationID: org} }

// firm is the actor's firm, nil for the organiser (as events store it).
func (a Actor) firm() uuid.UUID {
	if a.Organiser {
		return uuid.Nil
	}
	return a.OrganisationID
}

// Deal is one supplier-buyer deal. The zero value is ready to have stored
// events applied or Open called. It is not safe for concurrent use.
type Deal struct {
	domain.Root
	id       uuid.UUID
	supplier uuid.UUID
	buyer    uuid.UUID
	demand   uuid.UUID
	stage    Stage
	meetings map[uuid.UUID]string // result per linked meeting
	mous     map[uuid.UUID]bool   // meetings that recorded an MoU
}

// Events returns one zero value of every deal event type, for the codec
// registry.
func Events() []domain.Event {
	return []domain.Event{Opened{}, StageChanged{}, MeetingLinked{}, MoUSigned{}}
}

// Apply changes the state by one event; it never fails.
func (d *Deal) Apply(e domain.Event) {
	if d.meetings == nil {
		d.meetings, d.mous = map[uuid.UUID]string{}, map[uuid.UUID]bool{}
	}
	switch e := e.(type) {
	case Opened:
		d.id, d.supplier, d.buyer, d.demand, d.stage = e.DealID, e.SupplierID, e.BuyerID, e.DemandID, Contacted
		for _, m := range e.MeetingIDs {
			d.meetings[m] = ""
		}
	case StageChanged:
		d.stage = e.Stage
	case MeetingLinked:
		d.meetings[e.MeetingID] = e.Result
	case MoUSigned:
		if e.MeetingID != uuid.Nil {
			d.mous[e.MeetingID] = true
		}
	}
}

// Parties are the firms of a deal and the demand it is about.
type Parties struct {
	SupplierID uuid.UUID
	BuyerID    uuid.UUID
	DemandID   uuid.UUID // uuid.Nil when the deal is about no one demand
}

// Key is the deal's uniqueness key: one deal per supplier, buyer and demand.
func (p Parties) Key() string {
	return p.SupplierID.String() + "/" + p.BuyerID.String() + "/" + p.DemandID.String()
}

// Open starts deal id between the parties at the contacted stage, with the
// meetings that led to it. The organiser may open any deal, a firm only
// one it is party to.
func Open(id uuid.UUID, by Actor, p Parties, meetings []uuid.UUID, at time.Time) (*Deal, error) {
	var probs domain.Problems
	probs.Check(id != uuid.Nil, "id", "is required")
	probs.Check(p.SupplierID != uuid.Nil, "supplier_id", "is required")
	probs.Check(p.BuyerID != uuid.Nil, "buyer_id", "is required")
	probs.Check(p.SupplierID != p.BuyerID || p.SupplierID == uuid.Nil, "buyer_id", "must differ from supplier_id")
	probs.Check(len(meetings) <= domain.MaxListLen, "meeting_ids", "must have at most %d items", domain.MaxListLen)
	seen := map[uuid.UUID]bool{}
	for i, m := range meetings {
		probs.Check(m != uuid.Nil && !seen[m], domain.Index("meeting_ids", i), "must be a distinct meeting id")
		seen[m] = true
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if !by.Organiser && by.OrganisationID != p.SupplierID && by.OrganisationID != p.BuyerID {
		return nil, domain.Errorf(domain.ErrForbidden, "a firm may open only its own deals")
	}
	d := &Deal{}
	d.Record(d.Apply, Opened{DealID: id, SupplierID: p.SupplierID, BuyerID: p.BuyerID, DemandID: p.DemandID,
		MeetingIDs: slices.Clone(meetings), OpenedBy: by.firm(), At: at.UTC()})
	return d, nil
}

// ID is the deal's id.
func (d *Deal) ID() uuid.UUID { return d.id }

// Stage is where the deal stands.
func (d *Deal) Stage() Stage { return d.stage }

// Parties returns the deal's firms and demand.
func (d *Deal) Parties() Parties {
	return Parties{SupplierID: d.supplier, BuyerID: d.buyer, DemandID: d.demand}
}

// visible says whether by may see (and so act on) the deal: a firm that is
// not party to it is told it does not exist.
func (d *Deal) visible(by Actor) error {
	if d.id == uuid.Nil || (!by.Organiser && by.OrganisationID != d.supplier && by.OrganisationID != d.buyer) {
		return domain.Errorf(domain.ErrNotFound, "deal not found")
	}
	return nil
}

// Change is a stage change as a firm or the organiser asks for it.
type Change struct {
	Stage Stage
	Value *Money
	On    domain.Date // the zero date means the day of at
	Note  string
}

// MoveTo moves the deal to a stage. Any stage may follow any other (a lost
// deal may come back), but a lost deal needs a note giving the reason, and
// a value needs a stage that is not lost.
func (d *Deal) MoveTo(by Actor, c Change, at time.Time) error {
	if err := d.visible(by); err != nil {
		return err
	}
	var p domain.Problems
	p.Check(c.Stage.Valid(), "stage", "must be one of contacted, sample, audit, trial_order, contract, lost")
	c.Note = p.Text("note", c.Note)
	p.Check(c.Stage != Lost || c.Note != "", "note", "is required for a lost deal: give the reason")
	p.Check(c.Stage != Lost || c.Value == nil, "value", "must not be given for a lost deal")
	if c.Value != nil {
		p.Check(c.Value.Currency.Valid(), "currency", "must be one of VND, USD, JPY, KRW, CNY, EUR")
		p.Check(c.Value.Minor >= 0 && c.Value.Minor <= MaxMinor, "value", "must be a non-negative amount")
	}
	if err := p.Err(); err != nil {
		return err
	}
	d.Record(d.Apply, d.stageChanged(by.firm(), c, uuid.Nil, at))
	return nil
}

func (d *Deal) stageChanged(by uuid.UUID, c Change, meeting uuid.UUID, at time.Time) StageChanged {
	on := c.On
	if on.IsZero() {
		on = domain.Date{Time: time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)}
	}
	var v *Money
	if c.Value != nil {
		x := *c.Value
		v = &x
	}
	return StageChanged{DealID: d.id, SupplierID: d.supplier, BuyerID: d.buyer, Stage: c.Stage, Value: v, On: on,
		Note: c.Note, MeetingID: meeting, ChangedBy: by, At: at.UTC()}
}

// Outcome is what a meeting between the deal's firms led to, as the
// organiser recorded it at an event.
type Outcome struct {
	EventID   uuid.UUID
	MeetingID uuid.UUID
	Result    string // follow_up, mou or contract
	ValueUSD  *float64
	On        domain.Date // the meeting's day
}

// RecordMeeting feeds a meeting's outcome into the deal: it links the
// meeting, records an MoU once per meeting, and advances the deal to the
// contract stage for a contract (never back: a follow-up leaves a deal at
// the audit stage where it is; it reopens a lost one). Recording the same
// outcome again changes nothing.
func (d *Deal) RecordMeeting(o Outcome, at time.Time) error {
	if d.id == uuid.Nil {
		return domain.Errorf(domain.ErrNotFound, "deal not found")
	}
	var value *Money
	if o.ValueUSD != nil {
		var p domain.Problems
		m := ParseMoney(&p, "value_usd", "currency", cents(*o.ValueUSD), string(USD))
		if err := p.Err(); err != nil {
			return err
		}
		value = &m
	}
	if prev, ok := d.meetings[o.MeetingID]; !ok || prev != o.Result {
		d.Record(d.Apply, MeetingLinked{DealID: d.id, EventID: o.EventID, MeetingID: o.MeetingID, Result: o.Result, At: at.UTC()})
	}
	if d.stage == Lost && o.Result != "contract" {
		d.Record(d.Apply, d.stageChanged(uuid.Nil, Change{Stage: Contacted, On: o.On, Note: "reopened by a meeting"}, o.MeetingID, at))
	}
	switch o.Result {
	case "mou":
		if !d.mous[o.MeetingID] {
			d.Record(d.Apply, MoUSigned{DealID: d.id, Value: value, On: o.On, MeetingID: o.MeetingID, At: at.UTC()})
		}
	case "contract":
		if d.stage != Contract {
			d.Record(d.Apply, d.stageChanged(uuid.Nil, Change{Stage: Contract, Value: value, On: o.On}, o.MeetingID, at))
		}
	}
	return nil
}

// cents rounds a dollar amount to cents, as the meeting outcome carries
// dollars as a float.
func cents(v float64) float64 { return math.Round(v*100) / 100 }

// SignMoU records a memorandum of understanding signed outside a meeting
// the organiser recorded (at the firms' offices, say), with its value when
// known. Either firm of the deal or the organiser records it.
func (d *Deal) SignMoU(by Actor, value *Money, on domain.Date, at time.Time) error {
	if err := d.visible(by); err != nil {
		return err
	}
	if value != nil && (!value.Currency.Valid() || value.Minor < 0 || value.Minor > MaxMinor) {
		return &domain.ValidationError{Fields: []domain.FieldError{{Field: "value", Message: "must be a non-negative amount in a known currency"}}}
	}
	if on.IsZero() {
		on = domain.Date{Time: time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)}
	}
	var v *Money
	if value != nil {
		x := *value
		v = &x
	}
	d.Record(d.Apply, MoUSigned{DealID: d.id, Value: v, On: on, At: at.UTC()})
	return nil
}

// Package support is the record of the city's support to one supplier under
// one programme in one year: an interest subsidy, trade promotion, training,
// certification, technology, or other help, with its amount when known. Each
// record is its own small aggregate; recording is all it does.
package support

import (
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// StreamType names support streams in the event store.
const StreamType = "support"

// Kind is the kind of support.
type Kind string

// The kinds of support the programme gives.
const (
	InterestSubsidy Kind = "interest_subsidy"
	TradePromotion  Kind = "trade_promotion"
	Training        Kind = "training"
	Certification   Kind = "certification"
	Technology      Kind = "technology"
	Other           Kind = "other"
)

// Kinds lists every kind.
var Kinds = []Kind{InterestSubsidy, TradePromotion, Training, Certification, Technology, Other}

// Valid reports whether k is a kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Years a support record may be for.
const (
	MinYear = 2010
	MaxYear = 2100
)

// MaxAmountVND bounds an amount (a thousand trillion dong).
const MaxAmountVND = 1_000_000_000_000_000

// Grant is the contract's body of POST /v1/suppliers/{id}/support.
type Grant struct {
	Programme string `json:"programme"`
	Year      int    `json:"year"`
	Kind      Kind   `json:"kind"`
	AmountVND *int64 `json:"amount_vnd,omitempty"`
}

// Granted records the support given to a supplier.
type Granted struct {
	SupportID  uuid.UUID `json:"support_id"`
	SupplierID uuid.UUID `json:"supplier_id"`
	Grant
	At time.Time `json:"at"`
}

// EventType implements domain.Event.
func (Granted) EventType() string { return "SupportGranted" }

// SchemaVersion implements domain.Event.
func (Granted) SchemaVersion() int { return 1 }

// Events returns one zero value of every support event type.
func Events() []domain.Event { return []domain.Event{Granted{}} }

// Support is one support record. The zero value is ready for Apply.
type Support struct {
	domain.Root
	id uuid.UUID
}

// Apply changes the state by one event.
func (s *Support) Apply(e domain.Event) {
	if g, ok := e.(Granted); ok {
		s.id = g.SupportID
	}
}

// Validate checks a grant and reports every bad field; it returns the grant
// trimmed.
func (g Grant) Validate() (Grant, error) {
	var p domain.Problems
	g.Programme = p.Line("programme", g.Programme, true)
	p.Check(g.Year >= MinYear && g.Year <= MaxYear, "year", "must be from %d to %d", MinYear, MaxYear)
	p.Check(g.Kind.Valid(), "kind", "must be one of interest_subsidy, trade_promotion, training, certification, technology, other")
	if g.AmountVND != nil {
		p.Check(*g.AmountVND >= 0 && *g.AmountVND <= MaxAmountVND, "amount_vnd", "must be a whole number of dong from 0 to 1e18")
		v := *g.AmountVND
		g.AmountVND = &v
	}
	return g, p.Err()
}

// Record starts support record id for supplier.
func Record(id, supplier uuid.UUID, g Grant, at time.Time) (*Support, error) {
	g, err := g.Validate()
	if err != nil {
		return nil, err
	}
	if id == uuid.Nil || supplier == uuid.Nil {
		return nil, domain.Errorf(domain.ErrInvalid, "support and supplier ids are required")
	}
	s := &Support{}
	s.Record(s.Apply, Granted{SupportID: id, SupplierID: supplier, Grant: g, At: at.UTC()})
	return s, nil
}

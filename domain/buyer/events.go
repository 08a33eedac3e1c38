package buyer

import "github.com/google/uuid"

// Registered starts a buyer stream with the firm's full profile.
type Registered struct {
	BuyerID uuid.UUID `json:"buyer_id"`
	Registration
}

// EventType implements domain.Event.
func (Registered) EventType() string { return "BuyerRegistered" }

// SchemaVersion implements domain.Event.
func (Registered) SchemaVersion() int { return 1 }

// DemandPosted opens a demand with its full description.
type DemandPosted struct {
	BuyerID  uuid.UUID `json:"buyer_id"`
	DemandID uuid.UUID `json:"demand_id"`
	DemandSpec
}

// EventType implements domain.Event.
func (DemandPosted) EventType() string { return "DemandPosted" }

// SchemaVersion implements domain.Event.
func (DemandPosted) SchemaVersion() int { return 1 }

// DemandRevised carries the whole replacement of an open demand, so that a
// read model needs no earlier event to show it.
type DemandRevised struct {
	BuyerID  uuid.UUID `json:"buyer_id"`
	DemandID uuid.UUID `json:"demand_id"`
	DemandSpec
}

// EventType implements domain.Event.
func (DemandRevised) EventType() string { return "DemandRevised" }

// SchemaVersion implements domain.Event.
func (DemandRevised) SchemaVersion() int { return 1 }

// DemandClosed ends a demand for good: it leaves matching and cannot be
// revised or reopened. Reason is Fulfilled or Cancelled.
type DemandClosed struct {
	BuyerID  uuid.UUID `json:"buyer_id"`
	DemandID uuid.UUID `json:"demand_id"`
	Reason   Status    `json:"reason"`
}

// EventType implements domain.Event.
func (DemandClosed) EventType() string { return "DemandClosed" }

// SchemaVersion implements domain.Event.
func (DemandClosed) SchemaVersion() int { return 1 }

package deal

import (
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// Opened starts a deal between a supplier and a buyer, about one of the
// buyer's demands or none. It starts at the contacted stage.
type Opened struct {
	DealID     uuid.UUID   `json:"deal_id"`
	SupplierID uuid.UUID   `json:"supplier_id"`
	BuyerID    uuid.UUID   `json:"buyer_id"`
	DemandID   uuid.UUID   `json:"demand_id,omitzero"`
	MeetingIDs []uuid.UUID `json:"meeting_ids,omitempty"`
	// OpenedBy is the firm that opened it, or nil for the organiser.
	OpenedBy uuid.UUID `json:"opened_by,omitzero"`
	At       time.Time `json:"at"`
}

// EventType implements domain.Event.
func (Opened) EventType() string { return "DealOpened" }

// SchemaVersion implements domain.Event.
func (Opened) SchemaVersion() int { return 1 }

// StageChanged moves a deal to a stage, with the value agreed so far, the
// day it happened and a note (the reason when lost).
type StageChanged struct {
	DealID     uuid.UUID   `json:"deal_id"`
	SupplierID uuid.UUID   `json:"supplier_id"`
	BuyerID    uuid.UUID   `json:"buyer_id"`
	Stage      Stage       `json:"stage"`
	Value      *Money      `json:"value,omitempty"`
	On         domain.Date `json:"on"`
	Note       string      `json:"note,omitempty"`
	// MeetingID is the meeting whose outcome moved it, if any.
	MeetingID uuid.UUID `json:"meeting_id,omitzero"`
	ChangedBy uuid.UUID `json:"changed_by,omitzero"`
	At        time.Time `json:"at"`
}

// EventType implements domain.Event.
func (StageChanged) EventType() string { return "DealStageChanged" }

// SchemaVersion implements domain.Event.
func (StageChanged) SchemaVersion() int { return 1 }

// MeetingLinked records that a meeting at an event fed the deal, with what
// the organiser recorded it led to. A later one for the same meeting
// replaces its result.
type MeetingLinked struct {
	DealID    uuid.UUID `json:"deal_id"`
	EventID   uuid.UUID `json:"event_id,omitzero"`
	MeetingID uuid.UUID `json:"meeting_id"`
	Result    string    `json:"result,omitempty"`
	At        time.Time `json:"at"`
}

// EventType implements domain.Event.
func (MeetingLinked) EventType() string { return "DealMeetingLinked" }

// SchemaVersion implements domain.Event.
func (MeetingLinked) SchemaVersion() int { return 1 }

// MoUSigned records a memorandum of understanding between the deal's firms.
// It is not a stage: the funnel counts MoUs and contracts apart.
type MoUSigned struct {
	DealID    uuid.UUID   `json:"deal_id"`
	Value     *Money      `json:"value,omitempty"`
	On        domain.Date `json:"on"`
	MeetingID uuid.UUID   `json:"meeting_id,omitzero"`
	At        time.Time   `json:"at"`
}

// EventType implements domain.Event.
func (MoUSigned) EventType() string { return "DealMoUSigned" }

// SchemaVersion implements domain.Event.
func (MoUSigned) SchemaVersion() int { return 1 }

package conference

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain/schedule"
)

// EventCreated starts a conference stream with the event's full details.
type EventCreated struct {
	EventID uuid.UUID `json:"event_id"`
	Details
}

// EventType implements domain.Event.
func (EventCreated) EventType() string { return "ConferenceEventCreated" }

// SchemaVersion implements domain.Event.
func (EventCreated) SchemaVersion() int { return 1 }

// FirmRegistered adds a supplier or buyer to the event.
type FirmRegistered struct {
	EventID uuid.UUID `json:"event_id"`
	Registration
}

// EventType implements domain.Event.
func (FirmRegistered) EventType() string { return "ConferenceFirmRegistered" }

// SchemaVersion implements domain.Event.
func (FirmRegistered) SchemaVersion() int { return 1 }

// RegistrationCancelled takes a firm out of the event together with its
// meetings that had not started yet (listed, proposed or published).
type RegistrationCancelled struct {
	EventID           uuid.UUID   `json:"event_id"`
	OrganisationID    uuid.UUID   `json:"organisation_id"`
	WithdrawnMeetings []uuid.UUID `json:"withdrawn_meetings"`
}

// EventType implements domain.Event.
func (RegistrationCancelled) EventType() string { return "ConferenceRegistrationCancelled" }

// SchemaVersion implements domain.Event.
func (RegistrationCancelled) SchemaVersion() int { return 1 }

// InterpreterDeclared sets how many interpreters of a language the organiser
// provides in every slot, replacing an earlier count.
type InterpreterDeclared struct {
	EventID  uuid.UUID         `json:"event_id"`
	Language schedule.Language `json:"language"`
	Count    int               `json:"count"`
}

// EventType implements domain.Event.
func (InterpreterDeclared) EventType() string { return "ConferenceInterpreterDeclared" }

// SchemaVersion implements domain.Event.
func (InterpreterDeclared) SchemaVersion() int { return 1 }

// MeetingRequested records that one registered firm asked to meet another.
type MeetingRequested struct {
	EventID     uuid.UUID `json:"event_id"`
	RequestID   uuid.UUID `json:"request_id"`
	SupplierID  uuid.UUID `json:"supplier_id"`
	BuyerID     uuid.UUID `json:"buyer_id"`
	RequestedBy uuid.UUID `json:"requested_by"`
	DemandID    uuid.UUID `json:"demand_id,omitzero"`
}

// EventType implements domain.Event.
func (MeetingRequested) EventType() string { return "ConferenceMeetingRequested" }

// SchemaVersion implements domain.Event.
func (MeetingRequested) SchemaVersion() int { return 1 }

// MeetingRequestAccepted: the counterpart agreed; the pair is scheduled
// before any other.
type MeetingRequestAccepted struct {
	EventID    uuid.UUID `json:"event_id"`
	RequestID  uuid.UUID `json:"request_id"`
	SupplierID uuid.UUID `json:"supplier_id"`
	BuyerID    uuid.UUID `json:"buyer_id"`
	AcceptedBy uuid.UUID `json:"accepted_by"`
}

// EventType implements domain.Event.
func (MeetingRequestAccepted) EventType() string { return "ConferenceMeetingRequestAccepted" }

// SchemaVersion implements domain.Event.
func (MeetingRequestAccepted) SchemaVersion() int { return 1 }

// MeetingRequestDeclined: the counterpart said no.
type MeetingRequestDeclined struct {
	EventID    uuid.UUID `json:"event_id"`
	RequestID  uuid.UUID `json:"request_id"`
	SupplierID uuid.UUID `json:"supplier_id"`
	BuyerID    uuid.UUID `json:"buyer_id"`
	DeclinedBy uuid.UUID `json:"declined_by"`
	Reason     string    `json:"reason,omitempty"`
}

// EventType implements domain.Event.
func (MeetingRequestDeclined) EventType() string { return "ConferenceMeetingRequestDeclined" }

// SchemaVersion implements domain.Event.
func (MeetingRequestDeclined) SchemaVersion() int { return 1 }

// ScheduleProposed replaces the organiser's draft schedule. Its meetings
// include every published one, unchanged. Firms do not see it.
//
// An event records the decision, not the tables derived from it: since
// schema version 2, Unscheduled lists only the requested pairs the draft left
// out (a firm asked for them, and the organiser answers for each), and
// LeftOut counts the other candidate pairs left out; the command's answer
// gives all of them with their reasons. Version 1 events list every pair
// left out, with LeftOut 0, so len(Unscheduled)+LeftOut is the number of
// pairs left out in either version.
type ScheduleProposed struct {
	EventID     uuid.UUID     `json:"event_id"`
	Meetings    []Meeting     `json:"meetings"`
	Unscheduled []Unscheduled `json:"unscheduled"`
	LeftOut     int           `json:"left_out,omitempty"`
	Floor       int           `json:"floor"`
	Objective   int           `json:"objective"`
	Bound       int           `json:"bound"`
	ScoreBound  int           `json:"score_bound"`
	ProposedAt  time.Time     `json:"proposed_at"`
}

// EventType implements domain.Event.
func (ScheduleProposed) EventType() string { return "ConferenceScheduleProposed" }

// SchemaVersion implements domain.Event.
func (ScheduleProposed) SchemaVersion() int { return 2 }

// SchedulePublished makes the current proposal the schedule firms see.
// Since schema version 2 it carries no meetings: they are the proposal's,
// which the stream already holds. Version 1 events list the whole published
// schedule in Meetings, which then wins.
type SchedulePublished struct {
	EventID  uuid.UUID `json:"event_id"`
	Meetings []Meeting `json:"meetings,omitempty"`
}

// EventType implements domain.Event.
func (SchedulePublished) EventType() string { return "ConferenceSchedulePublished" }

// SchemaVersion implements domain.Event.
func (SchedulePublished) SchemaVersion() int { return 2 }

// UpcastScheduleV1 reads a version 1 ScheduleProposed or SchedulePublished
// payload as version 2: version 2 only leaves out what version 1 carried in
// full, and both read the fuller form the same way, so the payload stays.
func UpcastScheduleV1(payload json.RawMessage) (json.RawMessage, error) { return payload, nil }

// MeetingLocked pins a proposed meeting: later proposals keep it where it is.
type MeetingLocked struct {
	EventID uuid.UUID `json:"event_id"`
	Meeting Meeting   `json:"meeting"`
}

// EventType implements domain.Event.
func (MeetingLocked) EventType() string { return "ConferenceMeetingLocked" }

// SchemaVersion implements domain.Event.
func (MeetingLocked) SchemaVersion() int { return 1 }

// MeetingFeedbackGiven is one side's word on a meeting after it ended. A
// later one from the same side replaces it.
type MeetingFeedbackGiven struct {
	EventID        uuid.UUID `json:"event_id"`
	MeetingID      uuid.UUID `json:"meeting_id"`
	OrganisationID uuid.UUID `json:"organisation_id"`
	Side           Role      `json:"side"`
	TookPlace      bool      `json:"took_place"`
	Rating         Rating    `json:"rating"`
}

// EventType implements domain.Event.
func (MeetingFeedbackGiven) EventType() string { return "ConferenceMeetingFeedbackGiven" }

// SchemaVersion implements domain.Event.
func (MeetingFeedbackGiven) SchemaVersion() int { return 1 }

// MeetingOutcomeRecorded is the organiser's record of what a meeting led to.
// A later one replaces it.
type MeetingOutcomeRecorded struct {
	EventID    uuid.UUID `json:"event_id"`
	MeetingID  uuid.UUID `json:"meeting_id"`
	SupplierID uuid.UUID `json:"supplier_id"`
	BuyerID    uuid.UUID `json:"buyer_id"`
	Outcome
}

// EventType implements domain.Event.
func (MeetingOutcomeRecorded) EventType() string { return "ConferenceMeetingOutcomeRecorded" }

// SchemaVersion implements domain.Event.
func (MeetingOutcomeRecorded) SchemaVersion() int { return 1 }

package conference

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain/schedule"
)

// SnapshotSchema is the version of the JSON shape Snapshot writes. Change it
// whenever the aggregate's state changes shape or meaning (a new field, an
// event applied differently): stored snapshots of another version are then
// ignored and the aggregate is rebuilt from its events.
const SnapshotSchema = 1

// snapshot is the aggregate's whole state, in JSON. Version and pending
// changes are not part of it: the store keeps the version beside it.
type snapshot struct {
	ID           uuid.UUID                       `json:"id"`
	Details      Details                         `json:"details"`
	Slots        []schedule.Slot                 `json:"slots"`
	Firms        map[uuid.UUID]Registration      `json:"firms"`
	Booths       map[string]uuid.UUID            `json:"booths"`
	Interpreters map[schedule.Language]int       `json:"interpreters"`
	Requests     map[uuid.UUID]*MeetingRequest   `json:"requests"`
	Proposal     *Proposal                       `json:"proposal"`
	Published    []Meeting                       `json:"published"`
	Feedback     map[uuid.UUID]map[Role]Feedback `json:"feedback"`
	Outcomes     map[uuid.UUID]Outcome           `json:"outcomes"`
}

// SnapshotSchema implements the event store's Snapshotter.
func (c *Conference) SnapshotSchema() int { return SnapshotSchema }

// Snapshot returns the aggregate's state as JSON, for Restore.
func (c *Conference) Snapshot() ([]byte, error) {
	return json.Marshal(snapshot{ID: c.id, Details: c.details, Slots: c.slots, Firms: c.firms, Booths: c.booths,
		Interpreters: c.interpreters, Requests: c.requests, Proposal: c.proposal, Published: c.published,
		Feedback: c.feedback, Outcomes: c.outcomes})
}

// Restore sets the state of a zero Conference from a Snapshot; the caller
// sets the version (Loaded). It shares no memory with anything else.
func (c *Conference) Restore(state []byte) error {
	if c.id != uuid.Nil || c.firms != nil {
		return fmt.Errorf("conference: restore into a loaded aggregate")
	}
	var s snapshot
	if err := json.Unmarshal(state, &s); err != nil {
		return fmt.Errorf("conference: bad snapshot: %w", err)
	}
	if s.ID == uuid.Nil || s.Firms == nil || s.Booths == nil || s.Interpreters == nil || s.Requests == nil ||
		s.Feedback == nil || s.Outcomes == nil {
		return fmt.Errorf("conference: incomplete snapshot")
	}
	for id, r := range s.Requests {
		if r == nil {
			return fmt.Errorf("conference: snapshot request %s is null", id)
		}
	}
	c.id, c.details, c.slots, c.firms, c.booths = s.ID, s.Details, s.Slots, s.Firms, s.Booths
	c.interpreters, c.requests, c.proposal, c.published = s.Interpreters, s.Requests, s.Proposal, s.Published
	c.feedback, c.outcomes = s.Feedback, s.Outcomes
	return nil
}

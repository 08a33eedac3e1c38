package conference

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/schedule"
)

// MeetingUnlocked frees a locked proposed meeting: later proposals may move
// or drop it again.
type MeetingUnlocked struct {
	EventID   uuid.UUID `json:"event_id"`
	MeetingID uuid.UUID `json:"meeting_id"`
}

// EventType implements domain.Event.
func (MeetingUnlocked) EventType() string { return "ConferenceMeetingUnlocked" }

// SchemaVersion implements domain.Event.
func (MeetingUnlocked) SchemaVersion() int { return 1 }

// MeetingMoved puts a meeting in another slot and at another table (or its
// booth), by the organiser's hand. A moved proposed meeting is locked, so
// that the next proposal keeps it where the organiser put it.
type MeetingMoved struct {
	EventID   uuid.UUID `json:"event_id"`
	MeetingID uuid.UUID `json:"meeting_id"`
	Slot      int       `json:"slot"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Table     int       `json:"table,omitempty"`
	Booth     string    `json:"booth,omitempty"`
}

// EventType implements domain.Event.
func (MeetingMoved) EventType() string { return "ConferenceMeetingMoved" }

// SchemaVersion implements domain.Event.
func (MeetingMoved) SchemaVersion() int { return 1 }

// MeetingCancelled takes one meeting out of the proposal and, if it was
// published, off the agendas. Its pair may be proposed again later.
type MeetingCancelled struct {
	EventID   uuid.UUID `json:"event_id"`
	MeetingID uuid.UUID `json:"meeting_id"`
	Published bool      `json:"published,omitempty"`
}

// EventType implements domain.Event.
func (MeetingCancelled) EventType() string { return "ConferenceMeetingCancelled" }

// SchemaVersion implements domain.Event.
func (MeetingCancelled) SchemaVersion() int { return 1 }

// applyMeeting applies the organiser's hand edits of single meetings.
func (c *Conference) applyMeeting(e domain.Event) {
	switch e := e.(type) {
	case MeetingUnlocked:
		c.eachMeeting(e.MeetingID, func(m *Meeting) { m.Locked = false })
	case MeetingMoved:
		c.eachMeeting(e.MeetingID, func(m *Meeting) {
			m.Slot, m.StartsAt, m.EndsAt, m.Table, m.Booth = e.Slot, e.StartsAt, e.EndsAt, e.Table, e.Booth
		})
		if c.proposal != nil && !c.isPublished(e.MeetingID) {
			c.eachMeeting(e.MeetingID, func(m *Meeting) { m.Locked = true })
		}
		sortMeetings(c.published)
		if c.proposal != nil {
			sortMeetings(c.proposal.Meetings)
		}
	case MeetingCancelled:
		gone := func(m Meeting) bool { return m.ID == e.MeetingID }
		c.published = slices.DeleteFunc(c.published, gone)
		if c.proposal != nil {
			c.proposal.Meetings = slices.DeleteFunc(c.proposal.Meetings, gone)
		}
	}
}

// eachMeeting calls f on the published and the proposed copy of a meeting.
func (c *Conference) eachMeeting(id uuid.UUID, f func(*Meeting)) {
	for i := range c.published {
		if c.published[i].ID == id {
			f(&c.published[i])
		}
	}
	if c.proposal != nil {
		for i := range c.proposal.Meetings {
			if c.proposal.Meetings[i].ID == id {
				f(&c.proposal.Meetings[i])
			}
		}
	}
}

// findMeeting finds a meeting in the published schedule or the proposal.
func (c *Conference) findMeeting(id uuid.UUID) (m Meeting, published, ok bool) {
	if m, ok := c.Meeting(id); ok {
		return m, true, true
	}
	if c.proposal != nil {
		for _, m := range c.proposal.Meetings {
			if m.ID == id {
				return m, false, true
			}
		}
	}
	return Meeting{}, false, false
}

// UnlockMeeting frees a locked proposed meeting. Unlocking a meeting that is
// not locked records nothing; published meetings stay fixed either way.
func (c *Conference) UnlockMeeting(meetingID uuid.UUID) error {
	if err := c.created(); err != nil {
		return err
	}
	m, published, ok := c.findMeeting(meetingID)
	if !ok {
		return domain.Errorf(domain.ErrNotFound, "meeting %s not found", meetingID)
	}
	if published || !m.Locked {
		return nil
	}
	c.Record(c.Apply, MeetingUnlocked{EventID: c.id, MeetingID: meetingID})
	return nil
}

// CancelMeeting takes a meeting that has not started out of the schedule
// (published or proposed). A meeting that started stays on record: its
// outcome says whether it took place.
func (c *Conference) CancelMeeting(meetingID uuid.UUID, now time.Time) error {
	if err := c.created(); err != nil {
		return err
	}
	m, published, ok := c.findMeeting(meetingID)
	if !ok {
		return domain.Errorf(domain.ErrNotFound, "meeting %s not found", meetingID)
	}
	if published && m.StartsAt.Before(c.planningTime(now)) {
		return domain.Errorf(domain.ErrConflict, "meeting %s started at %s; record its outcome instead",
			meetingID, m.StartsAt.Format(time.RFC3339))
	}
	c.Record(c.Apply, MeetingCancelled{EventID: c.id, MeetingID: meetingID, Published: published})
	return nil
}

// Move is where the organiser wants a meeting: the start of one of the
// event's slots and, unless the meeting is at a booth, a table (0 keeps the
// meeting's table).
type Move struct {
	StartsAt time.Time
	Table    int
}

// MoveMeeting puts a meeting that has not started in another slot (and
// table). The new place must be free for both firms and the table, within
// their availability, outside the breaks and not in the past. A moved
// proposed meeting is locked there.
func (c *Conference) MoveMeeting(meetingID uuid.UUID, to Move, now time.Time) error {
	if err := c.created(); err != nil {
		return err
	}
	m, published, ok := c.findMeeting(meetingID)
	if !ok {
		return domain.Errorf(domain.ErrNotFound, "meeting %s not found", meetingID)
	}
	at := c.planningTime(now)
	var p domain.Problems
	slot := slices.IndexFunc(c.slots, func(s schedule.Slot) bool { return s.Start.Equal(to.StartsAt) })
	p.Check(slot >= 0, "starts_at", "must be the start of one of the event's slots")
	table := m.Table
	if to.Table != 0 {
		p.Check(m.Booth == "", "table", "the meeting is at a booth")
		p.Check(to.Table >= 1 && to.Table <= c.details.Tables, "table", "must be 1..%d", c.details.Tables)
		table = to.Table
	}
	if err := p.Err(); err != nil {
		return err
	}
	if published && m.StartsAt.Before(at) {
		return domain.Errorf(domain.ErrConflict, "meeting %s already started", meetingID)
	}
	start := c.slots[slot].Start
	length := time.Duration(c.details.SlotMinutes) * time.Minute
	if err := c.placeFree(m, slot, table, start, length, at); err != nil {
		return err
	}
	c.Record(c.Apply, MeetingMoved{EventID: c.id, MeetingID: meetingID, Slot: slot, StartsAt: start,
		EndsAt: start.Add(length), Table: table, Booth: m.Booth})
	return nil
}

// placeFree checks that meeting m may take slot at table: open, outside
// the breaks and both firms' unavailable times, and nobody (firm, table or
// booth) busy there in the schedule firms see nor in the proposal.
func (c *Conference) placeFree(m Meeting, slot, table int, start time.Time, length time.Duration, at time.Time) error {
	if start.Before(at) {
		return domain.Errorf(domain.ErrConflict, "the slot at %s has passed", start.Format(time.RFC3339))
	}
	if c.details.inBreak(start, length) {
		return domain.Errorf(domain.ErrConflict, "the slot at %s is in a break", start.Format(time.RFC3339))
	}
	for _, org := range []uuid.UUID{m.SupplierID, m.BuyerID} {
		for _, u := range c.firms[org].Unavailable {
			if start.Before(u.To) && u.From.Before(start.Add(length)) {
				return domain.Errorf(domain.ErrConflict, "organisation %s is not available at %s", org, start.Format(time.RFC3339))
			}
		}
	}
	lang := c.firms[m.BuyerID].InterpreterLanguage
	interpreted := map[uuid.UUID]bool{}
	busy := func(o Meeting) error {
		if o.ID == m.ID || o.Slot != slot {
			return nil
		}
		if lang != "" && c.firms[o.BuyerID].InterpreterLanguage == lang {
			interpreted[o.ID] = true
		}
		switch {
		case o.SupplierID == m.SupplierID || o.BuyerID == m.BuyerID:
			return domain.Errorf(domain.ErrConflict, "a firm of the meeting already meets at %s", start.Format(time.RFC3339))
		case m.Booth == "" && o.Booth == "" && o.Table == table:
			return domain.Errorf(domain.ErrConflict, "table %d is taken at %s", table, start.Format(time.RFC3339))
		}
		return nil
	}
	for _, o := range c.published {
		if err := busy(o); err != nil {
			return err
		}
	}
	if c.proposal != nil {
		for _, o := range c.proposal.Meetings {
			if err := busy(o); err != nil {
				return err
			}
		}
	}
	if lang != "" && len(interpreted) >= c.interpreters[lang] {
		return domain.Errorf(domain.ErrConflict, "no %s interpreter is free at %s", lang, start.Format(time.RFC3339))
	}
	return nil
}

package conference_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
)

func TestCreate(t *testing.T) {
	create := func(id uuid.UUID, d conference.Details) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.Create(id, d) }
	}
	change := func(f func(*conference.Details)) conference.Details {
		d := details
		f(&d)
		return d
	}
	run(t, []testCase{
		{name: "conference", when: create(ev, details), then: []domain.Event{created}},
		{name: "three-day fair", when: create(ev, change(func(d *conference.Details) {
			d.Kind, d.EndsAt = conference.KindFair, opens.Add(48*time.Hour+8*time.Hour)
		})), check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
			if n := len(c.Slots()); n != 3*16 {
				t.Fatalf("%d slots, want 48", n)
			}
		}},
		{name: "every field wrong", when: create(uuid.Nil, conference.Details{Kind: "expo", Name: " ", SlotMinutes: 4, MaxMeetingsPerParticipant: 101}),
			err: domain.ErrInvalid, fields: []string{"id", "kind", "name", "venue", "starts_at", "ends_at", "slot_minutes", "tables", "max_meetings_per_participant"}},
		{name: "ends before it starts", when: create(ev, change(func(d *conference.Details) { d.EndsAt = opens })),
			err: domain.ErrInvalid, fields: []string{"ends_at"}},
		{name: "longer than 14 days", when: create(ev, change(func(d *conference.Details) { d.EndsAt = opens.Add(15 * 24 * time.Hour) })),
			err: domain.ErrInvalid, fields: []string{"ends_at"}},
		{name: "several days ending earlier in the day", when: create(ev, change(func(d *conference.Details) { d.EndsAt = opens.Add(23*time.Hour + 59*time.Minute) })),
			err: domain.ErrInvalid, fields: []string{"ends_at"}},
		{name: "slot longer than the event", when: create(ev, change(func(d *conference.Details) { d.SlotMinutes = 90 })),
			err: domain.ErrInvalid, fields: []string{"slot_minutes"}},
		{name: "limits", when: create(ev, change(func(d *conference.Details) {
			d.SlotMinutes, d.Tables, d.MaxMeetingsPerParticipant = 241, 1001, 0
			d.Name = string(make([]rune, 201))
		})), err: domain.ErrInvalid, fields: []string{"name", "slot_minutes", "tables", "max_meetings_per_participant"}},
		{name: "twice", given: []domain.Event{created}, when: create(ev, details), err: domain.ErrConflict},
	})
}

func TestSlots(t *testing.T) {
	at := func(day, h, m int) time.Time { return time.Date(2024, 10, day, h, m, 0, 0, hanoi) }
	tests := []struct {
		name          string
		from, to      time.Time
		minutes       int
		n             int
		first, last   time.Time
		perDay        int // slots a day; 0 for a one-day event
		secondDayFrom time.Time
	}{
		{"one morning", at(10, 8, 30), at(10, 12, 30), 30, 8, at(10, 8, 30), at(10, 12, 0), 0, time.Time{}},
		{"a last short piece is left out", at(10, 8, 30), at(10, 12, 45), 30, 8, at(10, 8, 30), at(10, 12, 0), 0, time.Time{}},
		{"three fair days, 08:00-17:00 each", at(10, 8, 0), at(12, 17, 0), 60, 27, at(10, 8, 0), at(12, 16, 0), 9, at(11, 8, 0)},
		{"end given in UTC is read at the venue", at(10, 8, 0), at(11, 17, 0).UTC(), 60, 18, at(10, 8, 0), at(11, 16, 0), 9, at(11, 8, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := conference.Details{StartsAt: tt.from, EndsAt: tt.to, SlotMinutes: tt.minutes}
			s := d.Slots()
			if len(s) != tt.n {
				t.Fatalf("%d slots, want %d", len(s), tt.n)
			}
			if !s[0].Start.Equal(tt.first) || !s[len(s)-1].Start.Equal(tt.last) {
				t.Fatalf("slots run %v..%v, want %v..%v", s[0].Start, s[len(s)-1].Start, tt.first, tt.last)
			}
			for i, x := range s {
				if x.Index != i {
					t.Fatalf("slot %d has index %d", i, x.Index)
				}
			}
			if tt.perDay > 0 && !s[tt.perDay].Start.Equal(tt.secondDayFrom) {
				t.Fatalf("second day starts %v, want %v", s[tt.perDay].Start, tt.secondDayFrom)
			}
		})
	}
}

// Commands on an event that was never created find nothing.
func TestNotCreated(t *testing.T) {
	org := conference.AsOrganiser()
	run(t, []testCase{
		{name: "register", when: func(c *conference.Conference) error {
			return c.Register(org, conference.Registration{OrganisationID: s1, Role: conference.Supplier}, before)
		}, err: domain.ErrNotFound},
		{name: "cancel", when: func(c *conference.Conference) error { return c.CancelRegistration(org, s1, before) }, err: domain.ErrNotFound},
		{name: "interpreters", when: func(c *conference.Conference) error { return c.DeclareInterpreters("JP", 1) }, err: domain.ErrNotFound},
		{name: "request", when: func(c *conference.Conference) error { return c.RequestMeeting(org, id("r"), s1, b1, uuid.Nil, before) }, err: domain.ErrNotFound},
		{name: "accept", when: func(c *conference.Conference) error { return c.AcceptMeetingRequest(org, id("r")) }, err: domain.ErrNotFound},
		{name: "decline", when: func(c *conference.Conference) error { return c.DeclineMeetingRequest(org, id("r"), "") }, err: domain.ErrNotFound},
		{name: "propose", when: func(c *conference.Conference) error {
			_, err := c.ProposeSchedule(conference.ScheduleInput{NewID: seq()}, before)
			return err
		}, err: domain.ErrNotFound},
		{name: "publish", when: func(c *conference.Conference) error { return c.PublishSchedule(before) }, err: domain.ErrNotFound},
		{name: "lock", when: func(c *conference.Conference) error { return c.LockMeeting(id("m")) }, err: domain.ErrNotFound},
		{name: "feedback", when: func(c *conference.Conference) error {
			return c.GiveFeedback(org, id("m"), conference.Feedback{OrganisationID: s1, TookPlace: true, Rating: conference.RatingNone}, closes)
		}, err: domain.ErrNotFound},
		{name: "outcome", when: func(c *conference.Conference) error {
			return c.RecordOutcome(id("m"), conference.Outcome{Status: conference.Held, Result: conference.ResultNone}, closes)
		}, err: domain.ErrNotFound},
	})
}

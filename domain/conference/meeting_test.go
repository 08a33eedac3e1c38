package conference_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
)

// A conference with two tables, so that moves have somewhere to go.
var twoTables = func() conference.EventCreated {
	d := details
	d.Tables = 2
	return conference.EventCreated{EventID: ev, Details: d}
}()

func withTwoTables(events ...domain.Event) []domain.Event {
	out := append([]domain.Event{twoTables}, basics()[1:]...)
	return append(out, events...)
}

func TestMoveMeeting(t *testing.T) {
	move := func(mid string, to conference.Move, now time.Time) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.MoveMeeting(id(mid), to, now) }
	}
	m1, m2 := meeting("m1", 0, s1, b1, 80), meeting("m2", 1, s2, b2, 50)
	proposal := conference.ScheduleProposed{EventID: ev, Meetings: []conference.Meeting{m1, m2}}
	published := conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{m1, m2}}
	moved := func(mid string, slot, table int) conference.MeetingMoved {
		start := opens.Add(time.Duration(slot) * 30 * time.Minute)
		return conference.MeetingMoved{EventID: ev, MeetingID: id(mid), Slot: slot, StartsAt: start,
			EndsAt: start.Add(30 * time.Minute), Table: table}
	}
	run(t, []testCase{
		{name: "a proposed meeting to another slot and table", given: withTwoTables(proposal),
			when: move("m1", conference.Move{StartsAt: slot2, Table: 2}, before), then: []domain.Event{moved("m1", 1, 2)},
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				p, _ := c.Proposal()
				for _, m := range p.Meetings {
					if m.ID == id("m1") && (!m.Locked || m.Slot != 1 || m.Table != 2) {
						t.Fatalf("moved meeting %+v, want locked in slot 1 at table 2", m)
					}
				}
			}},
		{name: "a published meeting keeps its table", given: withTwoTables(conference.SchedulePublished{EventID: ev,
			Meetings: []conference.Meeting{m1}}),
			when: move("m1", conference.Move{StartsAt: slot2}, before), then: []domain.Event{moved("m1", 1, 1)}},
		{name: "onto a busy table", given: withTwoTables(published),
			when: move("m1", conference.Move{StartsAt: slot2, Table: 1}, before), err: domain.ErrConflict},
		{name: "a firm busy in that slot", given: withTwoTables(conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{
			m1, meeting("m3", 1, s1, b2, 40)}}),
			when: move("m1", conference.Move{StartsAt: slot2, Table: 2}, before), err: domain.ErrConflict},
		{name: "not a slot start", given: withTwoTables(proposal),
			when: move("m1", conference.Move{StartsAt: opens.Add(10 * time.Minute), Table: 9}, before),
			err:  domain.ErrInvalid, fields: []string{"starts_at", "table"}},
		{name: "a started meeting", given: withTwoTables(published),
			when: move("m1", conference.Move{StartsAt: slot2, Table: 2}, slot2), err: domain.ErrConflict},
		{name: "unknown meeting", given: withTwoTables(proposal),
			when: move("m9", conference.Move{StartsAt: slot2}, before), err: domain.ErrNotFound},
		{name: "a firm unavailable then", given: append([]domain.Event{twoTables, registeredWith(conference.Registration{
			OrganisationID: s1, Role: conference.Supplier, Unavailable: []conference.Period{{From: slot2, To: closes}}}),
			registered(b1, conference.Buyer)}, conference.ScheduleProposed{EventID: ev, Meetings: []conference.Meeting{m1}}),
			when: move("m1", conference.Move{StartsAt: slot2}, before), err: domain.ErrConflict},
	})
}

func TestCancelAndUnlockMeeting(t *testing.T) {
	cancel := func(mid string, now time.Time) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.CancelMeeting(id(mid), now) }
	}
	unlock := func(mid string) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.UnlockMeeting(id(mid)) }
	}
	m1, m2 := meeting("m1", 0, s1, b1, 80), meeting("m2", 1, s2, b2, 50)
	locked := m1
	locked.Locked = true
	published := conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{m1, m2}}
	run(t, []testCase{
		{name: "a published meeting before it starts", given: append(basics(), published), when: cancel("m2", opens),
			then: []domain.Event{conference.MeetingCancelled{EventID: ev, MeetingID: id("m2"), Published: true}},
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				if _, ok := c.Meeting(id("m2")); ok || len(c.Published()) != 1 {
					t.Fatalf("published after cancelling: %+v", c.Published())
				}
			}},
		{name: "a published meeting that started", given: append(basics(), published), when: cancel("m1", slot2), err: domain.ErrConflict},
		{name: "a proposed meeting", given: append(basics(), conference.ScheduleProposed{EventID: ev, Meetings: []conference.Meeting{m1}}),
			when: cancel("m1", before), then: []domain.Event{conference.MeetingCancelled{EventID: ev, MeetingID: id("m1")}}},
		{name: "cancel an unknown meeting", given: basics(), when: cancel("m1", before), err: domain.ErrNotFound},
		{name: "unlock a locked proposed meeting", given: append(basics(), conference.ScheduleProposed{EventID: ev,
			Meetings: []conference.Meeting{locked}}), when: unlock("m1"),
			then: []domain.Event{conference.MeetingUnlocked{EventID: ev, MeetingID: id("m1")}}},
		{name: "unlock an unlocked meeting records nothing", given: append(basics(), conference.ScheduleProposed{EventID: ev,
			Meetings: []conference.Meeting{m1}}), when: unlock("m1")},
		{name: "unlock an unknown meeting", given: basics(), when: unlock("m1"), err: domain.ErrNotFound},
	})
}

func TestEventTextAndBreaks(t *testing.T) {
	create := func(d conference.Details) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.Create(ev, d) }
	}
	bad := details
	bad.Name, bad.Venue = "Hội nghị\x00", "Giảng Võ \u202Eabc"
	blank := details
	blank.Name, blank.Venue = "\u200B", "   "
	lunch := details
	lunch.Breaks = []conference.Period{{From: opens, To: slot2}}
	badBreak := details
	badBreak.Breaks = []conference.Period{{From: slot2, To: opens}}
	badBreak.MaxConsecutive = -1
	run(t, []testCase{
		{name: "NUL and bidi override", when: create(bad), err: domain.ErrInvalid, fields: []string{"name", "venue"}},
		{name: "blank", when: create(blank), err: domain.ErrInvalid, fields: []string{"name", "venue"}},
		{name: "bad break", when: create(badBreak), err: domain.ErrInvalid, fields: []string{"breaks[0].to", "max_consecutive"}},
		{name: "a lunch break keeps meetings out of its slot", given: []domain.Event{conference.EventCreated{EventID: ev, Details: lunch},
			registered(s1, conference.Supplier), registered(b1, conference.Buyer)},
			when: propose(candidates(pair(s1, b1, 80)), before),
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				p, _ := c.Proposal()
				if len(p.Meetings) != 1 || p.Meetings[0].Slot != 1 {
					t.Fatalf("meetings %+v, want one in slot 1 after the break", p.Meetings)
				}
			}},
		{name: "booth with a control character", given: []domain.Event{fair},
			when: func(c *conference.Conference) error {
				return c.Register(conference.AsOrganiser(), conference.Registration{OrganisationID: s1,
					Role: conference.Supplier, Booth: "A\u200B\x07"}, before)
			}, err: domain.ErrInvalid, fields: []string{"booth"}},
	})
	_ = uuid.Nil
}

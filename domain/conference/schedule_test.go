package conference_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/schedule"
)

func propose(in conference.ScheduleInput, now time.Time) func(*conference.Conference) error {
	if in.NewID == nil {
		in.NewID = seq()
	}
	return func(c *conference.Conference) error {
		var err error
		leftOut, err = c.ProposeSchedule(in, now)
		return err
	}
}

// leftOut is what the last propose returned: every pair left out. The
// tests of this package do not run in parallel.
var leftOut []conference.Unscheduled

func candidates(ps ...schedule.Pair) conference.ScheduleInput {
	return conference.ScheduleInput{Candidates: ps}
}

var names = map[uuid.UUID]string{s1: "S1", s2: "S2", s3: "S3", b1: "B1", b2: "B2"}

// wall renders a proposal as "S1-B1@0/T1" (a "!" for locked meetings) and
// "S1-B2:reason", the way the organiser reads it on the wall.
func wall(ms []conference.Meeting, us []conference.Unscheduled) (meetings, unscheduled []string) {
	for _, m := range ms {
		place := fmt.Sprintf("T%d", m.Table)
		if m.Booth != "" {
			place = m.Booth
		}
		lock := ""
		if m.Locked {
			lock = "!"
		}
		meetings = append(meetings, fmt.Sprintf("%s-%s@%d/%s%s", names[m.SupplierID], names[m.BuyerID], m.Slot, place, lock))
	}
	for _, u := range us {
		req := ""
		if u.Requested {
			req = "(requested)"
		}
		unscheduled = append(unscheduled, fmt.Sprintf("%s-%s%s:%s", names[u.SupplierID], names[u.BuyerID], req, u.Reason))
	}
	slices.Sort(meetings)
	slices.Sort(unscheduled)
	return meetings, unscheduled
}

// proposed checks the one recorded ScheduleProposed against the wall view and
// the objective.
func proposed(meetings, unscheduled []string, objective int) func(*testing.T, *conference.Conference, []domain.Event) {
	return func(t *testing.T, c *conference.Conference, recorded []domain.Event) {
		t.Helper()
		if len(recorded) != 1 {
			t.Fatalf("recorded %d events, want one ScheduleProposed", len(recorded))
		}
		e, ok := recorded[0].(conference.ScheduleProposed)
		if !ok {
			t.Fatalf("recorded %T", recorded[0])
		}
		gotM, gotU := wall(e.Meetings, leftOut)
		if !slices.Equal(gotM, meetings) || !slices.Equal(gotU, unscheduled) {
			t.Fatalf("proposal\n %v %v\nwant\n %v %v", gotM, gotU, meetings, unscheduled)
		}
		// The event keeps the requested pairs left out and counts the rest.
		requested := slices.DeleteFunc(slices.Clone(leftOut), func(u conference.Unscheduled) bool { return !u.Requested })
		if !slices.Equal(e.Unscheduled, requested) || e.LeftOut != len(leftOut)-len(requested) {
			t.Fatalf("event lists %v and counts %d of %v", e.Unscheduled, e.LeftOut, leftOut)
		}
		if e.Objective != objective || e.Bound < e.Objective || e.ScoreBound < e.Bound {
			t.Fatalf("objective %d bound %d score bound %d, want objective %d", e.Objective, e.Bound, e.ScoreBound, objective)
		}
		for _, m := range e.Meetings {
			if m.ID == uuid.Nil || !m.EndsAt.Equal(m.StartsAt.Add(30*time.Minute)) {
				t.Fatalf("meeting %+v", m)
			}
		}
		if p, ok := c.Proposal(); !ok || len(p.Meetings) != len(e.Meetings) {
			t.Fatal("proposal not applied")
		}
	}
}

func proposal(ms ...conference.Meeting) conference.ScheduleProposed {
	e := conference.ScheduleProposed{EventID: ev, Meetings: ms}
	for _, m := range ms {
		e.Objective += m.Score
	}
	e.Bound, e.ScoreBound = e.Objective, e.Objective
	return e
}

// oneEach is basics with one meeting per firm allowed.
func oneEach() []domain.Event {
	e := created
	e.MaxMeetingsPerParticipant = 1
	return with([]domain.Event{e}, basics()[1:]...)
}

func locked(m conference.Meeting) conference.Meeting { m.Locked = true; return m }

func TestProposeSchedule(t *testing.T) {
	all := candidates(pair(s1, b1, 80), pair(s2, b1, 60), pair(s1, b2, 50), pair(s2, b2, 40))
	jp := conference.Registration{OrganisationID: b1, Role: conference.Buyer, InterpreterLanguage: schedule.Japanese}
	run(t, []testCase{
		{name: "the best two meetings for one table and two slots", given: basics(), when: propose(all, before),
			check: proposed([]string{"S1-B1@0/T1", "S2-B1@1/T1"}, []string{"S1-B2:no_table", "S2-B2:no_table"}, 140)},
		{name: "an accepted request comes first", given: with(basics(),
			conference.MeetingRequested{EventID: ev, RequestID: r1, SupplierID: s1, BuyerID: b2, RequestedBy: b2},
			conference.MeetingRequestAccepted{EventID: ev, RequestID: r1, SupplierID: s1, BuyerID: b2, AcceptedBy: s1}),
			when:  propose(candidates(pair(s1, b1, 80), pair(s2, b1, 60), pair(s2, b2, 90)), before),
			check: proposed([]string{"S1-B2@1/T1", "S2-B2@0/T1"}, []string{"S1-B1:no_table", "S2-B1:no_table"}, 90)},
		{name: "unavailable periods are respected", given: with(basics()[:4],
			registeredWith(conference.Registration{OrganisationID: b2, Role: conference.Buyer,
				Unavailable: []conference.Period{{From: opens.Add(-time.Hour), To: opens.Add(time.Minute)}}})),
			when:  propose(candidates(pair(s1, b2, 80)), before),
			check: proposed([]string{"S1-B2@1/T1"}, nil, 80)},
		{name: "no interpreter, no meeting", given: with(basics()[:3], registeredWith(jp)),
			when:  propose(candidates(pair(s1, b1, 80)), before),
			check: proposed(nil, []string{"S1-B1:no_common_slot"}, 0)},
		{name: "with an interpreter", given: with(basics()[:3], registeredWith(jp),
			conference.InterpreterDeclared{EventID: ev, Language: schedule.Japanese, Count: 1}),
			when:  propose(candidates(pair(s1, b1, 80), pair(s2, b1, 70)), before),
			check: proposed([]string{"S1-B1@0/T1", "S2-B1@1/T1"}, nil, 150)},
		{name: "a booth at a fair saves a table", given: []domain.Event{fair,
			registeredWith(conference.Registration{OrganisationID: s1, Role: conference.Supplier, Booth: "A12"}),
			registered(s2, conference.Supplier), registered(b1, conference.Buyer), registered(b2, conference.Buyer)},
			when:  propose(candidates(pair(s1, b1, 80), pair(s2, b2, 70)), slot2),
			check: proposed([]string{"S1-B1@1/A12", "S2-B2@1/T1"}, nil, 150)},
		{name: "published meetings stay, late registrants fill around them", given: with(basics(),
			conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{meeting("m1", 1, s1, b1, 80)}},
			registered(s3, conference.Supplier)),
			when: propose(candidates(pair(s3, b1, 90), pair(s1, b1, 80), pair(s2, b1, 10)), before),
			check: func(t *testing.T, c *conference.Conference, recorded []domain.Event) {
				proposed([]string{"S1-B1@1/T1", "S3-B1@0/T1"}, []string{"S2-B1:buyer_cap_reached"}, 170)(t, c, recorded)
				e := recorded[0].(conference.ScheduleProposed)
				if !slices.Contains(e.Meetings, meeting("m1", 1, s1, b1, 80)) {
					t.Fatalf("published meeting changed: %+v", e.Meetings)
				}
			}},
		{name: "locked meetings stay", given: with(basics(), proposal(locked(meeting("m1", 0, s2, b1, 10)))),
			when:  propose(candidates(pair(s1, b1, 80), pair(s2, b1, 10)), before),
			check: proposed([]string{"S1-B1@1/T1", "S2-B1@0/T1!"}, nil, 90)},
		{name: "slots that started get nothing new", given: basics(),
			when:  propose(candidates(pair(s1, b1, 80), pair(s2, b2, 60)), slot2.Add(-time.Minute)),
			check: proposed([]string{"S1-B1@1/T1"}, []string{"S2-B2:no_table"}, 80)},
		{name: "meetings held use up the cap", given: with(oneEach(),
			conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{meeting("m1", 0, s2, b1, 10)}}),
			when:  propose(candidates(pair(s1, b1, 80), pair(s2, b1, 60), pair(s1, b2, 30)), slot2),
			check: proposed([]string{"S1-B2@1/T1", "S2-B1@0/T1"}, []string{"S1-B1:supplier_cap_reached"}, 40)},
		{name: "the SME floor", given: with(basics()[:2],
			registeredWith(conference.Registration{OrganisationID: s2, Role: conference.Supplier, SME: true}), basics()[3]),
			when:  propose(conference.ScheduleInput{Candidates: []schedule.Pair{pair(s1, b1, 90), pair(s2, b1, 10)}, Floor: 1}, slot2),
			check: proposed([]string{"S2-B1@1/T1"}, []string{"S1-B1:no_free_slot"}, 10)},
		{name: "firms not registered", given: basics(),
			when:  propose(candidates(pair(s3, b1, 99), pair(s1, b1, 10)), before),
			check: proposed([]string{"S1-B1@0/T1"}, []string{"S3-B1:not_registered"}, 10)},
		{name: "meeting ids are kept for the same pairs", given: with(basics(), proposal(meeting("m1", 1, s2, b2, 40))),
			when: propose(candidates(pair(s2, b2, 40), pair(s1, b1, 30)), before),
			check: func(t *testing.T, c *conference.Conference, recorded []domain.Event) {
				for _, m := range recorded[0].(conference.ScheduleProposed).Meetings {
					if m.SupplierID == s2 && m.ID != id("m1") {
						t.Fatalf("meeting of S2-B2 got a new id")
					}
				}
			}},
		{name: "bad input", given: basics(), when: func(c *conference.Conference) error {
			_, err := c.ProposeSchedule(conference.ScheduleInput{Floor: -1, Candidates: []schedule.Pair{{Buyer: b1, Score: 101}}}, before)
			return err
		}, err: domain.ErrInvalid, fields: []string{"floor", "new_id", "candidates[0].supplier_id", "candidates[0].score"}},
		{name: "backfilling an event that is over opens every slot", given: basics(), when: propose(all, closes),
			check: func(t *testing.T, c *conference.Conference, recorded []domain.Event) {
				p, ok := c.Proposal()
				if !ok || len(p.Meetings) == 0 || len(recorded) != 1 {
					t.Fatalf("proposal %+v after the event, recorded %v", p, recorded)
				}
			}},
	})
}

func TestPublishSchedule(t *testing.T) {
	publish := func(now time.Time) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.PublishSchedule(now) }
	}
	m1, m2 := meeting("m1", 0, s1, b1, 80), meeting("m2", 1, s2, b1, 60)
	jp := conference.Registration{OrganisationID: b1, Role: conference.Buyer, InterpreterLanguage: schedule.Japanese}
	run(t, []testCase{
		{name: "publish the proposal", given: with(basics(), proposal(m1, m2)), when: publish(before),
			then: []domain.Event{conference.SchedulePublished{EventID: ev}},
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				if _, ok := c.Proposal(); ok {
					t.Fatal("proposal still there")
				}
				if got := c.Published(); !slices.Equal(got, []conference.Meeting{m1, m2}) {
					t.Fatalf("published %v", got)
				}
			}},
		{name: "published and new together", given: with(basics(), conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{m1}},
			proposal(m1, m2)), when: publish(before),
			then: []domain.Event{conference.SchedulePublished{EventID: ev}},
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				if got := c.Published(); !slices.Equal(got, []conference.Meeting{m1, m2}) {
					t.Fatalf("published %v", got)
				}
			}},
		{name: "a version 1 publication lists its meetings", given: with(basics(), proposal(m1, m2),
			conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{m2}}),
			when: func(*conference.Conference) error { return nil },
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				if got := c.Published(); !slices.Equal(got, []conference.Meeting{m2}) {
					t.Fatalf("published %v", got)
				}
			}},
		{name: "nothing proposed", given: basics(), when: publish(before), err: domain.ErrConflict},
		{name: "nothing proposed since", given: with(basics(), proposal(m1), conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{m1}}),
			when: publish(before), err: domain.ErrConflict},
		{name: "a proposed slot has started", given: with(basics(), proposal(m1, m2)), when: publish(opens.Add(time.Minute)), err: domain.ErrConflict},
		{name: "the interpreter was withdrawn", given: with(basics()[:3], registeredWith(jp),
			conference.InterpreterDeclared{EventID: ev, Language: schedule.Japanese, Count: 1}, proposal(m1),
			conference.InterpreterDeclared{EventID: ev, Language: schedule.Japanese, Count: 0}),
			when: publish(before), err: domain.ErrConflict},
	})
}

func TestLockMeeting(t *testing.T) {
	lock := func(mid uuid.UUID) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.LockMeeting(mid) }
	}
	m1, m2 := meeting("m1", 0, s1, b1, 80), meeting("m2", 1, s2, b1, 60)
	run(t, []testCase{
		{name: "lock a proposed meeting", given: with(basics(), proposal(m1, m2)), when: lock(m2.ID),
			then: []domain.Event{conference.MeetingLocked{EventID: ev, Meeting: locked(m2)}},
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				if p, _ := c.Proposal(); !p.Meetings[1].Locked {
					t.Fatal("not locked")
				}
			}},
		{name: "already locked", given: with(basics(), proposal(m1, locked(m2))), when: lock(m2.ID)},
		{name: "published meetings are fixed anyway", given: with(basics(), conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{m1}}),
			when: lock(m1.ID)},
		{name: "unknown meeting", given: with(basics(), proposal(m1)), when: lock(id("m9")), err: domain.ErrNotFound},
	})
}

// The problem handed to the solver reflects the event: one participant per
// firm with the event's cap, booths only at fairs, interpreters in every slot.
func TestProblem(t *testing.T) {
	c := given(with(basics(), conference.InterpreterDeclared{EventID: ev, Language: schedule.Korean, Count: 2})...)
	p := c.Problem([]schedule.Pair{pair(s1, b1, 50)}, 1, before)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(p.Participants) != 4 || p.Participants[0].Cap != 2 || p.Tables != 1 || len(p.Slots) != 2 || p.Floor != 1 {
		t.Fatalf("problem %+v", p)
	}
	if got := p.Interpreters[schedule.Korean]; !slices.Equal(got, []int{2, 2}) {
		t.Fatalf("interpreters %v", got)
	}
}

// A re-proposal keeps each pair at the table it had in the draft people
// saw, where that table is free in its slot.
func TestReproposalKeepsTables(t *testing.T) {
	m1, m2 := meeting("m1", 0, s1, b1, 80), meeting("m2", 1, s2, b2, 50)
	m1.Table, m2.Table = 2, 2
	run(t, []testCase{{name: "tables kept", given: withTwoTables(proposal(m1, m2)),
		when: propose(candidates(pair(s1, b1, 80), pair(s2, b2, 50)), before),
		check: func(t *testing.T, _ *conference.Conference, recorded []domain.Event) {
			e := recorded[0].(conference.ScheduleProposed)
			if len(e.Meetings) != 2 {
				t.Fatalf("meetings %+v", e.Meetings)
			}
			for _, m := range e.Meetings {
				if m.Table != 2 || m.ID != id("m1") && m.ID != id("m2") {
					t.Errorf("meeting %s at table %d, slot %d; want table 2 as before", m.ID, m.Table, m.Slot)
				}
			}
		}}})
}

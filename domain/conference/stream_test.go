package conference_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/schedule"
)

// Every event has a stable, unique name and its version (1, or 2 for the
// slimmer schedule events), and Events lists them all as values.
func TestEventsRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range conference.Events() {
		if reflect.TypeOf(e).Kind() == reflect.Pointer {
			t.Errorf("%T is a pointer", e)
		}
		if seen[e.EventType()] {
			t.Errorf("%s twice", e.EventType())
		}
		seen[e.EventType()] = true
		want := 1
		switch e.(type) {
		case conference.ScheduleProposed, conference.SchedulePublished:
			want = 2
		}
		if e.SchemaVersion() != want {
			t.Errorf("%s version %d", e.EventType(), e.SchemaVersion())
		}
	}
	if len(seen) != 16 {
		t.Errorf("%d event types, want 16", len(seen))
	}
}

// A whole event, from creation to outcomes, stored as JSON and loaded again
// gives the same aggregate: the events carry everything the state needs.
func TestStreamRoundTrip(t *testing.T) {
	c := &conference.Conference{}
	for i, step := range story(c) {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	types := map[string]reflect.Type{}
	for _, e := range conference.Events() {
		types[e.EventType()] = reflect.TypeOf(e)
	}
	loaded := &conference.Conference{}
	for _, e := range c.Changes() {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		v := reflect.New(types[e.EventType()])
		if err := json.Unmarshal(b, v.Interface()); err != nil {
			t.Fatal(err)
		}
		loaded.Apply(v.Elem().Interface().(domain.Event))
	}
	if got, want := view(t, loaded), view(t, c); got != want {
		t.Fatalf("loaded\n%s\nwant\n%s", got, want)
	}
	// The accepted request S2-B2 took slot 1 and went with B2's cancellation.
	if ms := c.Published(); len(ms) != 1 || ms[0].SupplierID != s1 || ms[0].BuyerID != b1 {
		t.Fatalf("published %v", ms)
	}
}

// view is the aggregate as its accessors show it, as JSON.
func view(t *testing.T, c *conference.Conference) string {
	p, _ := c.Proposal()
	m := c.Published()
	var outcomes []any
	for _, x := range m {
		o, _ := c.Outcome(x.ID)
		outcomes = append(outcomes, o, c.Feedback(x.ID), c.NoShow(x.ID))
	}
	r, _ := c.Request(r1)
	b, err := json.Marshal([]any{c.ID(), c.Details(), c.Slots(), c.Registrations(), c.Interpreters(), r, p, m, outcomes})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// story is a whole event, from creation to outcomes, as commands on c.
func story(c *conference.Conference) []func() error {
	org := conference.AsOrganiser()
	return []func() error{
		func() error { return c.Create(ev, details) },
		func() error { return c.DeclareInterpreters(schedule.Japanese, 1) },
		func() error {
			return c.Register(org, conference.Registration{OrganisationID: s1, Role: conference.Supplier, SME: true}, before)
		},
		func() error {
			return c.Register(conference.AsFirm(b1), conference.Registration{OrganisationID: b1, Role: conference.Buyer,
				InterpreterLanguage: schedule.Japanese, Unavailable: []conference.Period{{From: opens.Add(time.Hour), To: opens.Add(2 * time.Hour)}}}, before)
		},
		func() error {
			return c.Register(org, conference.Registration{OrganisationID: s2, Role: conference.Supplier}, before)
		},
		func() error {
			return c.Register(org, conference.Registration{OrganisationID: b2, Role: conference.Buyer}, before)
		},
		func() error { return c.RequestMeeting(conference.AsFirm(b2), r1, b2, s2, uuid.Nil, before) },
		func() error { return c.AcceptMeetingRequest(conference.AsFirm(s2), r1) },
		func() error {
			_, err := c.ProposeSchedule(conference.ScheduleInput{Candidates: []schedule.Pair{pair(s1, b1, 80), pair(s2, b1, 70)},
				Floor: 1, NewID: seq()}, before)
			return err
		},
		func() error { p, _ := c.Proposal(); return c.LockMeeting(p.Meetings[0].ID) },
		func() error { return c.PublishSchedule(before) },
		func() error {
			m := c.Published()[0]
			return c.GiveFeedback(conference.AsFirm(m.SupplierID), m.ID, conference.Feedback{TookPlace: true, Rating: conference.RatingInformative}, closes)
		},
		func() error {
			v := 12000.0
			return c.RecordOutcome(c.Published()[0].ID, conference.Outcome{Status: conference.Held, Result: conference.ResultMoU, ValueUSD: &v}, closes)
		},
		func() error { return c.CancelRegistration(org, b2, slot2) },
	}
}

package conference_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/schedule"
)

func TestRegister(t *testing.T) {
	register := func(by conference.Actor, r conference.Registration, now time.Time) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.Register(by, r, now) }
	}
	org := conference.AsOrganiser()
	full := conference.Registration{OrganisationID: b1, Role: conference.Buyer, InterpreterLanguage: schedule.Japanese,
		Unavailable: []conference.Period{{From: opens, To: slot2}}}
	run(t, []testCase{
		{name: "organiser registers a supplier", given: []domain.Event{created},
			when: register(org, conference.Registration{OrganisationID: s1, Role: conference.Supplier, SME: true}, before),
			then: []domain.Event{registeredWith(conference.Registration{OrganisationID: s1, Role: conference.Supplier, SME: true})}},
		{name: "a buyer registers itself with its hours and interpreter", given: []domain.Event{created},
			when: register(conference.AsFirm(b1), full, before),
			then: []domain.Event{registeredWith(full)}},
		{name: "a supplier takes a booth at a fair", given: []domain.Event{fair},
			when: register(org, conference.Registration{OrganisationID: s1, Role: conference.Supplier, Booth: "A12"}, before),
			then: []domain.Event{registeredWith(conference.Registration{OrganisationID: s1, Role: conference.Supplier, Booth: "A12"})}},
		{name: "late registration during the event", given: basics(),
			when: register(org, conference.Registration{OrganisationID: s3, Role: conference.Supplier}, slot2),
			then: []domain.Event{registered(s3, conference.Supplier)}},
		{name: "a firm registers another", given: []domain.Event{created},
			when: register(conference.AsFirm(s2), conference.Registration{OrganisationID: s1, Role: conference.Supplier}, before),
			err:  domain.ErrForbidden},
		{name: "every field wrong", given: []domain.Event{created},
			when: register(org, conference.Registration{Role: "exhibitor", Booth: "A1", SME: true, InterpreterLanguage: "EN",
				Unavailable: []conference.Period{{From: slot2, To: opens}, {To: closes}, {From: opens}}}, before),
			err: domain.ErrInvalid, fields: []string{"organisation_id", "role", "booth", "booth",
				"unavailable[0].to", "unavailable[1].from", "unavailable[2].to", "sme", "interpreter_language", "interpreter_language"}},
		{name: "booth for a buyer at a fair", given: []domain.Event{fair},
			when: register(org, conference.Registration{OrganisationID: b1, Role: conference.Buyer, Booth: " B2"}, before),
			err:  domain.ErrInvalid, fields: []string{"booth", "booth"}},
		{name: "interpreter for a supplier", given: []domain.Event{created},
			when: register(org, conference.Registration{OrganisationID: s1, Role: conference.Supplier, InterpreterLanguage: schedule.Korean}, before),
			err:  domain.ErrInvalid, fields: []string{"interpreter_language"}},
		{name: "twice", given: basics(),
			when: register(org, conference.Registration{OrganisationID: s1, Role: conference.Supplier}, before), err: domain.ErrConflict},
		{name: "booth taken", given: []domain.Event{fair, registeredWith(conference.Registration{OrganisationID: s1, Role: conference.Supplier, Booth: "A12"})},
			when: register(org, conference.Registration{OrganisationID: s2, Role: conference.Supplier, Booth: "A12"}, before), err: domain.ErrConflict},
		{name: "a firm after the event", given: []domain.Event{created},
			when: register(conference.AsFirm(s1), conference.Registration{OrganisationID: s1, Role: conference.Supplier}, closes), err: domain.ErrConflict},
		{name: "the organiser backfills after the event", given: []domain.Event{created},
			when: register(org, conference.Registration{OrganisationID: s1, Role: conference.Supplier}, closes),
			then: []domain.Event{conference.FirmRegistered{EventID: ev, Registration: conference.Registration{OrganisationID: s1, Role: conference.Supplier}}}},
	})
}

func TestCancelRegistration(t *testing.T) {
	org := conference.AsOrganiser()
	cancel := func(by conference.Actor, o uuid.UUID, now time.Time) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.CancelRegistration(by, o, now) }
	}
	published := conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{
		meeting("m1", 0, s1, b1, 80), meeting("m2", 1, s1, b2, 50)}}
	run(t, []testCase{
		{name: "before the schedule", given: basics(), when: cancel(conference.AsFirm(s1), s1, before),
			then: []domain.Event{conference.RegistrationCancelled{EventID: ev, OrganisationID: s1, WithdrawnMeetings: []uuid.UUID{}}}},
		{name: "meetings not started are withdrawn, held ones stay", given: with(basics(), published),
			when: cancel(org, s1, slot2),
			then: []domain.Event{conference.RegistrationCancelled{EventID: ev, OrganisationID: s1, WithdrawnMeetings: []uuid.UUID{id("m2")}}},
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				if got := c.Published(); len(got) != 1 || got[0].ID != id("m1") {
					t.Fatalf("published after cancellation: %v", got)
				}
				if _, ok := c.Registration(s1); ok {
					t.Fatal("still registered")
				}
			}},
		{name: "not registered", given: basics(), when: cancel(org, s3, before), err: domain.ErrNotFound},
		{name: "another firm", given: basics(), when: cancel(conference.AsFirm(s2), s1, before), err: domain.ErrForbidden},
		{name: "a firm after the event", given: basics(), when: cancel(conference.AsFirm(s1), s1, closes), err: domain.ErrConflict},
	})
}

func TestDeclareInterpreters(t *testing.T) {
	declare := func(l schedule.Language, n int) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.DeclareInterpreters(l, n) }
	}
	run(t, []testCase{
		{name: "two Japanese interpreters", given: []domain.Event{created}, when: declare(schedule.Japanese, 2),
			then: []domain.Event{conference.InterpreterDeclared{EventID: ev, Language: schedule.Japanese, Count: 2}}},
		{name: "none left", given: []domain.Event{created, conference.InterpreterDeclared{EventID: ev, Language: "KR", Count: 1}},
			when: declare(schedule.Korean, 0),
			then: []domain.Event{conference.InterpreterDeclared{EventID: ev, Language: schedule.Korean, Count: 0}}},
		{name: "unknown language, negative count", given: []domain.Event{created}, when: declare("EN", -1),
			err: domain.ErrInvalid, fields: []string{"language", "count"}},
		{name: "too many", given: []domain.Event{created}, when: declare(schedule.Chinese, 1001),
			err: domain.ErrInvalid, fields: []string{"count"}},
	})
}

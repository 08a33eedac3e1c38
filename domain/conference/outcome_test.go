package conference_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
)

func TestGiveFeedback(t *testing.T) {
	m1 := meeting("m1", 0, s1, b1, 80)
	held := with(basics(), conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{m1}})
	after := slot2 // m1 ran 08:30-09:00
	give := func(by conference.Actor, mid uuid.UUID, f conference.Feedback, now time.Time) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.GiveFeedback(by, mid, f, now) }
	}
	given := func(org uuid.UUID, side conference.Role, took bool, r conference.Rating) conference.MeetingFeedbackGiven {
		return conference.MeetingFeedbackGiven{EventID: ev, MeetingID: m1.ID, OrganisationID: org, Side: side, TookPlace: took, Rating: r}
	}
	run(t, []testCase{
		{name: "the supplier says cooperation is possible", given: held,
			when: give(conference.AsFirm(s1), m1.ID, conference.Feedback{TookPlace: true, Rating: conference.RatingCooperationPossible}, after),
			then: []domain.Event{given(s1, conference.Supplier, true, conference.RatingCooperationPossible)}},
		{name: "the organiser records the buyer's no-show report", given: held,
			when: give(conference.AsOrganiser(), m1.ID, conference.Feedback{OrganisationID: b1, Rating: conference.RatingNone}, after),
			then: []domain.Event{given(b1, conference.Buyer, false, conference.RatingNone)},
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				if !c.NoShow(m1.ID) {
					t.Fatal("one side said it did not take place: a no-show")
				}
			}},
		{name: "a correction replaces the earlier word", given: with(held, given(b1, conference.Buyer, false, conference.RatingNone)),
			when: give(conference.AsFirm(b1), m1.ID, conference.Feedback{TookPlace: true, Rating: conference.RatingInformative}, after),
			then: []domain.Event{given(b1, conference.Buyer, true, conference.RatingInformative)},
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				if c.NoShow(m1.ID) || c.Feedback(m1.ID)[conference.Buyer].Rating != conference.RatingInformative {
					t.Fatal("correction not applied")
				}
			}},
		{name: "before the meeting ended", given: held,
			when: give(conference.AsFirm(s1), m1.ID, conference.Feedback{TookPlace: true, Rating: conference.RatingNone}, slot2.Add(-time.Second)),
			err:  domain.ErrConflict},
		{name: "not a side of the meeting", given: held,
			when: give(conference.AsFirm(s2), m1.ID, conference.Feedback{TookPlace: true, Rating: conference.RatingNone}, after),
			err:  domain.ErrInvalid, fields: []string{"organisation_id"}},
		{name: "for the other side", given: held,
			when: give(conference.AsFirm(s1), m1.ID, conference.Feedback{OrganisationID: b1, TookPlace: true, Rating: conference.RatingNone}, after),
			err:  domain.ErrForbidden},
		{name: "unknown rating", given: held,
			when: give(conference.AsFirm(s1), m1.ID, conference.Feedback{TookPlace: true, Rating: "great"}, after),
			err:  domain.ErrInvalid, fields: []string{"rating"}},
		{name: "a rating for a meeting that did not happen", given: held,
			when: give(conference.AsFirm(s1), m1.ID, conference.Feedback{Rating: conference.RatingInformative}, after),
			err:  domain.ErrInvalid, fields: []string{"rating"}},
		{name: "a meeting only proposed", given: with(basics(), proposal(m1)),
			when: give(conference.AsFirm(s1), m1.ID, conference.Feedback{TookPlace: true, Rating: conference.RatingNone}, after),
			err:  domain.ErrNotFound},
	})
}

func TestRecordOutcome(t *testing.T) {
	m1 := meeting("m1", 0, s1, b1, 80)
	held := with(basics(), conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{m1}})
	record := func(o conference.Outcome, now time.Time) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.RecordOutcome(m1.ID, o, now) }
	}
	usd := func(v float64) *float64 { return &v }
	recorded := func(o conference.Outcome) conference.MeetingOutcomeRecorded {
		return conference.MeetingOutcomeRecorded{EventID: ev, MeetingID: m1.ID, SupplierID: s1, BuyerID: b1, Outcome: o}
	}
	contract := conference.Outcome{Status: conference.Held, Result: conference.ResultContract, ValueUSD: usd(250000)}
	run(t, []testCase{
		{name: "a contract worth 250,000 USD", given: held, when: record(contract, closes),
			then: []domain.Event{recorded(contract)},
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				if o, _ := c.Outcome(m1.ID); *o.ValueUSD != 250000 {
					t.Fatalf("outcome %+v", o)
				}
			}},
		{name: "a follow-up", given: held, when: record(conference.Outcome{Status: conference.Held, Result: conference.ResultFollowUp}, slot2),
			then: []domain.Event{recorded(conference.Outcome{Status: conference.Held, Result: conference.ResultFollowUp})}},
		{name: "a no-show", given: held, when: record(conference.Outcome{Status: conference.NoShow, Result: conference.ResultNone}, slot2),
			then: []domain.Event{recorded(conference.Outcome{Status: conference.NoShow, Result: conference.ResultNone})}},
		{name: "every field wrong", given: held, when: record(conference.Outcome{Status: "late", Result: "deal", ValueUSD: usd(-1)}, closes),
			err: domain.ErrInvalid, fields: []string{"status", "result", "value_usd", "value_usd"}},
		{name: "a no-show with an MoU", given: held, when: record(conference.Outcome{Status: conference.NoShow, Result: conference.ResultMoU}, closes),
			err: domain.ErrInvalid, fields: []string{"result"}},
		{name: "a value for a follow-up", given: held,
			when: record(conference.Outcome{Status: conference.Held, Result: conference.ResultFollowUp, ValueUSD: usd(10)}, closes),
			err:  domain.ErrInvalid, fields: []string{"value_usd"}},
		{name: "held although a side reported a no-show", given: with(held, conference.MeetingFeedbackGiven{EventID: ev, MeetingID: m1.ID,
			OrganisationID: s1, Side: conference.Supplier, TookPlace: false, Rating: conference.RatingNone}),
			when: record(contract, closes), err: domain.ErrConflict},
		{name: "before the meeting ended", given: held, when: record(contract, opens), err: domain.ErrConflict},
		{name: "unknown meeting", given: basics(), when: record(contract, closes), err: domain.ErrNotFound},
	})
}

func TestAttendanceOf(t *testing.T) {
	yes, no := true, false
	held, noShow := conference.Held, conference.NoShow
	tests := []struct {
		name    string
		outcome *conference.Status
		said    []*bool
		want    conference.Attendance
	}{
		{"nothing said", nil, nil, conference.AttendanceUnreported},
		{"sides silent", nil, []*bool{nil, nil}, conference.AttendanceUnreported},
		{"one side met", nil, []*bool{&yes, nil}, conference.AttendanceHeld},
		{"both met", nil, []*bool{&yes, &yes}, conference.AttendanceHeld},
		{"one side says no", nil, []*bool{&yes, &no}, conference.AttendanceNoShow},
		{"organiser: held", &held, nil, conference.AttendanceHeld},
		{"organiser: held, a side says no", &held, []*bool{&no}, conference.AttendanceNoShow},
		{"organiser: no-show, sides say met", &noShow, []*bool{&yes, &yes}, conference.AttendanceNoShow},
	}
	for _, tc := range tests {
		if got := conference.AttendanceOf(tc.outcome, tc.said...); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

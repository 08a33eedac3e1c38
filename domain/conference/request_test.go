package conference_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
)

var (
	r1        = id("request 1")
	requested = conference.MeetingRequested{EventID: ev, RequestID: r1, SupplierID: s1, BuyerID: b1, RequestedBy: b1}
	accepted  = conference.MeetingRequestAccepted{EventID: ev, RequestID: r1, SupplierID: s1, BuyerID: b1, AcceptedBy: s1}
)

func TestRequestMeeting(t *testing.T) {
	org := conference.AsOrganiser()
	request := func(by conference.Actor, rid, from, to, demand uuid.UUID) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.RequestMeeting(by, rid, from, to, demand, before) }
	}
	d := id("demand of " + b1.String())
	run(t, []testCase{
		{name: "a buyer asks a supplier", given: basics(), when: request(conference.AsFirm(b1), r1, b1, s1, uuid.Nil),
			then: []domain.Event{requested}},
		{name: "a supplier asks a buyer about a demand", given: basics(), when: request(conference.AsFirm(s2), r1, s2, b1, d),
			then: []domain.Event{conference.MeetingRequested{EventID: ev, RequestID: r1, SupplierID: s2, BuyerID: b1, RequestedBy: s2, DemandID: d}}},
		{name: "the organiser asks for a firm", given: basics(), when: request(org, r1, b1, s1, uuid.Nil),
			then: []domain.Event{requested}},
		{name: "again after a decline", given: with(basics(), requested,
			conference.MeetingRequestDeclined{EventID: ev, RequestID: r1, SupplierID: s1, BuyerID: b1, DeclinedBy: s1}),
			when: request(conference.AsFirm(b1), id("request 2"), b1, s1, uuid.Nil),
			then: []domain.Event{conference.MeetingRequested{EventID: ev, RequestID: id("request 2"), SupplierID: s1, BuyerID: b1, RequestedBy: b1}}},
		{name: "for another firm", given: basics(), when: request(conference.AsFirm(b2), r1, b1, s1, uuid.Nil), err: domain.ErrForbidden},
		{name: "same side", given: basics(), when: request(org, r1, s1, s2, uuid.Nil), err: domain.ErrInvalid, fields: []string{"to"}},
		{name: "firms not registered, no id", given: basics(), when: request(org, uuid.Nil, s3, id("nobody"), uuid.Nil),
			err: domain.ErrInvalid, fields: []string{"request_id", "from", "to"}},
		{name: "already open", given: with(basics(), requested), when: request(org, id("request 2"), s1, b1, uuid.Nil), err: domain.ErrConflict},
		{name: "same request id", given: with(basics(), requested), when: request(org, r1, s2, b2, uuid.Nil), err: domain.ErrConflict},
		{name: "already meeting", given: with(basics(), conference.SchedulePublished{EventID: ev, Meetings: []conference.Meeting{meeting("m1", 0, s1, b1, 80)}}),
			when: request(org, r1, s1, b1, uuid.Nil), err: domain.ErrConflict},
		{name: "after the event", given: basics(), when: func(c *conference.Conference) error {
			return c.RequestMeeting(org, r1, s1, b1, uuid.Nil, closes)
		}, err: domain.ErrConflict},
	})
}

func TestAnswerMeetingRequest(t *testing.T) {
	accept := func(by conference.Actor, rid uuid.UUID) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.AcceptMeetingRequest(by, rid) }
	}
	decline := func(by conference.Actor, rid uuid.UUID, reason string) func(*conference.Conference) error {
		return func(c *conference.Conference) error { return c.DeclineMeetingRequest(by, rid, reason) }
	}
	run(t, []testCase{
		{name: "the counterpart accepts", given: with(basics(), requested), when: accept(conference.AsFirm(s1), r1),
			then: []domain.Event{accepted},
			check: func(t *testing.T, c *conference.Conference, _ []domain.Event) {
				if r, _ := c.Request(r1); r.Status != conference.Accepted {
					t.Fatalf("status %s", r.Status)
				}
			}},
		{name: "the organiser accepts for it", given: with(basics(), requested), when: accept(conference.AsOrganiser(), r1),
			then: []domain.Event{accepted}},
		{name: "the counterpart declines", given: with(basics(), requested), when: decline(conference.AsFirm(s1), r1, "no capacity this quarter"),
			then: []domain.Event{conference.MeetingRequestDeclined{EventID: ev, RequestID: r1, SupplierID: s1, BuyerID: b1, DeclinedBy: s1, Reason: "no capacity this quarter"}}},
		{name: "the requester cannot accept", given: with(basics(), requested), when: accept(conference.AsFirm(b1), r1), err: domain.ErrForbidden},
		{name: "a stranger cannot decline", given: with(basics(), requested), when: decline(conference.AsFirm(s2), r1, ""), err: domain.ErrForbidden},
		{name: "unknown request", given: basics(), when: accept(conference.AsOrganiser(), r1), err: domain.ErrNotFound},
		{name: "already accepted", given: with(basics(), requested, accepted), when: decline(conference.AsFirm(s1), r1, ""), err: domain.ErrConflict},
		{name: "a firm left", given: with(basics(), requested, conference.RegistrationCancelled{EventID: ev, OrganisationID: b1}),
			when: accept(conference.AsFirm(s1), r1), err: domain.ErrConflict},
		{name: "reason too long", given: with(basics(), requested), when: decline(conference.AsFirm(s1), r1, strings.Repeat("x", 501)),
			err: domain.ErrInvalid, fields: []string{"reason"}},
	})
}

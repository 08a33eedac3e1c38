package conference_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/schedule"
)

// largeEvent is a two-day conference of 1,000 suppliers and 213 buyers (the
// 1,213-firm event of issue 10), 120 tables, with every buyer's first 100
// matches as candidates: 21,300 pairs.
func largeEvent(b *testing.B) (*conference.Conference, conference.ScheduleInput, time.Time) {
	b.Helper()
	rng := rand.New(rand.NewPCG(7, 13))
	id := func() uuid.UUID {
		var u uuid.UUID
		for i := range u {
			u[i] = byte(rng.UintN(256))
		}
		return u
	}
	start := time.Date(2030, 10, 15, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	c := &conference.Conference{}
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(c.Create(id(), conference.Details{Kind: conference.KindConference, Name: "Hội chợ công nghiệp hỗ trợ",
		Venue: "Giảng Võ", StartsAt: start, EndsAt: start.Add(33 * time.Hour), SlotMinutes: 30, Tables: 120,
		MaxMeetingsPerParticipant: 8}))
	before := start.Add(-24 * time.Hour)
	var suppliers, buyers []uuid.UUID
	for i := range 1000 {
		s := id()
		suppliers = append(suppliers, s)
		must(c.Register(conference.AsOrganiser(), conference.Registration{OrganisationID: s, Role: conference.Supplier,
			SME: i%3 != 0}, before))
	}
	for range 213 {
		x := id()
		buyers = append(buyers, x)
		must(c.Register(conference.AsOrganiser(), conference.Registration{OrganisationID: x, Role: conference.Buyer}, before))
	}
	var in conference.ScheduleInput
	for _, x := range buyers {
		demand := id()
		for _, k := range rng.Perm(len(suppliers))[:100] {
			in.Candidates = append(in.Candidates, schedule.Pair{Supplier: suppliers[k], Buyer: x, Demand: demand, Score: 40 + rng.IntN(60)})
		}
	}
	in.Floor = 1
	in.NewID = func() uuid.UUID { return uuid.Must(uuid.NewV7()) }
	return c, in, before
}

// proposeLarge proposes a schedule for the 1,213-firm event and returns the
// stream's events (the proposal last) and every pair left out.
func proposeLarge(b *testing.B) ([]domain.Event, []conference.Unscheduled) {
	c, in, before := largeEvent(b)
	leftOut, err := c.ProposeSchedule(in, before)
	if err != nil {
		b.Fatal(err)
	}
	return c.Changes(), leftOut
}

// BenchmarkProposeLargeEvent times proposing for the 1,213-firm event and
// reports the size of the ScheduleProposed event as stored (schema version
// 2) and the size the same event had in version 1 (every pair left out
// listed).
func BenchmarkProposeLargeEvent(b *testing.B) {
	c, in, before := largeEvent(b)
	var leftOut []conference.Unscheduled
	for b.Loop() {
		x := &conference.Conference{}
		for _, e := range c.Changes() {
			x.Apply(e)
		}
		var err error
		if leftOut, err = x.ProposeSchedule(in, before); err != nil {
			b.Fatal(err)
		}
	}
	stream, _ := proposeLarge(b)
	e := stream[len(stream)-1].(conference.ScheduleProposed)
	v2, _ := json.Marshal(e)
	e.Unscheduled, e.LeftOut = leftOut, 0
	v1, _ := json.Marshal(e)
	b.ReportMetric(float64(len(v2))/1e6, "MB/event")
	b.ReportMetric(float64(len(v1))/1e6, "MB/v1-event")
	b.Logf("%d meetings, %d pairs left out; event %d bytes, as version 1 %d bytes", len(e.Meetings), len(leftOut), len(v2), len(v1))
}

// BenchmarkLoadLargeEvent is what a command pays on that event's stream
// when it reads it whole: every payload decoded and applied (registrations,
// the proposal, its publication).
func BenchmarkLoadLargeEvent(b *testing.B) {
	stream, _ := proposeLarge(b)
	stream = append(stream, conference.SchedulePublished{EventID: stream[len(stream)-1].(conference.ScheduleProposed).EventID})
	payloads := make([][]byte, len(stream))
	for i, e := range stream {
		p, err := json.Marshal(e)
		if err != nil {
			b.Fatal(err)
		}
		payloads[i] = p
	}
	decode := func(i int) domain.Event {
		var err error
		var e domain.Event
		switch stream[i].(type) {
		case conference.EventCreated:
			var x conference.EventCreated
			err = json.Unmarshal(payloads[i], &x)
			e = x
		case conference.FirmRegistered:
			var x conference.FirmRegistered
			err = json.Unmarshal(payloads[i], &x)
			e = x
		case conference.ScheduleProposed:
			var x conference.ScheduleProposed
			err = json.Unmarshal(payloads[i], &x)
			e = x
		default:
			var x conference.SchedulePublished
			err = json.Unmarshal(payloads[i], &x)
			e = x
		}
		if err != nil {
			b.Fatal(err)
		}
		return e
	}
	for b.Loop() {
		agg := &conference.Conference{}
		for i := range stream {
			agg.Apply(decode(i))
		}
	}
}

package conference_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/schedule"
)

// largeEvent is a two-day conference (08:00-17:00, lunch 12:00-13:30, at
// most 4 meetings in a row) of 1,000 suppliers and 213 buyers (the
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
	lunch := start.Add(4 * time.Hour)
	must(c.Create(id(), conference.Details{Kind: conference.KindConference, Name: "Hội chợ công nghiệp hỗ trợ",
		Venue: "Giảng Võ", StartsAt: start, EndsAt: start.Add(33 * time.Hour), SlotMinutes: 30, Tables: 120,
		MaxMeetingsPerParticipant: 8, MaxConsecutive: 4,
		Breaks: []conference.Period{{From: lunch, To: lunch.Add(90 * time.Minute)}}}))
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
	b.Logf("timetables: %s", timetable(e.Meetings))

	// A late registration: ten suppliers and two buyers more, with their
	// pairs, then propose again. Meetings of firms the newcomers' pairs do
	// not touch should mostly stay where they were.
	x := &conference.Conference{}
	for _, ev := range stream {
		x.Apply(ev)
	}
	x.Changes()
	rng := rand.New(rand.NewPCG(99, 1))
	touched := map[uuid.UUID]bool{}
	late := in
	late.Candidates = slices.Clone(in.Candidates)
	var newSups, newBuys []uuid.UUID
	for i := range 12 {
		org := uuid.New()
		role := conference.Supplier
		if i >= 10 {
			role = conference.Buyer
			newBuys = append(newBuys, org)
		} else {
			newSups = append(newSups, org)
		}
		if err := x.Register(conference.AsOrganiser(), conference.Registration{OrganisationID: org, Role: role}, before); err != nil {
			b.Fatal(err)
		}
	}
	for _, p := range in.Candidates[:2000] {
		if rng.IntN(10) == 0 {
			s := newSups[rng.IntN(len(newSups))]
			late.Candidates = append(late.Candidates, schedule.Pair{Supplier: s, Buyer: p.Buyer, Demand: p.Demand, Score: 60 + rng.IntN(40)})
			touched[s], touched[p.Buyer] = true, true
		}
	}
	for _, nb := range newBuys {
		for range 50 {
			s := in.Candidates[rng.IntN(len(in.Candidates))].Supplier
			late.Candidates = append(late.Candidates, schedule.Pair{Supplier: s, Buyer: nb, Score: 50 + rng.IntN(50)})
			touched[s], touched[nb] = true, true
		}
	}
	if _, err := x.ProposeSchedule(late, before); err != nil {
		b.Fatal(err)
	}
	again, _ := x.Proposal()
	where := map[uuid.UUID][2]int{}
	for _, m := range again.Meetings {
		where[m.ID] = [2]int{m.Slot, m.Table}
	}
	untouched, kept, sameTable, gone := 0, 0, 0, 0
	for _, m := range e.Meetings {
		if touched[m.SupplierID] || touched[m.BuyerID] {
			continue
		}
		untouched++
		w, ok := where[m.ID]
		switch {
		case !ok:
			gone++
		case w[0] == m.Slot:
			kept++
			if w[1] == m.Table {
				sameTable++
			}
		}
	}
	b.Logf("re-proposal after 12 late registrations: of %d untouched meetings %d kept their slot (%.1f%%), %d their table too, %d dropped",
		untouched, kept, 100*float64(kept)/float64(max(untouched, 1)), sameTable, gone)
}

// timetable sums up how people live with the meetings: the share of a
// firm's meetings that directly follow another of its meetings, the longest
// run, how many fall in the lunch break (12:00-13:30) and how many before
// noon, and the share of firms whose two days are within 20% (or one
// meeting) of their mean.
func timetable(ms []conference.Meeting) string {
	bySlot := map[uuid.UUID]map[int]bool{}
	perDay := map[uuid.UUID]map[int]int{}
	lunch, morning := 0, 0
	for _, m := range ms {
		for _, f := range []uuid.UUID{m.SupplierID, m.BuyerID} {
			if bySlot[f] == nil {
				bySlot[f], perDay[f] = map[int]bool{}, map[int]int{}
			}
			bySlot[f][m.Slot] = true
			perDay[f][m.StartsAt.YearDay()]++
		}
		h := m.StartsAt.Hour()*60 + m.StartsAt.Minute()
		if h >= 12*60 && h < 13*60+30 {
			lunch++
		}
		if h < 12*60 {
			morning++
		}
	}
	backToBack, total, longest, balanced := 0, 0, 0, 0
	for f, slots := range bySlot {
		for s := range slots {
			total++
			if slots[s-1] && s%18 != 0 { // 18 slots a day
				backToBack++
			}
			run := 1
			for slots[s+run] && (s+run)%18 != 0 {
				run++
			}
			longest = max(longest, run)
		}
		days := perDay[f]
		n := 0
		for _, k := range days {
			n += k
		}
		mean := float64(n) / 2
		ok := true
		for _, d := range []int{ms[0].StartsAt.YearDay(), ms[0].StartsAt.YearDay() + 1} {
			k := float64(days[d])
			if k < min(mean*0.8, mean-1) || k > max(mean*1.2, mean+1) {
				ok = false
			}
		}
		if ok {
			balanced++
		}
	}
	return fmt.Sprintf("back to back %.1f%%, longest run %d, %d in the lunch break, %.1f%% before noon, days balanced for %.1f%% of %d firms",
		100*float64(backToBack)/float64(total), longest, lunch, 100*float64(morning)/float64(len(ms)),
		100*float64(balanced)/float64(len(bySlot)), len(bySlot))
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

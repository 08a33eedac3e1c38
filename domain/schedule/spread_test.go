package schedule_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain/schedule"
)

// shape measures a timetable as its firms live it.
type shape struct {
	backToBack  float64 // share of meetings that directly follow another of the same firm
	longestRun  int
	firstHalf   float64 // share of meetings in the first half of each firm's day
	dayBalanced float64 // share of firms (multi-day) within +-20% of their mean per day, or off by one
}

func measure(p schedule.Problem, r schedule.Result) shape {
	n := len(p.Slots)
	dayOf := make([]int, n)
	last := ""
	d := -1
	for i, s := range p.Slots {
		if k := s.Start.Format(time.DateOnly); k != last {
			d, last = d+1, k
		}
		dayOf[i] = d
	}
	nDays := d + 1
	busy := map[uuid.UUID][]bool{}
	for _, m := range r.Meetings {
		for _, id := range []uuid.UUID{m.Supplier, m.Buyer} {
			if busy[id] == nil {
				busy[id] = make([]bool, n)
			}
			busy[id][m.Slot] = true
		}
	}
	var sh shape
	total, adjacent, early, balanced, firms := 0, 0, 0, 0, 0
	perDaySlots := n / max(nDays, 1)
	for _, b := range busy {
		run := 0
		perDay := make([]int, nDays)
		k := 0
		for s := range n {
			if !b[s] {
				run = 0
				continue
			}
			k++
			total++
			perDay[dayOf[s]]++
			if s > 0 && b[s-1] && dayOf[s] == dayOf[s-1] {
				adjacent++
				run++
			} else {
				run = 1
			}
			sh.longestRun = max(sh.longestRun, run)
			if s%perDaySlots < perDaySlots/2 {
				early++
			}
		}
		if nDays > 1 && k >= nDays {
			firms++
			mean := float64(k) / float64(nDays)
			ok := true
			for _, c := range perDay {
				if diff := float64(c) - mean; diff > max(0.2*mean, 1) || -diff > max(0.2*mean, 1) {
					ok = false
				}
			}
			if ok {
				balanced++
			}
		}
	}
	sh.backToBack = float64(adjacent) / float64(max(total, 1))
	sh.firstHalf = float64(early) / float64(max(total, 1))
	sh.dayBalanced = float64(balanced) / float64(max(firms, 1))
	return sh
}

// fourDayFair is the realistic event spread over a four-day fair: the same
// firms and pairs, 4 days of 16 slots, caps of 12.
func fourDayFair() schedule.Problem {
	p := realisticEvent(1, 0)
	p.Slots = nil
	for d := range 4 {
		for i := range 16 {
			p.Slots = append(p.Slots, schedule.Slot{Index: len(p.Slots),
				Start: day.AddDate(0, 0, d).Add(time.Duration(i) * 30 * time.Minute)})
		}
	}
	for l, c := range p.Interpreters {
		p.Interpreters[l] = slices.Repeat(c[:1], len(p.Slots))
	}
	for i := range p.Participants {
		p.Participants[i].Cap = 12
		p.Participants[i].Unavailable = nil
	}
	return p
}

// TestSpreadShapesTimetables: meetings are spread over the event, runs stay
// within MaxConsecutive, a fair's days are balanced, and the objective is
// what it was without the spread (the pass only moves meetings).
func TestSpreadShapesTimetables(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		p    schedule.Problem
	}{{"conference 300x100x16", realisticEvent(1, 0)}, {"fair 4 days", fourDayFair()}} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			p.MaxConsecutive = 3
			r, err := schedule.Solve(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := schedule.Verify(p, r); err != nil {
				t.Fatal(err)
			}
			sh := measure(p, r)
			t.Logf("%d meetings, gap %.2f%%: back to back %.0f%%, longest run %d, first half of the day %.0f%%, days balanced %.0f%%",
				len(r.Meetings), r.Gap(), 100*sh.backToBack, sh.longestRun, 100*sh.firstHalf, 100*sh.dayBalanced)
			if sh.longestRun > 3 {
				t.Errorf("a run of %d meetings, limit 3", sh.longestRun)
			}
			if sh.firstHalf > 0.6 {
				t.Errorf("%.0f%% of meetings in the first half of the day", 100*sh.firstHalf)
			}
			if len(p.Slots) > 16 && sh.dayBalanced < 0.8 {
				t.Errorf("only %.0f%% of firms have balanced days", 100*sh.dayBalanced)
			}
			if r.Gap() > 2 {
				t.Errorf("gap to the bound %.2f%%", r.Gap())
			}
		})
	}
}

// TestReproposalKeepsMeetings: after a late registration, proposing again
// with the previous meetings as Previous keeps at least 90% of the meetings
// whose firms are untouched in their slot.
func TestReproposalKeepsMeetings(t *testing.T) {
	t.Parallel()
	p := realisticEvent(1, 0)
	first, err := schedule.Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	// A late supplier with matches for three buyers registers.
	late := schedule.Participant{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte("late supplier")), Role: schedule.Supplier, Cap: 8}
	p.Participants = append(p.Participants, late)
	touched := map[uuid.UUID]bool{late.ID: true}
	for _, b := range p.Participants[300:303] {
		p.Pairs = append(p.Pairs, schedule.Pair{Supplier: late.ID, Buyer: b.ID, Score: 95})
		touched[b.ID] = true
	}
	p.Previous = first.Meetings
	second, err := schedule.Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := schedule.Verify(p, second); err != nil {
		t.Fatal(err)
	}
	type key struct {
		s, b uuid.UUID
		slot int
	}
	now, pairs := map[key]bool{}, map[[2]uuid.UUID]bool{}
	for _, m := range second.Meetings {
		now[key{m.Supplier, m.Buyer, m.Slot}] = true
		pairs[[2]uuid.UUID{m.Supplier, m.Buyer}] = true
	}
	kept, untouched, stillMet := 0, 0, 0
	for _, m := range first.Meetings {
		if touched[m.Supplier] || touched[m.Buyer] {
			continue
		}
		untouched++
		if pairs[[2]uuid.UUID{m.Supplier, m.Buyer}] {
			stillMet++
		}
		if now[key{m.Supplier, m.Buyer, m.Slot}] {
			kept++
		}
	}
	share := float64(kept) / float64(untouched)
	t.Logf("kept %d of %d untouched meetings in their slot (%.1f%%); %d still met", kept, untouched, 100*share, stillMet)
	if share < 0.9 {
		t.Errorf("kept %.1f%% of untouched meetings, want >= 90%%", 100*share)
	}
}

package schedule_test

import (
	"cmp"
	"errors"
	"math/rand"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/schedule"
)

// lex is what the solver maximises, in order: accepted requests met, meetings
// owed to SMEs under the floor, score, number of meetings.
type lex [4]int

func lexOf(p schedule.Problem, r schedule.Result) lex {
	n := map[uuid.UUID]int{}
	for _, m := range r.Meetings {
		n[m.Supplier]++
	}
	floor := 0
	for _, x := range p.Participants {
		if x.SME {
			floor += min(n[x.ID], p.Floor, x.Cap)
		}
	}
	return lex{r.PriorityScheduled, floor, r.Objective, len(r.Meetings)}
}

func cmpLex(a, b lex) int { return cmp.Or(a[0]-b[0], a[1]-b[1], a[2]-b[2], a[3]-b[3]) }

func seeds(t testing.TB, n int) int {
	if testing.Short() {
		return n / 10
	}
	return n
}

// TestPropertyNoConstraintBroken draws random events (firms, caps,
// availabilities, booths, interpreters, duplicates, requests, locked
// meetings, floors) and checks both solvers with Verify, and that the
// optimiser is never behind the greedy baseline.
func TestPropertyNoConstraintBroken(t *testing.T) {
	t.Parallel()
	better := 0
	n := seeds(t, 2000)
	for seed := range n {
		p := randomProblem(rand.New(rand.NewSource(int64(seed))))
		r, err := schedule.Solve(p)
		if err != nil {
			t.Fatalf("seed %d: Solve: %v", seed, err)
		}
		if err := schedule.Verify(p, r); err != nil {
			t.Fatalf("seed %d: Solve: %v", seed, err)
		}
		g, err := schedule.Greedy(p)
		if err != nil {
			t.Fatalf("seed %d: Greedy: %v", seed, err)
		}
		if err := schedule.Verify(p, g); err != nil {
			t.Fatalf("seed %d: Greedy: %v", seed, err)
		}
		switch c := cmpLex(lexOf(p, r), lexOf(p, g)); {
		case c < 0:
			t.Errorf("seed %d: optimiser %v behind greedy %v", seed, lexOf(p, r), lexOf(p, g))
		case c > 0:
			better++
		}
	}
	t.Logf("%d random events: optimiser ahead of greedy on %d, level on the rest", n, better)
}

// TestPropertyLargerEvents does the same on events closer to real sizes.
func TestPropertyLargerEvents(t *testing.T) {
	t.Parallel()
	for seed := range seeds(t, 10) {
		rng := rand.New(rand.NewSource(int64(seed)))
		p := realisticEvent(int64(seed), rng.Intn(3))
		p.Slots = p.Slots[:4+rng.Intn(12)]
		p.Tables = 5 + rng.Intn(40)
		for l, c := range p.Interpreters {
			p.Interpreters[l] = c[:len(p.Slots)]
		}
		for i := range p.Participants {
			x := &p.Participants[i]
			x.Cap = rng.Intn(10)
			var keep []int
			for _, s := range x.Unavailable {
				if s < len(p.Slots) {
					keep = append(keep, s)
				}
			}
			x.Unavailable = keep
		}
		r, err := schedule.Solve(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := schedule.Verify(p, r); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		g, _ := schedule.Greedy(p)
		if cmpLex(lexOf(p, r), lexOf(p, g)) < 0 {
			t.Errorf("seed %d: optimiser %v behind greedy %v", seed, lexOf(p, r), lexOf(p, g))
		}
	}
}

// TestPropertyBoundsHold compares with the exact optimum found by exhaustive
// search on tiny events: the bounds are never below it and the optimiser
// never above it.
func TestPropertyBoundsHold(t *testing.T) {
	t.Parallel()
	optimal, n := 0, 0
	for seed := 0; n < seeds(t, 300); seed++ {
		rng := rand.New(rand.NewSource(int64(seed)))
		p := randomProblem(rng)
		if len(p.Slots) > 3 || len(p.Pairs)+len(p.Priority) > 6 {
			continue
		}
		n++
		r, err := schedule.Solve(p)
		if err != nil {
			t.Fatal(err)
		}
		best, bestScore, bestAtLevel := exhaustive(p, lexOf(p, r))
		if got := lexOf(p, r); cmpLex(got, best) > 0 {
			t.Fatalf("seed %d: optimiser %v above the optimum %v", seed, got, best)
		} else if got == best {
			optimal++
		}
		if r.ScoreBound < bestScore {
			t.Errorf("seed %d: score bound %d below the best score %d", seed, r.ScoreBound, bestScore)
		}
		if r.Bound < bestAtLevel {
			t.Errorf("seed %d: bound %d below the best score %d at the optimiser's levels", seed, r.Bound, bestAtLevel)
		}
	}
	t.Logf("%d tiny events: optimiser reached the exact optimum on %d", n, optimal)
}

// exhaustive tries every placement of every pair and returns the best
// lexicographic value, the best score of any schedule, and the best score
// among schedules at the same request and floor levels as at.
func exhaustive(p schedule.Problem, at lex) (best lex, bestScore, bestAtLevel int) {
	base := schedule.Result{}
	for _, m := range p.Locked {
		m.Locked = true
		base.Meetings = append(base.Meetings, m)
		base.Objective += m.Score
	}
	cands := append(append([]schedule.Pair{}, p.Pairs...), p.Priority...)
	prio := map[[2]uuid.UUID]bool{}
	for _, x := range p.Priority {
		prio[[2]uuid.UUID{x.Supplier, x.Buyer}] = true
	}
	booth := map[uuid.UUID]string{}
	for _, x := range p.Participants {
		booth[x.ID] = x.Booth
	}
	best = lex{-1}
	var rec func(i int, r schedule.Result)
	rec = func(i int, r schedule.Result) {
		if i == len(cands) {
			r.Bound, r.ScoreBound = r.Objective, r.Objective
			r.PriorityScheduled = 0
			met := map[[2]uuid.UUID]bool{}
			for _, m := range r.Meetings {
				met[[2]uuid.UUID{m.Supplier, m.Buyer}] = true
			}
			for k := range prio {
				if met[k] {
					r.PriorityScheduled++
				}
			}
			for _, x := range cands {
				if !met[[2]uuid.UUID{x.Supplier, x.Buyer}] {
					r.Unscheduled = append(r.Unscheduled, schedule.Unscheduled{Pair: x, Reason: schedule.NoFreeSlot})
				}
			}
			if schedule.Verify(p, r) != nil {
				return
			}
			l := lexOf(p, r)
			if cmpLex(l, best) > 0 {
				best = l
			}
			bestScore = max(bestScore, l[2])
			if l[0] == at[0] && l[1] == at[1] {
				bestAtLevel = max(bestAtLevel, l[2])
			}
			return
		}
		rec(i+1, r)
		x := cands[i]
		for s := range p.Slots {
			m := schedule.Meeting{Slot: s, Start: p.Slots[s].Start, Supplier: x.Supplier, Buyer: x.Buyer,
				Demand: x.Demand, Score: x.Score}
			if b := booth[x.Supplier]; b != "" {
				m.Booth = b
			} else {
				m.Table = freeTable(p, r, s)
				if m.Table == 0 {
					continue
				}
			}
			next := r
			next.Meetings = append(append([]schedule.Meeting{}, r.Meetings...), m)
			next.Objective += x.Score
			rec(i+1, next)
		}
	}
	rec(0, base)
	return best, bestScore, bestAtLevel
}

func freeTable(p schedule.Problem, r schedule.Result, s int) int {
	used := map[int]bool{}
	for _, m := range r.Meetings {
		if m.Slot == s {
			used[m.Table] = true
		}
	}
	for t := 1; t <= p.Tables; t++ {
		if !used[t] {
			return t
		}
	}
	return 0
}

// TestDeterministic: the same problem, its slices in any order, gives the
// same schedule.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	for seed := range seeds(t, 100) {
		rng := rand.New(rand.NewSource(int64(seed)))
		p := randomProblem(rng)
		want, err := schedule.Solve(p)
		if err != nil {
			t.Fatal(err)
		}
		q := p
		q.Participants = shuffled(rng, p.Participants)
		q.Pairs = shuffled(rng, p.Pairs)
		q.Priority = shuffled(rng, p.Priority)
		q.Locked = shuffled(rng, p.Locked)
		got, err := schedule.Solve(q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: shuffled input changed the schedule", seed)
		}
	}
}

func shuffled[T any](rng *rand.Rand, s []T) []T {
	out := append([]T(nil), s...)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// TestRealisticEvent reports the optimiser against the greedy baseline and
// the bound on the benchmark's event, with floors 0 to 2.
func TestRealisticEvent(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("realistic event takes a second")
	}
	for _, floor := range []int{0, 1, 2} {
		p := realisticEvent(1, floor)
		r, err := schedule.Solve(p)
		if err != nil {
			t.Fatal(err)
		}
		g, err := schedule.Greedy(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []schedule.Result{r, g} {
			if err := schedule.Verify(p, x); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("floor %d: optimiser %d (%d meetings, %d requests, %d SMEs under floor, %.2f%% below bound %d) "+
			"vs greedy %d (%d meetings, %d requests, %d SMEs under floor): +%.2f%%; score bound without requests and floor %d",
			floor, r.Objective, len(r.Meetings), r.PriorityScheduled, len(r.BelowFloor), r.Gap(), r.Bound,
			g.Objective, len(g.Meetings), g.PriorityScheduled, len(g.BelowFloor),
			100*float64(r.Objective-g.Objective)/float64(g.Objective), r.ScoreBound)
		if cmpLex(lexOf(p, r), lexOf(p, g)) < 0 {
			t.Errorf("optimiser %v behind greedy %v", lexOf(p, r), lexOf(p, g))
		}
		if r.Gap() > 2 {
			t.Errorf("gap to bound %.2f%% > 2%%", r.Gap())
		}
	}
}

// TestHardEvent: the same event where every firm is away half of the slots,
// at random: partners share few slots, the case where placing meetings, not
// choosing them, is hard.
func TestHardEvent(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("realistic event takes a second")
	}
	p := realisticEvent(1, 0)
	rng := rand.New(rand.NewSource(5))
	p.Tables = 60
	for i := range p.Participants {
		p.Participants[i].Unavailable = nil
		for s := range p.Slots {
			if rng.Intn(2) == 0 {
				p.Participants[i].Unavailable = append(p.Participants[i].Unavailable, s)
			}
		}
	}
	r, err := schedule.Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := schedule.Greedy(p)
	for _, x := range []schedule.Result{r, g} {
		if err := schedule.Verify(p, x); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("half away: optimiser %d (%d meetings, %.2f%% below bound %d) vs greedy %d (%d meetings, %.2f%%): +%.2f%%",
		r.Objective, len(r.Meetings), r.Gap(), r.Bound, g.Objective, len(g.Meetings), g.Gap(),
		100*float64(r.Objective-g.Objective)/float64(g.Objective))
	if cmpLex(lexOf(p, r), lexOf(p, g)) < 0 {
		t.Errorf("optimiser %v behind greedy %v", lexOf(p, r), lexOf(p, g))
	}
}

func TestSolveRejectsInvalidProblem(t *testing.T) {
	p := schedule.Problem{Tables: -1}
	_, err := schedule.Solve(p)
	if !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("got %v, want ErrInvalid", err)
	}
	if _, err := schedule.Greedy(p); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("Greedy: got %v, want ErrInvalid", err)
	}
}

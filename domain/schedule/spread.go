package schedule

import (
	"cmp"
	"slices"
	"time"
)

// Weights of the timetable's shape, after everything the objective ranks:
// the spread pass never changes which meetings there are, only when.
const (
	runWeight    = 1 << 30 // each meeting beyond MaxConsecutive in a row
	dayWeight    = 400     // a fair day away from the firm's mean per day
	adjWeight    = 60      // two meetings back to back
	gapWeight    = 1       // meetings closer than an even spread puts them
	stableWeight = 20000   // a meeting away from its slot in Problem.Previous
	spreadSweeps = 4
)

// days numbers each slot's calendar day at the venue (0, 1, ...).
func days(slots []Slot) []int {
	out := make([]int, len(slots))
	d, last := -1, ""
	for i, s := range slots {
		if k := s.Start.Format(time.DateOnly); k != last {
			d, last = d+1, k
		}
		out[i] = d
	}
	return out
}

// runs calls f with the length of every run of consecutive slots (same day,
// adjacent indexes) in which busy is true, and whether the run holds a
// meeting that may move (mine[s]).
func runs(busy, mine []bool, day []int, f func(n int, movable bool)) {
	n, movable := 0, false
	for s := range busy {
		if busy[s] && n > 0 && day[s] != day[s-1] {
			f(n, movable)
			n, movable = 0, false
		}
		if busy[s] {
			n++
			movable = movable || mine[s]
			continue
		}
		if n > 0 {
			f(n, movable)
		}
		n, movable = 0, false
	}
	if n > 0 {
		f(n, movable)
	}
}

// spreader holds what the spread pass needs per participant: the slots its
// locked meetings take, and its free slot count.
type spreader struct {
	st     *state
	day    []int
	nDays  int
	maxRun int
	locked [][]bool // per participant (suppliers, then buyers), per slot
	nFree  []int
	busy   []bool // scratch
	mine   []bool // scratch
	prevAt map[[2]int]int
	perDay []int // scratch
	// inSlot lists the placed edges per slot, pos each edge's index there,
	// kept by place and remove.
	inSlot [][]int32
	pos    []int32
}

func (sp *spreader) place(e, s int) {
	sp.st.place(e, s)
	sp.pos[e] = int32(len(sp.inSlot[s]))
	sp.inSlot[s] = append(sp.inSlot[s], int32(e))
}

func (sp *spreader) remove(e int) {
	s := int(sp.st.at[e])
	sp.st.remove(e)
	l := sp.inSlot[s]
	i := sp.pos[e]
	last := l[len(l)-1]
	l[i], sp.pos[last] = last, i
	sp.inSlot[s] = l[:len(l)-1]
}

func newSpreader(st *state) *spreader {
	m := st.m
	sp := &spreader{st: st, day: days(m.p.Slots), maxRun: m.p.MaxConsecutive, busy: make([]bool, m.nS),
		mine: make([]bool, m.nS), prevAt: map[[2]int]int{}}
	if m.nS > 0 {
		sp.nDays = sp.day[m.nS-1] + 1
	}
	sp.perDay = make([]int, sp.nDays)
	sp.inSlot, sp.pos = make([][]int32, m.nS), make([]int32, len(m.edges))
	for e, at := range st.at {
		if at >= 0 {
			sp.pos[e] = int32(len(sp.inSlot[at]))
			sp.inSlot[at] = append(sp.inSlot[at], int32(e))
		}
	}
	n := len(m.sups) + len(m.buys)
	sp.locked, sp.nFree = make([][]bool, n), make([]int, n)
	for i := range sp.locked {
		sp.locked[i] = make([]bool, m.nS)
		pt := sp.part(i)
		for s := range m.nS {
			if pt.free[s] {
				sp.nFree[i]++
			}
		}
	}
	for _, lm := range m.p.Locked {
		if i := find(m.sups, lm.Supplier); i >= 0 {
			sp.locked[i][lm.Slot] = true
			sp.nFree[i]++
		}
		if j := find(m.buys, lm.Buyer); j >= 0 {
			sp.locked[len(m.sups)+j][lm.Slot] = true
			sp.nFree[len(m.sups)+j]++
		}
	}
	for _, pm := range m.p.Previous {
		i, j := find(m.sups, pm.Supplier), find(m.buys, pm.Buyer)
		if i >= 0 && j >= 0 {
			sp.prevAt[[2]int{i, j}] = pm.Slot
		}
	}
	return sp
}

func (sp *spreader) part(i int) *part {
	if m := sp.st.m; i >= len(m.sups) {
		return &m.buys[i-len(m.sups)]
	}
	return &sp.st.m.sups[i]
}

// at returns the edge participant i has in slot s, or -1.
func (sp *spreader) at(i, s int) int32 {
	m := sp.st.m
	if i >= len(m.sups) {
		return sp.st.buyAt[(i-len(m.sups))*m.nS+s]
	}
	return sp.st.supAt[i*m.nS+s]
}

// cost is participant i's timetable cost in the current state.
func (sp *spreader) cost(i int) int64 {
	m := sp.st.m
	var c int64
	k := 0
	perDay := sp.perDay
	clear(perDay)
	prev := -1
	for s := range m.nS {
		e := sp.at(i, s)
		sp.mine[s] = e >= 0
		sp.busy[s] = e >= 0 || sp.locked[i][s]
		if !sp.busy[s] {
			continue
		}
		k++
		perDay[sp.day[s]]++
		if e >= 0 {
			ed := &m.edges[e]
			if ps, ok := sp.prevAt[[2]int{ed.sup, ed.buy}]; ok && ps != s {
				c += stableWeight / 2 // half for each side
			}
		}
		if prev >= 0 && sp.nFree[i] > 0 {
			// gap in tenths of a slot against an even spread
			target := int64(10 * sp.nFree[i] / max(k, 2))
			if g := int64(10 * (s - prev)); g < target {
				c += gapWeight * (target - g) * (target - g) / 10
			}
		}
		prev = s
	}
	runs(sp.busy, sp.mine, sp.day, func(n int, movable bool) {
		if n > 1 {
			c += adjWeight * int64(n-1)
		}
		if sp.maxRun > 0 && n > sp.maxRun && movable {
			c += runWeight * int64(n-sp.maxRun)
		}
	})
	if sp.nDays > 1 && k > 0 {
		for _, n := range perDay {
			d := int64(sp.nDays*n - k)
			c += dayWeight * d * d / int64(sp.nDays)
		}
	}
	return c
}

// pairCost is the cost of the participants of edge e (and of f, if >= 0).
func (sp *spreader) pairCost(e, f int) int64 {
	m := sp.st.m
	ids := []int{m.edges[e].sup, len(m.sups) + m.edges[e].buy}
	if f >= 0 {
		ids = append(ids, m.edges[f].sup, len(m.sups)+m.edges[f].buy)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var c int64
	for _, i := range ids {
		c += sp.cost(i)
	}
	return c
}

// spread re-places the meetings st holds without changing which meetings
// there are (so the objective stays): each meeting moves to a slot where it
// fits, or swaps slots with another, when that lowers the timetable cost of
// the firms involved: no run longer than MaxConsecutive, fewer meetings back
// to back, meetings apart rather than bunched at the start, a fair's days
// balanced, and meetings of Problem.Previous kept in their slot. Runs that
// still break MaxConsecutive then lose a meeting (dropMeetings).
func (st *state) spread() {
	m := st.m
	sp := newSpreader(st)
	placed := func() []int {
		var out []int
		for e, s := range st.at {
			if s >= 0 {
				out = append(out, e)
			}
		}
		return out
	}
	if len(sp.prevAt) > 0 {
		// Back to the previous slots first: one slot to try per meeting.
		for range spreadSweeps {
			improved := false
			for _, e := range placed() {
				ed := &m.edges[e]
				if ps, ok := sp.prevAt[[2]int{ed.sup, ed.buy}]; ok && ps != int(st.at[e]) && sp.improveEdge(e, []int32{int32(ps)}) {
					improved = true
				}
			}
			if !improved {
				break
			}
		}
	}
	for range spreadSweeps {
		improved := false
		for _, e := range placed() {
			if sp.improveEdge(e, m.edges[e].slots) {
				improved = true
			}
		}
		if !improved {
			break
		}
	}
	if m.p.MaxConsecutive > 0 {
		sp.dropLongRuns()
	}
}

// improveEdge tries the slots for edge e, by a move or a swap, and applies
// the best that lowers the cost.
func (sp *spreader) improveEdge(e int, slots []int32) bool {
	st := sp.st
	from := int(st.at[e])
	base := sp.pairCost(e, -1)
	bestGain, bestSlot, bestSwap := int64(0), -1, -1
	for _, s32 := range slots {
		s := int(s32)
		if s == from {
			continue
		}
		sp.remove(e)
		if st.fits(e, s) {
			sp.place(e, s)
			if gain := base - sp.pairCost(e, -1); gain > bestGain {
				bestGain, bestSlot, bestSwap = gain, s, -1
			}
			sp.remove(e)
		} else if f := sp.swapPartner(e, s, from); f >= 0 {
			sp.place(e, from)
			before := sp.pairCost(e, f)
			sp.remove(e)
			sp.remove(f)
			sp.place(e, s)
			sp.place(f, from)
			if gain := before - sp.pairCost(e, f); gain > bestGain {
				bestGain, bestSlot, bestSwap = gain, s, f
			}
			sp.remove(f)
			sp.remove(e)
			sp.place(f, s)
		}
		sp.place(e, from)
	}
	if bestSlot < 0 {
		return false
	}
	sp.remove(e)
	if bestSwap >= 0 {
		sp.remove(bestSwap)
		sp.place(bestSwap, from)
	}
	sp.place(e, bestSlot)
	return true
}

// swapPartner finds a meeting in slot s (another firm's, or one of e's
// firms') that can trade slots with e: e fits in s once it leaves, and it
// fits in from once e leaves. e is not placed while this runs; the state is
// unchanged when it returns.
func (sp *spreader) swapPartner(e, s, from int) int {
	st, m := sp.st, sp.st.m
	for _, f32 := range slices.Clone(sp.inSlot[s]) {
		f := int(f32)
		if f == e {
			continue
		}
		if !slices.Contains(m.edges[f].slots, int32(from)) {
			continue
		}
		sp.remove(f)
		if st.fits(e, s) {
			sp.place(e, s)
			okF := st.fits(f, from)
			sp.remove(e)
			if okF {
				sp.place(f, s)
				return f
			}
		}
		sp.place(f, s)
	}
	return -1
}

// dropLongRuns removes, from every run longer than MaxConsecutive that holds
// a meeting the solver placed, the lowest-weight such meeting, until no
// participant has one.
func (sp *spreader) dropLongRuns() {
	st, m := sp.st, sp.st.m
	n := len(m.sups) + len(m.buys)
	for i := range n {
		for range m.nS {
			worst := sp.worstInLongRun(i)
			if worst < 0 {
				break
			}
			sp.remove(worst)
			st.dropped[worst] = true
		}
	}
}

// worstInLongRun returns the lowest-weight placed meeting of participant
// i's first run over the limit, or -1.
func (sp *spreader) worstInLongRun(i int) int {
	m := sp.st.m
	start := -1
	for s := 0; s <= m.nS; s++ {
		busy := s < m.nS && (sp.at(i, s) >= 0 || sp.locked[i][s])
		if busy && start >= 0 && sp.day[s] != sp.day[s-1] {
			busy = false
			s--
		}
		if busy {
			if start < 0 {
				start = s
			}
			continue
		}
		if start >= 0 && s-start > sp.maxRun {
			var cands []int
			for x := start; x < s; x++ {
				if e := sp.at(i, x); e >= 0 {
					cands = append(cands, int(e))
				}
			}
			if len(cands) > 0 {
				return slices.MinFunc(cands, func(a, b int) int { return cmp.Compare(m.edges[a].w, m.edges[b].w) })
			}
		}
		start = -1
	}
	return -1
}

package schedule

import (
	"cmp"
	"slices"
)

// result turns a state into the public Result: locked meetings as given, new
// meetings with their tables, and a reason for every pair left out.
func (m *model) result(st *state, sel []bool) Result {
	r := Result{PriorityScheduled: m.lockedPri}
	r.Bound, r.ScoreBound = m.bounds(sel, m.levels(func(e int) bool { return st.at[e] >= 0 }))
	for _, lm := range m.p.Locked {
		lm.Locked = true
		r.Meetings = append(r.Meetings, lm)
	}
	r.Meetings = append(r.Meetings, m.seat(st)...)
	slices.SortFunc(r.Meetings, func(a, b Meeting) int {
		return cmp.Or(a.Slot-b.Slot, cmpBool(a.Booth != "", b.Booth != ""), a.Table-b.Table,
			cmp.Compare(a.Booth, b.Booth))
	})
	for _, x := range r.Meetings {
		r.Objective += x.Score
	}
	r.Unscheduled = slices.Clone(m.rejected)
	for e, s := range st.at {
		switch {
		case s >= 0 && m.edges[e].priority:
			r.PriorityScheduled++
		case s < 0:
			ed := &m.edges[e]
			r.Unscheduled = append(r.Unscheduled, Unscheduled{Pair: ed.pair, Priority: ed.priority, Reason: st.why(e)})
		}
	}
	slices.SortFunc(r.Unscheduled, func(a, b Unscheduled) int {
		return cmp.Or(cmpPair(a.Pair, b.Pair), cmpBool(a.Priority, b.Priority), cmp.Compare(a.Reason, b.Reason))
	})
	for i, x := range m.sups {
		if st.supN[i] < x.need {
			r.BelowFloor = append(r.BelowFloor, x.id)
		}
	}
	return r
}

// seat gives each placed meeting its booth or a table: the table its
// supplier, else its buyer, sat at in the slot before when free (fewer walks
// across the hall), else the lowest free one.
func (m *model) seat(st *state) []Meeting {
	used := make([][]bool, m.nS)
	for s := range used {
		used[s] = make([]bool, m.p.Tables+1)
	}
	prevS, prevB := map[int]int{}, map[int]int{} // participant -> table in slot s-1
	lockedAt := make([][]Meeting, m.nS)
	for _, lm := range m.p.Locked {
		used[lm.Slot][lm.Table] = true
		lockedAt[lm.Slot] = append(lockedAt[lm.Slot], lm)
	}
	bySlot := make([][]int, m.nS)
	for e, s := range st.at {
		if s >= 0 {
			bySlot[s] = append(bySlot[s], e)
		}
	}
	var out []Meeting
	for s := range m.nS {
		curS, curB := map[int]int{}, map[int]int{}
		for _, lm := range lockedAt[s] {
			if lm.Table > 0 {
				curS[find(m.sups, lm.Supplier)], curB[find(m.buys, lm.Buyer)] = lm.Table, lm.Table
			}
		}
		for _, e := range bySlot[s] {
			ed := &m.edges[e]
			mt := Meeting{Slot: s, Start: m.p.Slots[s].Start, Supplier: ed.pair.Supplier, Buyer: ed.pair.Buyer,
				Demand: ed.pair.Demand, Score: ed.pair.Score}
			if b := m.sups[ed.sup].booth; b != "" {
				mt.Booth = b
				out = append(out, mt)
				continue
			}
			t := 0
			for _, c := range []int{prevS[ed.sup], prevB[ed.buy]} {
				if c > 0 && !used[s][c] {
					t = c
					break
				}
			}
			for c := 1; t == 0 && c <= m.p.Tables; c++ {
				if !used[s][c] {
					t = c
				}
			}
			used[s][t] = true
			mt.Table = t
			curS[ed.sup], curB[ed.buy] = t, t
			out = append(out, mt)
		}
		prevS, prevB = curS, curB
	}
	return out
}

// why explains an unplaced edge from the final state.
func (st *state) why(e int) Reason {
	m := st.m
	ed := &m.edges[e]
	sp, bp := &m.sups[ed.sup], &m.buys[ed.buy]
	switch {
	case st.dropped[e]:
		return TooManyInARow
	case st.supN[ed.sup] >= sp.cap:
		return SupplierCapReached
	case st.buyN[ed.buy] >= bp.cap:
		return BuyerCapReached
	}
	noTable, noInterp := false, false
	for _, s32 := range ed.slots {
		s := int(s32)
		if st.supAt[ed.sup*m.nS+s] >= 0 || st.buyAt[ed.buy*m.nS+s] >= 0 {
			continue
		}
		if sp.booth == "" && st.tables[s] >= m.tablesFree[s] {
			noTable = true
		} else {
			noInterp = true
		}
	}
	switch {
	case noTable:
		return NoTable
	case noInterp:
		return NoInterpreter
	}
	return NoFreeSlot
}

package schedule

import "slices"

// gainOf is what placing e (now unplaced) adds to the objective.
func (st *state) gainOf(e int) int64 {
	ed := &st.m.edges[e]
	g := ed.w
	if st.supN[ed.sup] < st.m.sups[ed.sup].need {
		g += st.m.f
	}
	return g
}

// lossOf is what removing e (now placed) takes from the objective.
func (st *state) lossOf(e int) int64 {
	ed := &st.m.edges[e]
	l := ed.w
	if st.supN[ed.sup] <= st.m.sups[ed.sup].need {
		l += st.m.f
	}
	return l
}

// move is one placement change, kept to undo a trial.
type move struct {
	e, from, to int32 // slots, -1 for unplaced
}

// trial applies changes to the state and tracks the objective's change, so
// that a neighbourhood move can be tried and undone.
type trial struct {
	st    *state
	delta int64
	log   []move
}

func (t *trial) remove(e int) {
	t.delta -= t.st.lossOf(e)
	t.log = append(t.log, move{int32(e), t.st.at[e], -1})
	t.st.remove(e)
}

func (t *trial) place(e, s int) {
	t.delta += t.st.gainOf(e)
	t.log = append(t.log, move{int32(e), -1, int32(s)})
	t.st.place(e, s)
}

// relocate moves placed e to the first other slot where it fits.
func (t *trial) relocate(e int) bool {
	from := int(t.st.at[e])
	t.remove(e)
	for _, s := range t.st.m.edges[e].slots {
		if int(s) != from && t.st.fits(e, int(s)) {
			t.place(e, int(s))
			return true
		}
	}
	return false
}

func (t *trial) undo() {
	for i := len(t.log) - 1; i >= 0; i-- {
		mv := t.log[i]
		if mv.to >= 0 {
			t.st.remove(int(mv.e))
		}
		if mv.from >= 0 {
			t.st.place(int(mv.e), int(mv.from))
		}
	}
	t.log, t.delta = t.log[:0], 0
}

// eject tries to bring in each unplaced pair, heaviest first: in each slot
// where both firms are available it clears the way (their meetings there,
// a meeting of a firm at its cap, a meeting holding the last table or
// interpreter), puts the pair in, and moves what it displaced to other slots
// where it fits or drops it. The change is kept only when the objective
// rises. These are moves across two slots at once, which the one-slot
// refill of improve cannot make.
func (st *state) eject() bool {
	m := st.m
	var order []int
	for e := range m.edges {
		if st.at[e] < 0 {
			order = append(order, e)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpInt64(m.edges[b].w, m.edges[a].w) })
	t := &trial{st: st}
	improved := false
	for _, e := range order {
		ed := &m.edges[e]
		if st.at[e] >= 0 || m.sups[ed.sup].cap == 0 || m.buys[ed.buy].cap == 0 {
			continue
		}
		for _, s := range ed.slots {
			if t.bringIn(e, int(s)) {
				improved = true
				break
			}
		}
	}
	return improved
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// bringIn tries to place e in slot s as described in eject.
func (t *trial) bringIn(e, s int) bool {
	st, m := t.st, t.st.m
	ed := &m.edges[e]
	nS := m.nS
	var displaced []int
	for _, x := range []int32{st.supAt[ed.sup*nS+s], st.buyAt[ed.buy*nS+s]} {
		if x >= 0 && !slices.Contains(displaced, int(x)) {
			displaced = append(displaced, int(x))
			t.remove(int(x))
		}
	}
	if st.supN[ed.sup] >= m.sups[ed.sup].cap {
		if x := st.lightest(m.supEdges[ed.sup]); x >= 0 {
			displaced = append(displaced, x)
			t.remove(x)
		}
	}
	if st.buyN[ed.buy] >= m.buys[ed.buy].cap {
		if x := st.lightest(m.buyEdges[ed.buy]); x >= 0 {
			displaced = append(displaced, x)
			t.remove(x)
		}
	}
	if !st.fits(e, s) && !t.makeRoom(e, s) {
		t.undo()
		return false
	}
	t.place(e, s)
	for _, x := range displaced {
		for _, s2 := range m.edges[x].slots {
			if st.fits(x, int(s2)) {
				t.place(x, int(s2))
				break
			}
		}
	}
	if t.delta > 0 {
		t.log, t.delta = t.log[:0], 0
		return true
	}
	t.undo()
	return false
}

// makeRoom frees the table or interpreter e needs in slot s by moving one
// meeting of that slot elsewhere.
func (t *trial) makeRoom(e, s int) bool {
	st, m := t.st, t.st.m
	ed := &m.edges[e]
	needTable := m.sups[ed.sup].booth == "" && st.tables[s] >= m.tablesFree[s]
	lang := m.buys[ed.buy].lang
	needInterp := lang >= 0 && st.interp[lang][s] >= m.interp[lang][s]
	if st.supAt[ed.sup*m.nS+s] >= 0 || st.buyAt[ed.buy*m.nS+s] >= 0 ||
		st.supN[ed.sup] >= m.sups[ed.sup].cap || st.buyN[ed.buy] >= m.buys[ed.buy].cap || needTable && needInterp {
		return false
	}
	for _, x := range m.slotEdges[s] {
		if int(st.at[x]) != s {
			continue
		}
		xd := &m.edges[x]
		if needTable && m.sups[xd.sup].booth != "" || needInterp && m.buys[xd.buy].lang != lang {
			continue
		}
		n := len(t.log)
		d := t.delta
		if t.relocate(int(x)) && st.fits(e, s) {
			return true
		}
		// Undo just this relocation.
		for len(t.log) > n {
			mv := t.log[len(t.log)-1]
			t.log = t.log[:len(t.log)-1]
			if mv.to >= 0 {
				st.remove(int(mv.e))
			}
			if mv.from >= 0 {
				st.place(int(mv.e), int(mv.from))
			}
		}
		t.delta = d
	}
	return false
}

// lightest is the placed edge among edges that weighs least, or -1.
func (st *state) lightest(edges []int32) int {
	best := -1
	for _, e := range edges {
		if st.at[e] >= 0 && (best < 0 || st.m.edges[e].w < st.m.edges[best].w) {
			best = int(e)
		}
	}
	return best
}

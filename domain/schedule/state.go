package schedule

import "slices"

// state is a schedule under construction: the locked meetings are already
// subtracted in the model, state holds the edges placed on top of them.
type state struct {
	m            *model
	supAt, buyAt []int32      // [participant*nS+slot] edge placed there, or -1
	at           []int32      // per edge, its slot or -1
	supN, buyN   []int        // meetings placed per participant
	tables       []int        // tables used per slot
	interp       [][]int      // interpreters used per language and slot
	dropped      map[int]bool // edges taken out to keep MaxConsecutive
}

func newState(m *model) *state {
	st := &state{
		m:       m,
		supAt:   filled(len(m.sups)*m.nS, -1),
		buyAt:   filled(len(m.buys)*m.nS, -1),
		at:      filled(len(m.edges), -1),
		supN:    make([]int, len(m.sups)),
		buyN:    make([]int, len(m.buys)),
		tables:  make([]int, m.nS),
		interp:  make([][]int, len(m.langs)),
		dropped: map[int]bool{},
	}
	for i := range st.interp {
		st.interp[i] = make([]int, m.nS)
	}
	return st
}

func filled(n int, v int32) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// fits reports whether edge e can be placed in slot s now.
func (st *state) fits(e, s int) bool {
	m := st.m
	ed := &m.edges[e]
	sp, bp := &m.sups[ed.sup], &m.buys[ed.buy]
	switch {
	case st.at[e] >= 0, !sp.free[s], !bp.free[s],
		st.supAt[ed.sup*m.nS+s] >= 0, st.buyAt[ed.buy*m.nS+s] >= 0,
		st.supN[ed.sup] >= sp.cap, st.buyN[ed.buy] >= bp.cap,
		sp.booth == "" && st.tables[s] >= m.tablesFree[s],
		bp.lang >= 0 && st.interp[bp.lang][s] >= m.interp[bp.lang][s]:
		return false
	}
	return true
}

func (st *state) place(e, s int) {
	m := st.m
	ed := &m.edges[e]
	st.at[e] = int32(s)
	st.supAt[ed.sup*m.nS+s], st.buyAt[ed.buy*m.nS+s] = int32(e), int32(e)
	st.supN[ed.sup]++
	st.buyN[ed.buy]++
	if m.sups[ed.sup].booth == "" {
		st.tables[s]++
	}
	if l := m.buys[ed.buy].lang; l >= 0 {
		st.interp[l][s]++
	}
}

func (st *state) remove(e int) {
	m := st.m
	ed := &m.edges[e]
	s := int(st.at[e])
	st.at[e] = -1
	st.supAt[ed.sup*m.nS+s], st.buyAt[ed.buy*m.nS+s] = -1, -1
	st.supN[ed.sup]--
	st.buyN[ed.buy]--
	if m.sups[ed.sup].booth == "" {
		st.tables[s]--
	}
	if l := m.buys[ed.buy].lang; l >= 0 {
		st.interp[l][s]--
	}
}

// value is the lexicographic objective the optimiser maximises.
func (st *state) value() int64 {
	var v int64
	for e, s := range st.at {
		if s >= 0 {
			v += st.m.edges[e].w
		}
	}
	for i, x := range st.m.sups {
		v += st.m.f * int64(min(st.supN[i], x.need))
	}
	return v
}

// firstFit places e in the earliest slot it fits, if any.
func (st *state) firstFit(e int) bool {
	for _, s := range st.m.edges[e].slots {
		if st.fits(e, int(s)) {
			st.place(e, int(s))
			return true
		}
	}
	return false
}

// greedy is the baseline: accepted requests, then SMEs up to the floor, then
// every pair, each pass by descending score, each pair in its first slot
// that fits.
func greedy(m *model) *state {
	st := newState(m)
	order := make([]int, len(m.edges))
	for i := range order {
		order[i] = i
	}
	// Edges are sorted by supplier and buyer id; a stable sort keeps that
	// as the tie-break.
	slices.SortStableFunc(order, func(a, b int) int { return m.edges[b].pair.Score - m.edges[a].pair.Score })
	for _, e := range order {
		if m.edges[e].priority {
			st.firstFit(e)
		}
	}
	for _, e := range order {
		if i := m.edges[e].sup; st.supN[i] < m.sups[i].need {
			st.firstFit(e)
		}
	}
	for _, e := range order {
		st.firstFit(e)
	}
	return st
}

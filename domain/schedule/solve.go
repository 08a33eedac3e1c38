package schedule

// Solve returns a schedule that keeps every constraint and maximises, in this
// order, the number of accepted requests met, the meetings owed to SMEs under
// the floor, the sum of scores and the number of meetings. It never does worse
// than Greedy on that order. It is deterministic and safe for concurrent use
// (it shares nothing between calls). An invalid problem yields a
// *domain.ValidationError.
//
// The method, in three steps (docs/scheduling.md):
//  1. a max-weight flow over suppliers, pairs and buyers, with caps, tables
//     and interpreters summed over the event, chooses which pairs meet: the
//     relaxation that drops the slot structure;
//  2. the chosen pairs are spread over the slots, one max-weight matching
//     per slot, urgent participants (as many meetings left as free slots)
//     first;
//  3. local search with two neighbourhoods, until neither improves: each
//     slot in turn emptied and refilled by an exact max-weight matching over
//     all pairs (kept only when it improves), and ejection moves that bring
//     an unscheduled pair in by moving or dropping the meetings in its way.
func Solve(p Problem) (Result, error) {
	m, err := newModel(&p)
	if err != nil {
		return Result{}, err
	}
	sel, _ := m.relax(true)
	var net slotNet
	st := newState(m)
	st.colour(sel, &net)
	st.search(&net)
	if g := greedy(m); g.value() > st.value() {
		g.search(&net)
		st = g
	}
	st.spread()
	return m.result(st, sel), nil
}

// Greedy is the baseline Solve is measured against: accepted requests, then
// SMEs up to the floor, then all pairs, each pass by descending score (ties
// by supplier and buyer id), each pair in the earliest slot where it fits.
// Its bounds are computed as Solve's. Deterministic and safe for concurrent
// use.
func Greedy(p Problem) (Result, error) {
	m, err := newModel(&p)
	if err != nil {
		return Result{}, err
	}
	sel, _ := m.relax(true)
	st := greedy(m)
	st.spread()
	return m.result(st, sel), nil
}

// maxRounds caps the improvement sweeps; each sweep that changes anything
// raises the objective, so this only bounds the running time.
const maxRounds = 50

// relax solves the relaxation without slots: a max-weight flow from the
// source through tables (or booths) and suppliers, over the pair arcs, through
// buyers and interpreter pools to the sink. Capacities are the caps, the
// participants' usable slots, and tables and interpreters summed over all
// slots. With lex, arcs carry the lexicographic weights (requests, floor,
// score); without, only score*q+1. It returns the pairs carrying flow and the
// flow's weight.
func (m *model) relax(lex bool) ([]bool, int64) {
	const src, sink, hub = 0, 1, 2
	nL := len(m.langs)
	base := 3 + nL
	var g network
	g.init(base + len(m.sups) + len(m.buys))
	tables := 0
	for s := range m.nS {
		tables += m.tablesFree[s]
	}
	g.arc(src, hub, tables, 0)
	for l := range nL {
		sum := 0
		for _, c := range m.interp[l] {
			sum += c
		}
		g.arc(3+l, sink, sum, 0)
	}
	supSlots, buySlots := m.usableSlots()
	for i, x := range m.sups {
		from := hub
		if x.booth != "" {
			from = src
		}
		c := min(x.cap, supSlots[i])
		k := 0
		if lex {
			k = min(x.need, c)
			g.arc(from, base+i, k, -m.f)
		}
		g.arc(from, base+i, c-k, 0)
	}
	for j, x := range m.buys {
		to := sink
		if x.lang >= 0 {
			to = 3 + x.lang
		}
		g.arc(base+len(m.sups)+j, to, min(x.cap, buySlots[j]), 0)
	}
	arcs := make([]int, len(m.edges))
	for e, ed := range m.edges {
		w := int64(ed.pair.Score)*m.q + 1
		if lex {
			w = ed.w
		}
		arcs[e] = g.arc(base+ed.sup, base+len(m.sups)+ed.buy, 1, -w)
	}
	v := g.maxWeight(src, sink)
	sel := make([]bool, len(m.edges))
	for e, a := range arcs {
		sel[e] = g.flow(a) > 0
	}
	return sel, v
}

// usableSlots counts, per participant, the slots in which at least one of
// its pairs could meet: no schedule gives it more meetings than that.
func (m *model) usableSlots() (sup, buy []int) {
	seenS := make([]bool, len(m.sups)*m.nS)
	seenB := make([]bool, len(m.buys)*m.nS)
	sup, buy = make([]int, len(m.sups)), make([]int, len(m.buys))
	for _, e := range m.edges {
		for _, s := range e.slots {
			if k := e.sup*m.nS + int(s); !seenS[k] {
				seenS[k] = true
				sup[e.sup]++
			}
			if k := e.buy*m.nS + int(s); !seenB[k] {
				seenB[k] = true
				buy[e.buy]++
			}
		}
	}
	return sup, buy
}

// levels are what a set of placed pairs achieves, in the objective's order:
// accepted requests met, meetings owed to SMEs under the floor, score.
type levels struct{ priority, floor, score int }

func (m *model) levels(placed func(e int) bool) levels {
	var l levels
	n := make([]int, len(m.sups))
	for e := range m.edges {
		if !placed(e) {
			continue
		}
		ed := &m.edges[e]
		n[ed.sup]++
		l.score += ed.pair.Score
		if ed.priority {
			l.priority++
		}
	}
	for i, x := range m.sups {
		l.floor += min(n[i], x.need)
	}
	return l
}

// bounds returns the upper bounds of a schedule achieving got (see
// Result.Bound and Result.ScoreBound), given the pairs sel the lexicographic
// relaxation chose. Both add the locked meetings' scores.
func (m *model) bounds(sel []bool, got levels) (bound, score int) {
	lex := m.levels(func(e int) bool { return sel[e] })
	plain := m.f == 0
	for _, e := range m.edges {
		plain = plain && !e.priority
	}
	score = lex.score
	if !plain {
		_, v := m.relax(false)
		score = int(v / m.q)
	}
	bound = score
	if got.priority == lex.priority && got.floor == lex.floor {
		bound = lex.score
	}
	for _, lm := range m.p.Locked {
		bound += lm.Score
		score += lm.Score
	}
	return bound, score
}

// colour spreads the pairs chosen by the relaxation over the slots, slot by
// slot: a max-weight matching that places as many as the slot holds,
// preferring participants whose remaining chosen pairs fill their remaining
// free slots (they cannot wait), then higher scores.
func (st *state) colour(sel []bool, net *slotNet) {
	m := st.m
	dS, dB := make([]int, len(m.sups)), make([]int, len(m.buys))
	for e, ok := range sel {
		if ok {
			dS[m.edges[e].sup]++
			dB[m.edges[e].buy]++
		}
	}
	rS, rB := freeCounts(m.sups, m.nS), freeCounts(m.buys, m.nS)
	const most, tight = 1 << 40, 1 << 20
	urgency := func(d, r int) int64 {
		switch {
		case r <= 0 || d <= 0:
			return 0
		case d >= r:
			return tight
		}
		return int64(1000 * d / r)
	}
	var cand []int32
	for s := range m.nS {
		cand = cand[:0]
		for _, e := range m.slotEdges[s] {
			if sel[e] && st.fits(int(e), s) {
				cand = append(cand, e)
			}
		}
		chosen, _ := net.solve(st, s, cand, func(e int32) int64 {
			ed := &m.edges[e]
			return most + urgency(dS[ed.sup], rS[ed.sup]) + urgency(dB[ed.buy], rB[ed.buy]) + int64(ed.pair.Score)
		}, func(int) int64 { return 0 })
		for _, e := range chosen {
			st.place(int(e), s)
			dS[m.edges[e].sup]--
			dB[m.edges[e].buy]--
		}
		for i := range m.sups {
			if m.sups[i].free[s] {
				rS[i]--
			}
		}
		for j := range m.buys {
			if m.buys[j].free[s] {
				rB[j]--
			}
		}
	}
}

func freeCounts(ps []part, nS int) []int {
	r := make([]int, len(ps))
	for i, x := range ps {
		for s := range nS {
			if x.free[s] {
				r[i]++
			}
		}
	}
	return r
}

// search alternates the two neighbourhoods until neither improves.
func (st *state) search(net *slotNet) {
	for range maxRounds {
		st.improve(net, maxRounds)
		if !st.eject() {
			return
		}
	}
}

// improve empties and refills one slot at a time with an exact max-weight
// matching over every pair that could meet there, given the other slots, and
// keeps the refill only when it raises the objective. It stops after a sweep
// with no gain (a local optimum for single-slot moves) or maxRounds sweeps.
func (st *state) improve(net *slotNet, rounds int) {
	for range rounds {
		gained := false
		for s := range st.m.nS {
			if st.reopt(net, s) {
				gained = true
			}
		}
		if !gained {
			return
		}
	}
}

func (st *state) reopt(net *slotNet, s int) bool {
	m := st.m
	var old, cand []int32
	var before int64
	for _, e := range m.slotEdges[s] {
		if int(st.at[e]) == s {
			old = append(old, e)
			ed := &m.edges[e]
			before += ed.w
			if st.supN[ed.sup] <= m.sups[ed.sup].need {
				before += m.f
			}
		}
	}
	for _, e := range old {
		st.remove(int(e))
	}
	for _, e := range m.slotEdges[s] {
		if st.fits(int(e), s) {
			cand = append(cand, e)
		}
	}
	chosen, after := net.solve(st, s, cand, func(e int32) int64 { return m.edges[e].w }, func(i int) int64 {
		if st.supN[i] < m.sups[i].need {
			return m.f
		}
		return 0
	})
	keep := after > before
	if !keep {
		chosen = old
	}
	for _, e := range chosen {
		st.place(int(e), s)
	}
	return keep
}

// slotNet solves one slot exactly: a max-weight matching between the free
// suppliers and buyers over the candidate pairs, limited by the slot's free
// tables (suppliers with a booth need none) and interpreters.
type slotNet struct {
	g                network
	supNode, buyNode []int32
	arcs             []int
}

func (n *slotNet) solve(st *state, s int, cand []int32, weight func(int32) int64, bonus func(int) int64) ([]int32, int64) {
	m := st.m
	const src, sink, hub = 0, 1, 2
	if len(n.supNode) != len(m.sups) || len(n.buyNode) != len(m.buys) {
		n.supNode, n.buyNode = filled(len(m.sups), -1), filled(len(m.buys), -1)
	}
	g := &n.g
	g.init(3 + len(m.langs))
	g.arc(src, hub, m.tablesFree[s]-st.tables[s], 0)
	for l := range m.langs {
		g.arc(3+l, sink, m.interp[l][s]-st.interp[l][s], 0)
	}
	n.arcs = n.arcs[:0]
	for _, e := range cand {
		ed := &m.edges[e]
		if n.supNode[ed.sup] < 0 {
			v := g.addNode()
			n.supNode[ed.sup] = int32(v)
			from := hub
			if m.sups[ed.sup].booth != "" {
				from = src
			}
			g.arc(from, v, 1, -bonus(ed.sup))
		}
		if n.buyNode[ed.buy] < 0 {
			v := g.addNode()
			n.buyNode[ed.buy] = int32(v)
			to := sink
			if l := m.buys[ed.buy].lang; l >= 0 {
				to = 3 + l
			}
			g.arc(v, to, 1, 0)
		}
		n.arcs = append(n.arcs, g.arc(int(n.supNode[ed.sup]), int(n.buyNode[ed.buy]), 1, -weight(e)))
	}
	v := g.maxWeight(src, sink)
	var chosen []int32
	for k, e := range cand {
		if g.flow(n.arcs[k]) > 0 {
			chosen = append(chosen, e)
		}
		n.supNode[m.edges[e].sup], n.buyNode[m.edges[e].buy] = -1, -1
	}
	return chosen, v
}

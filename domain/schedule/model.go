package schedule

import (
	"bytes"
	"cmp"
	"math"
	"slices"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// part is a participant as the solvers see it, after locked meetings took
// their share.
type part struct {
	id     uuid.UUID
	cap    int    // meetings still allowed beyond the locked ones
	locked int    // locked meetings
	free   []bool // per slot: available and not in a locked meeting
	need   int    // floor meetings still owed (SMEs only), <= cap
	lang   int    // index into model.langs, -1 for none
	booth  string
}

// edge is a candidate supplier-buyer pair that could meet in some slot.
type edge struct {
	sup, buy int
	pair     Pair
	priority bool
	w        int64   // lexicographic weight: priority, then score, then count
	slots    []int32 // slots where both are free and a place exists
}

// model is a Problem prepared for the solvers: participants indexed and
// sorted by id, pairs deduplicated and sorted, locked meetings subtracted.
type model struct {
	p          *Problem
	nS         int
	sups, buys []part
	edges      []edge
	slotEdges  [][]int32 // per slot, the edges that may meet there
	supEdges   [][]int32 // per supplier, its edges
	buyEdges   [][]int32 // per buyer, its edges
	tablesFree []int     // per slot, tables not used by locked meetings
	langs      []Language
	interp     [][]int // per language and slot, interpreters not locked
	rejected   []Unscheduled
	q, f       int64 // weight of a score point, of a floor meeting
	lockedPri  int   // priority pairs met by locked meetings
}

func newModel(p *Problem) (*model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	m := &model{p: p, nS: len(p.Slots)}
	m.indexParticipants()
	m.lockMeetings()
	m.buildEdges()
	if err := m.weigh(); err != nil {
		return nil, err
	}
	return m, nil
}

func cmpID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

func (m *model) indexParticipants() {
	ps := slices.Clone(m.p.Participants)
	slices.SortFunc(ps, func(a, b Participant) int { return cmpID(a.ID, b.ID) })
	langs := map[Language]bool{}
	for l := range m.p.Interpreters {
		langs[l] = true
	}
	for _, x := range ps {
		if x.Interpreter != "" {
			langs[x.Interpreter] = true
		}
	}
	for l := range langs {
		m.langs = append(m.langs, l)
	}
	slices.Sort(m.langs)
	m.interp = make([][]int, len(m.langs))
	for i, l := range m.langs {
		m.interp[i] = make([]int, m.nS)
		copy(m.interp[i], m.p.Interpreters[l])
	}
	for _, x := range ps {
		pt := part{id: x.ID, cap: x.Cap, free: make([]bool, m.nS), lang: -1, booth: x.Booth}
		for s := range pt.free {
			pt.free[s] = true
		}
		for _, s := range x.Unavailable {
			pt.free[s] = false
		}
		if x.Interpreter != "" {
			pt.lang, _ = slices.BinarySearch(m.langs, x.Interpreter)
		}
		if x.SME {
			pt.need = min(m.p.Floor, x.Cap)
		}
		if x.Role == Supplier {
			m.sups = append(m.sups, pt)
		} else {
			m.buys = append(m.buys, pt)
		}
	}
	m.tablesFree = make([]int, m.nS)
	for s := range m.tablesFree {
		m.tablesFree[s] = m.p.Tables
	}
}

func find(ps []part, id uuid.UUID) int {
	i, ok := slices.BinarySearchFunc(ps, id, func(x part, id uuid.UUID) int { return cmpID(x.id, id) })
	if !ok {
		return -1
	}
	return i
}

func (m *model) lockMeetings() {
	for _, lm := range m.p.Locked {
		s, b := &m.sups[find(m.sups, lm.Supplier)], &m.buys[find(m.buys, lm.Buyer)]
		for _, x := range []*part{s, b} {
			x.free[lm.Slot] = false
			x.locked++
		}
		if lm.Booth == "" {
			m.tablesFree[lm.Slot] = max(0, m.tablesFree[lm.Slot]-1)
		}
		if b.lang >= 0 {
			m.interp[b.lang][lm.Slot] = max(0, m.interp[b.lang][lm.Slot]-1)
		}
	}
	for _, ps := range [][]part{m.sups, m.buys} {
		for i := range ps {
			x := &ps[i]
			x.need = max(0, x.need-x.locked)
			x.cap = max(0, x.cap-x.locked)
		}
	}
}

type candidate struct {
	Pair
	priority bool
}

func cmpPair(a, b Pair) int {
	return cmp.Or(cmpID(a.Supplier, b.Supplier), cmpID(a.Buyer, b.Buyer), cmpID(a.Demand, b.Demand))
}

// buildEdges merges pairs and priority pairs: one edge per supplier-buyer,
// the best-scoring demand kept, the rest reported as duplicates.
func (m *model) buildEdges() {
	cs := make([]candidate, 0, len(m.p.Pairs)+len(m.p.Priority))
	for _, x := range m.p.Pairs {
		cs = append(cs, candidate{x, false})
	}
	for _, x := range m.p.Priority {
		cs = append(cs, candidate{x, true})
	}
	// Within a supplier-buyer group: priority first, best score, smallest demand.
	slices.SortFunc(cs, func(a, b candidate) int {
		return cmp.Or(cmpID(a.Supplier, b.Supplier), cmpID(a.Buyer, b.Buyer),
			-cmpBool(a.priority, b.priority), b.Score-a.Score, cmpID(a.Demand, b.Demand))
	})
	locked := map[[2]uuid.UUID]uuid.UUID{}
	for _, lm := range m.p.Locked {
		locked[[2]uuid.UUID{lm.Supplier, lm.Buyer}] = lm.Demand
	}
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && cs[j].Supplier == cs[i].Supplier && cs[j].Buyer == cs[i].Buyer {
			j++
		}
		m.addGroup(cs[i:j], locked)
		i = j
	}
	m.slotEdges = make([][]int32, m.nS)
	m.supEdges, m.buyEdges = make([][]int32, len(m.sups)), make([][]int32, len(m.buys))
	for e, ed := range m.edges {
		for _, s := range ed.slots {
			m.slotEdges[s] = append(m.slotEdges[s], int32(e))
		}
		m.supEdges[ed.sup] = append(m.supEdges[ed.sup], int32(e))
		m.buyEdges[ed.buy] = append(m.buyEdges[ed.buy], int32(e))
	}
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func (m *model) addGroup(g []candidate, locked map[[2]uuid.UUID]uuid.UUID) {
	priority := false
	for _, c := range g {
		priority = priority || c.priority
	}
	reject := func(c candidate, r Reason) {
		m.rejected = append(m.rejected, Unscheduled{Pair: c.Pair, Priority: c.priority, Reason: r})
	}
	si, bi := find(m.sups, g[0].Supplier), find(m.buys, g[0].Buyer)
	if si < 0 || bi < 0 {
		for _, c := range g {
			reject(c, NotRegistered)
		}
		return
	}
	if d, ok := locked[[2]uuid.UUID{g[0].Supplier, g[0].Buyer}]; ok {
		if priority {
			m.lockedPri++
		}
		for _, c := range g {
			if c.Demand != d {
				reject(c, DuplicatePair)
			}
		}
		return
	}
	best := g[0]
	best.priority = priority
	for _, c := range g[1:] {
		if c.Pair != best.Pair {
			reject(c, DuplicatePair)
		}
	}
	e := edge{sup: si, buy: bi, pair: best.Pair, priority: priority}
	sp, bp := &m.sups[si], &m.buys[bi]
	for s := range m.nS {
		if sp.free[s] && bp.free[s] && (sp.booth != "" || m.tablesFree[s] > 0) &&
			(bp.lang < 0 || m.interp[bp.lang][s] > 0) {
			e.slots = append(e.slots, int32(s))
		}
	}
	if len(e.slots) == 0 {
		reject(best, NoCommonSlot)
		return
	}
	m.edges = append(m.edges, e)
}

// weigh sets lexicographic weights so that one accepted request outweighs any
// number of floor meetings, one floor meeting any sum of scores, and one
// score point any number of extra meetings.
func (m *model) weigh() error {
	places := 0
	for s := range m.nS {
		places += m.tablesFree[s]
	}
	for _, x := range m.sups {
		if x.booth != "" {
			places += m.nS
		}
	}
	most := int64(min(len(m.edges), places)) // meetings a schedule can hold
	m.q = most + 1
	wsum := most * (100*m.q + 1)
	floorUnits := int64(0)
	for _, x := range m.sups {
		floorUnits += int64(x.need)
	}
	floorUnits = min(floorUnits, most)
	if floorUnits > 0 {
		m.f = wsum + 1
	}
	p := int64(0)
	hasPriority := false
	for _, e := range m.edges {
		hasPriority = hasPriority || e.priority
	}
	if hasPriority {
		p = m.f*floorUnits + wsum + 1
	}
	total := float64(p)*float64(most) + float64(m.f)*float64(floorUnits) + float64(wsum)
	if total > math.MaxInt64/64 {
		return domain.Errorf(domain.ErrInvalid, "schedule problem too large: %d candidate meetings", most)
	}
	for i := range m.edges {
		e := &m.edges[i]
		e.w = int64(e.pair.Score)*m.q + 1
		if e.priority {
			e.w += p
		}
	}
	return nil
}

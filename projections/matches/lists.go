package matches

import (
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
)

// A demand's stored list keeps one invariant: every supplier in it ranks
// before every supplier that passes the filters and is not in it (or, when
// complete, there is no such supplier). So its first matchListShown entries
// are exactly the first of the full ranking. Each change below keeps it:
// an entry may enter only ahead of the last one (unless complete), an entry
// that falls behind the others may leave, and a list left with fewer than
// matchListShown entries while others were cut is built again from every
// candidate.

// matchDelta collects what one event changed in the lists: the pairs whose
// rows must be rewritten or deleted, and, per list touched, its
// completeness and its shown suppliers before the event. It belongs to one
// event.
type matchDelta struct {
	model  *matchModel
	today  domain.Date
	pairs  map[*mxDemand]map[*mxSupplier]bool
	before map[*mxDemand]listState
}

// listState is what a list was before the event.
type listState struct {
	complete bool
	shown    []*mxSupplier // the first matchListShown
}

func newMatchDelta(m *matchModel, today domain.Date) *matchDelta {
	return &matchDelta{model: m, today: today,
		pairs: map[*mxDemand]map[*mxSupplier]bool{}, before: map[*mxDemand]listState{}}
}

// begin starts following d; call it before changing d's list.
func (x *matchDelta) begin(d *mxDemand) map[*mxSupplier]bool {
	ps, ok := x.pairs[d]
	if !ok {
		ps = map[*mxSupplier]bool{}
		x.pairs[d] = ps
		x.before[d] = listState{complete: d.complete, shown: d.shown()}
	}
	return ps
}

// shown lists the suppliers of the first matchListShown entries.
func (d *mxDemand) shown() []*mxSupplier {
	out := make([]*mxSupplier, min(len(d.list), matchListShown))
	for i := range out {
		out[i] = d.list[i].sup
	}
	return out
}

// touch marks the row of s in d for writing; call it before changing d.
func (x *matchDelta) touch(d *mxDemand, s *mxSupplier) {
	x.begin(d)[s] = true
}

// insert puts e at its place in d's list and cuts the list to
// matchListKept, which leaves it incomplete.
func (x *matchDelta) insert(d *mxDemand, e mxEntry) {
	x.touch(d, e.sup)
	i := sort.Search(len(d.list), func(i int) bool { return ranksBefore(e, d.list[i]) })
	d.list = slices.Insert(d.list, i, e)
	if len(d.list) > matchListKept {
		for _, cut := range d.list[matchListKept:] {
			x.touch(d, cut.sup)
		}
		clear(d.list[matchListKept:])
		d.list = d.list[:matchListKept]
		d.complete = false
	}
}

// offer inserts the entry of a supplier not in d's list if the invariant
// lets it in.
func (x *matchDelta) offer(d *mxDemand, e mxEntry) {
	if n := len(d.list); !d.complete && (n == 0 || !ranksBefore(e, d.list[n-1])) {
		return
	}
	x.insert(d, e)
}

// remove takes entry i out of d's list.
func (x *matchDelta) remove(d *mxDemand, i int) {
	x.touch(d, d.list[i].sup)
	d.list = slices.Delete(d.list, i, i+1)
}

// update gives the supplier of entry i its new best capability (found
// false: none passes). A score at least as high keeps the supplier ahead of
// everyone left out; a lower one may not, so the entry is offered again and
// the list topped up if it ran short.
func (x *matchDelta) update(d *mxDemand, i int, best mxEntry, found bool) {
	if found && best.score >= d.list[i].score {
		x.remove(d, i)
		x.insert(d, best)
		return
	}
	x.remove(d, i)
	if found {
		x.offer(d, best)
	}
	x.settle(d)
}

// settle builds d's list again if it holds too few entries to be sure of
// the ones shown. The entries it keeps are not rewritten.
func (x *matchDelta) settle(d *mxDemand) {
	if !d.complete && len(d.list) < matchListShown {
		x.build(d, false)
	}
}

// build makes d's list from every capability of the groups that can serve
// it, scoring them in parallel. With all unset, only the entries that
// entered, left or changed are marked for writing: d itself did not change.
func (x *matchDelta) build(d *mxDemand, all bool) {
	m := x.model
	x.begin(d)
	old := make(map[*mxSupplier]mxEntry, len(d.list))
	for _, e := range d.list {
		old[e.sup] = e
	}
	cands := m.cands[:0]
	for _, g := range matching.CompatibleGroups(d.spec.IndustryGroup) {
		cands = append(cands, m.capsBy[g]...)
	}
	scores := slices.Grow(m.scores[:0], len(cands))[:len(cands)]
	defer func() {
		clear(cands) // keep no capability alive
		m.cands, m.scores = cands[:0], scores[:0]
	}()
	parallel(len(cands), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if n, ok := matching.QuickScore(d.prep, cands[i].prep, x.today); ok {
				scores[i] = int16(n)
			} else {
				scores[i] = -1
			}
		}
	})
	m.epoch++
	var bests []*mxSupplier
	for i, c := range cands {
		if scores[i] < 0 {
			continue
		}
		e, s := mxEntry{sup: c.sup, cap: c, score: int(scores[i])}, c.sup
		switch {
		case s.mark != m.epoch:
			s.mark, s.best = m.epoch, e
			bests = append(bests, s)
		case betterCapability(e, s.best):
			s.best = e
		}
	}
	list := make([]mxEntry, len(bests))
	for i, s := range bests {
		list[i] = s.best
	}
	slices.SortFunc(list, func(a, b mxEntry) int {
		if ranksBefore(a, b) {
			return -1
		}
		return 1
	})
	d.complete = len(list) <= matchListKept
	d.list = slices.Clip(list[:min(len(list), matchListKept)])
	for _, e := range d.list {
		if o, ok := old[e.sup]; all || !ok || o.cap != e.cap || o.score != e.score {
			x.touch(d, e.sup)
		}
		delete(old, e.sup)
	}
	for s := range old {
		x.touch(d, s)
	}
}

// capabilityChanged updates the lists of every open demand that c, now or
// before its revision (in group was), can serve.
func (x *matchDelta) capabilityChanged(c *mxCap, was domain.IndustryGroup) {
	for _, d := range x.model.demandsServedBy(was, c.spec.IndustryGroup) {
		e, ok := d.score(c, x.today)
		i := d.find(c.sup)
		switch {
		case i < 0:
			if ok {
				x.offer(d, e)
			}
		case d.list[i].cap == c:
			if !ok || e.score < d.list[i].score {
				e, ok = d.bestOf(c.sup, x.today)
			}
			x.update(d, i, e, ok)
		case ok && betterCapability(e, d.list[i]):
			x.update(d, i, e, true)
		}
	}
}

// capabilityWithdrawn updates the lists where c, already dropped from the
// model, was its supplier's best.
func (x *matchDelta) capabilityWithdrawn(c *mxCap) {
	for _, d := range x.model.demandsServedBy(c.spec.IndustryGroup) {
		if i := d.find(c.sup); i >= 0 && d.list[i].cap == c {
			best, ok := d.bestOf(c.sup, x.today)
			x.update(d, i, best, ok)
		}
	}
}

// supplierChanged rescores every capability of s, whose facts changed,
// against the open demands they can serve.
func (x *matchDelta) supplierChanged(s *mxSupplier) {
	groups := make([]domain.IndustryGroup, 0, len(s.caps))
	for _, c := range s.caps {
		groups = append(groups, c.spec.IndustryGroup)
	}
	for _, d := range x.model.demandsServedBy(groups...) {
		best, ok := d.bestOf(s, x.today)
		if i := d.find(s); i >= 0 {
			x.update(d, i, best, ok)
		} else if ok {
			x.offer(d, best)
		}
	}
}

// parallel runs fn over [0, n) split across the CPUs; small n runs inline.
func parallel(n int, fn func(lo, hi int)) { parallelChunks(n, 512, fn) }

// parallelChunks is parallel with chunks of at least minChunk items.
func parallelChunks(n, minChunk int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/minChunk)
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(lo, min(lo+chunk, n))
	}
	wg.Wait()
}

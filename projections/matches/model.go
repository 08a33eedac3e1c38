package matches

import (
	"bytes"
	"slices"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/matching"
	"github.com/keylink/keylink/domain/supplier"
)

// Sizes of a demand's stored list. The API shows at most matchListShown
// suppliers; the projection keeps up to matchListKept so that a supplier
// leaving the list rarely forces the list to be rebuilt: only when fewer
// than matchListShown remain and others were left out.
const (
	matchListShown = MaxMatchLimit
	matchListKept  = matchListShown + matchListShown/5
)

// matchModel is the projection's state in memory: every active capability
// and open demand, prepared for scoring, indexed by industry group, and each
// open demand's stored list without its notes. It mirrors the match_* tables
// and is loaded from them whenever it may differ (see Matches.checked). It
// is not safe for concurrent use; only build scores in parallel, reading.
type matchModel struct {
	generation int64
	suppliers  map[uuid.UUID]*mxSupplier
	caps       map[uuid.UUID]*mxCap
	buyers     map[uuid.UUID]*mxBuyer
	demands    map[uuid.UUID]*mxDemand // open ones
	closed     map[uuid.UUID]bool
	capsBy     map[domain.IndustryGroup][]*mxCap
	demandsBy  map[domain.IndustryGroup][]*mxDemand
	epoch      uint64 // marks suppliers seen by one build or one write
	// scratch of build, reused: a list build allocates nothing per candidate
	cands  []*mxCap
	scores []int16
}

type mxSupplier struct {
	id                   uuid.UUID
	name, district, zone string
	keyProducts          int
	caps                 []*mxCap // active
	// scratch of build and writes: best is valid while mark == the model's
	// epoch
	mark uint64
	best mxEntry
}

type mxCap struct {
	id   uuid.UUID
	sup  *mxSupplier
	spec supplier.CapabilitySpec
	prep *matching.PreparedCapability
	slot int // index in capsBy[spec.IndustryGroup]
}

type mxBuyer struct {
	id                      uuid.UUID
	name, country, district string
}

type mxDemand struct {
	id       uuid.UUID
	buyerID  uuid.UUID
	spec     buyer.DemandSpec
	prep     *matching.PreparedDemand
	list     []mxEntry // best first, at most matchListKept
	complete bool      // list holds every supplier that passes the filters
	slot     int       // index in demandsBy[spec.IndustryGroup]
}

// mxEntry is one supplier in a demand's list, with its best capability.
type mxEntry struct {
	sup   *mxSupplier
	cap   *mxCap
	score int
}

func newMatchModel() *matchModel {
	return &matchModel{
		suppliers: map[uuid.UUID]*mxSupplier{},
		caps:      map[uuid.UUID]*mxCap{},
		buyers:    map[uuid.UUID]*mxBuyer{},
		demands:   map[uuid.UUID]*mxDemand{},
		closed:    map[uuid.UUID]bool{},
		capsBy:    map[domain.IndustryGroup][]*mxCap{},
		demandsBy: map[domain.IndustryGroup][]*mxDemand{},
	}
}

// ranksBefore is the list order: score descending, then supplier id.
func ranksBefore(a, b mxEntry) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return bytes.Compare(a.sup.id[:], b.sup.id[:]) < 0
}

// betterCapability is BestPerSupplier's choice between two capabilities of
// one supplier: the higher score, then the lower capability id.
func betterCapability(a, b mxEntry) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return bytes.Compare(a.cap.id[:], b.cap.id[:]) < 0
}

// servedBy lists, for a capability's group, the demand groups it can serve:
// the inverse of matching.CompatibleGroups.
func servedBy(g domain.IndustryGroup) []domain.IndustryGroup {
	var out []domain.IndustryGroup
	known := false
	for _, dg := range domain.IndustryGroups {
		known = known || dg == g
		if slices.Contains(matching.CompatibleGroups(dg), g) {
			out = append(out, dg)
		}
	}
	if !known { // CompatibleGroups serves an unknown group by itself
		out = append(out, g)
	}
	return out
}

// supplier returns the supplier, creating an empty one if its registration
// was never seen (it always is, as supplier streams start with it).
func (m *matchModel) supplier(id uuid.UUID) *mxSupplier {
	s, ok := m.suppliers[id]
	if !ok {
		s = &mxSupplier{id: id}
		m.suppliers[id] = s
	}
	return s
}

// prepare (re)builds the scoring form of a capability from its spec and its
// supplier's facts.
func (c *mxCap) prepare() {
	s, spec := c.sup, c.spec
	certs := make([]matching.Certification, len(spec.Certifications))
	for i, x := range spec.Certifications {
		certs[i] = matching.Certification{Standard: x.Standard, ValidUntil: x.ValidUntil}
	}
	var moq float64
	if spec.MOQ != nil {
		moq = *spec.MOQ
	}
	c.prep = matching.PrepareCapability(matching.Capability{
		SupplierID: s.id, SupplierName: s.name, CapabilityID: c.id,
		District: s.district, IndustrialZone: s.zone, KeyProducts: s.keyProducts,
		Title: spec.Title, Description: spec.Description, IndustryGroup: spec.IndustryGroup,
		VSIC: spec.VSIC, HSCodes: spec.HSCodes, Processes: spec.Processes, Materials: spec.Materials,
		Certifications: certs, Capacity: spec.Capacity, MOQ: moq, LeadTimeDays: spec.LeadTimeDays,
		ExportMarkets: spec.ExportMarkets,
	})
}

// prepare (re)builds the scoring form of a demand from its spec and its
// buyer's facts.
func (d *mxDemand) prepare(b *mxBuyer) {
	spec := d.spec
	var maxLead int
	if spec.MaxLeadTimeDays != nil {
		maxLead = *spec.MaxLeadTimeDays
	}
	md := matching.Demand{
		DemandID: d.id, BuyerID: d.buyerID,
		Title: spec.Title, Description: spec.Description, IndustryGroup: spec.IndustryGroup,
		VSIC: spec.VSIC, HSCodes: spec.HSCodes, Processes: spec.Processes, Materials: spec.Materials,
		RequiredCertifications: spec.RequiredCertifications, Volume: spec.Volume,
		MaxLeadTimeDays: maxLead, NeededBy: spec.NeededBy,
	}
	if b != nil {
		md.BuyerName, md.BuyerCountry, md.BuyerDistrict = b.name, b.country, b.district
	}
	d.prep = matching.PrepareDemand(md)
}

// putCap adds or replaces a capability and returns its previous group ("" if
// new).
func (m *matchModel) putCap(sid, cid uuid.UUID, spec supplier.CapabilitySpec) (*mxCap, domain.IndustryGroup) {
	if c, ok := m.caps[cid]; ok {
		old := c.spec.IndustryGroup
		m.unindexCap(c)
		c.spec = spec
		m.indexCap(c)
		c.prepare()
		return c, old
	}
	s := m.supplier(sid)
	c := &mxCap{id: cid, sup: s, spec: spec}
	m.caps[cid] = c
	s.caps = append(s.caps, c)
	m.indexCap(c)
	c.prepare()
	return c, ""
}

// dropCap removes a capability; its entries must be fixed by the caller.
func (m *matchModel) dropCap(c *mxCap) {
	delete(m.caps, c.id)
	m.unindexCap(c)
	c.sup.caps = slices.DeleteFunc(c.sup.caps, func(x *mxCap) bool { return x == c })
}

func (m *matchModel) indexCap(c *mxCap) {
	g := c.spec.IndustryGroup
	c.slot = len(m.capsBy[g])
	m.capsBy[g] = append(m.capsBy[g], c)
}

func (m *matchModel) unindexCap(c *mxCap) {
	g := c.spec.IndustryGroup
	xs := m.capsBy[g]
	last := xs[len(xs)-1]
	xs[c.slot], last.slot = last, c.slot
	m.capsBy[g] = xs[:len(xs)-1]
}

// putDemand adds or replaces an open demand; its list is left for the
// caller to build.
func (m *matchModel) putDemand(bid, did uuid.UUID, spec buyer.DemandSpec) *mxDemand {
	d, ok := m.demands[did]
	if ok {
		m.unindexDemand(d)
	} else {
		d = &mxDemand{id: did, buyerID: bid, complete: true}
		m.demands[did] = d
	}
	d.spec = spec
	m.indexDemand(d)
	d.prepare(m.buyers[bid])
	return d
}

func (m *matchModel) dropDemand(d *mxDemand) {
	delete(m.demands, d.id)
	m.closed[d.id] = true
	m.unindexDemand(d)
}

func (m *matchModel) indexDemand(d *mxDemand) {
	g := d.spec.IndustryGroup
	d.slot = len(m.demandsBy[g])
	m.demandsBy[g] = append(m.demandsBy[g], d)
}

func (m *matchModel) unindexDemand(d *mxDemand) {
	g := d.spec.IndustryGroup
	xs := m.demandsBy[g]
	last := xs[len(xs)-1]
	xs[d.slot], last.slot = last, d.slot
	m.demandsBy[g] = xs[:len(xs)-1]
}

// demandsServedBy returns the open demands that capabilities of the given
// groups can serve, each once, found through the group index.
func (m *matchModel) demandsServedBy(groups ...domain.IndustryGroup) []*mxDemand {
	var seen []domain.IndustryGroup
	var out []*mxDemand
	for _, g := range groups {
		if g == "" {
			continue
		}
		for _, dg := range servedBy(g) {
			if !slices.Contains(seen, dg) {
				seen = append(seen, dg)
				out = append(out, m.demandsBy[dg]...)
			}
		}
	}
	return out
}

// find returns the index of s in d's list, or -1.
func (d *mxDemand) find(s *mxSupplier) int {
	for i := range d.list {
		if d.list[i].sup == s {
			return i
		}
	}
	return -1
}

// score is the quick score of one capability for d on day today.
func (d *mxDemand) score(c *mxCap, today domain.Date) (mxEntry, bool) {
	n, ok := matching.QuickScore(d.prep, c.prep, today)
	return mxEntry{sup: c.sup, cap: c, score: n}, ok
}

// bestOf is s's best capability for d, if any passes the filters.
func (d *mxDemand) bestOf(s *mxSupplier, today domain.Date) (mxEntry, bool) {
	var best mxEntry
	found := false
	for _, c := range s.caps {
		if e, ok := d.score(c, today); ok && (!found || betterCapability(e, best)) {
			best, found = e, true
		}
	}
	return best, found
}

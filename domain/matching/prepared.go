package matching

import (
	"slices"
	"strings"

	"github.com/keylink/keylink/domain"
)

// PreparedDemand is a Demand with everything Score derives from it worked out
// once: folded and normalised terms, process and material keys, digit codes,
// certification keys, the buyer's place, each word numbered (see vocab). A
// projection that scores one demand against thousands of capabilities
// prepares each side once and calls QuickScore or ScorePrepared per pair. It
// is immutable after PrepareDemand and safe for concurrent use; changing the
// Demand's slices afterwards is not.
//
// What a pair reads comes first and the ids share one array, so that
// scoring a pair touches a few adjacent cache lines: at a city's scale the
// prepared forms do not fit in the CPU cache, and scattered fields cost more
// than the arithmetic.
type PreparedDemand struct {
	groupMask uint64 // bits of the known groups among groups
	volume    float64
	unit      uint32
	country   uint32 // 0: not given
	place     uint32 // 0: not given
	neededBy  int    // dayKey of NeededBy, 0 when absent
	maxLead   int
	closed    bool
	vsic      code
	terms     []uint32   // sorted ids
	processes [][]uint32 // keys of the requested processes, blank ones left out
	materials [][]uint32
	certs     []uint32 // base, edition per required standard
	hs        []uint32 // n, chapter, heading per code
	// For notes, Score's Match and the accessor.
	termRaws     []string // as first written, by index in terms
	processRaws  []string
	materialRaws []string
	certRaws     []string
	hsText       []string
	hsDigits     []string
	groups       []domain.IndustryGroup
	d            Demand
}

// PreparedCapability is a Capability with everything Score derives from it
// worked out once. The same rules as PreparedDemand apply.
type PreparedCapability struct {
	groupBit    uint64 // 0 for a group the city does not know
	quantity    float64
	moq         float64
	unit        uint32
	district    uint32
	zone        uint32
	lead        int
	keyProducts int
	withdrawn   bool
	vsic        code
	terms       []uint32
	processes   [][]uint32 // keys of the offered processes that can earn credit
	materials   [][]uint32
	markets     []uint32
	certs       []uint32 // base, edition, last valid day (0: unknown) per certificate
	hs          []uint32 // n, chapter, heading per code
	// For notes, Score's Match and the accessor.
	marketNames []string
	c           Capability
}

// groupBit is the bit of a known industry group, 0 for an unknown one.
func groupBit(g domain.IndustryGroup) uint64 {
	if i := slices.Index(domain.IndustryGroups, g); i >= 0 {
		return 1 << i
	}
	return 0
}

// PrepareDemand works out the derived forms of d.
func PrepareDemand(d Demand) *PreparedDemand {
	p := prepareDemandFilters(d)
	p.prepareScore()
	return p
}

// prepareDemandFilters works out what the hard filters need: cheap, so that
// Score can reject a pair before folding any text.
func prepareDemandFilters(d Demand) *PreparedDemand {
	p := &PreparedDemand{d: d, groups: CompatibleGroups(d.IndustryGroup), unit: intern(string(d.Volume.Unit)),
		volume: d.Volume.Quantity, maxLead: d.MaxLeadTimeDays, closed: d.Closed}
	for _, g := range p.groups {
		p.groupMask |= groupBit(g)
	}
	for _, r := range d.RequiredCertifications {
		if strings.TrimSpace(r) == "" {
			continue
		}
		base, edition := certKey(r)
		p.certs = append(p.certs, internOpt(base), internOpt(edition))
		p.certRaws = append(p.certRaws, r)
	}
	if d.NeededBy != nil {
		p.neededBy = dayKey(*d.NeededBy)
	}
	return p
}

// prepareScore works out what the soft score needs.
func (p *PreparedDemand) prepareScore() {
	d := p.d
	t := termList(d.Title + " " + d.Description)
	p.termRaws = t.raws
	p.processes, p.processRaws = wantedItems(d.Processes)
	p.materials, p.materialRaws = wantedItems(d.Materials)
	for _, c := range codes(d.HSCodes) {
		p.hs = append(p.hs, c.code.packed()...)
		p.hsText, p.hsDigits = append(p.hsText, c.text), append(p.hsDigits, c.digits)
	}
	p.vsic = codeOf(digits(d.VSIC))
	p.country = internOpt(strings.ToUpper(strings.TrimSpace(d.BuyerCountry)))
	p.place = internOpt(place(d.BuyerDistrict))
	p.terms = t.ids
	pack([]*[]uint32{&p.terms, &p.certs, &p.hs}, p.processes, p.materials)
}

// PrepareCapability works out the derived forms of c.
func PrepareCapability(c Capability) *PreparedCapability {
	p := prepareCapabilityFilters(c)
	p.prepareScore()
	return p
}

func prepareCapabilityFilters(c Capability) *PreparedCapability {
	p := &PreparedCapability{c: c, groupBit: groupBit(c.IndustryGroup), unit: intern(string(c.Capacity.Unit)),
		quantity: c.Capacity.Quantity, moq: c.MOQ, lead: c.LeadTimeDays, keyProducts: c.KeyProducts,
		withdrawn: c.Withdrawn}
	for _, h := range c.Certifications {
		base, edition := certKey(h.Standard)
		var until uint32
		if !h.ValidUntil.IsZero() {
			until = uint32(dayKey(h.ValidUntil))
		}
		p.certs = append(p.certs, internOpt(base), internOpt(edition), until)
	}
	return p
}

func (p *PreparedCapability) prepareScore() {
	c := p.c
	terms := termList(c.Title + " " + c.Description).ids
	p.processes = offeredItems(c.Processes)
	p.materials = offeredItems(c.Materials)
	for _, x := range codes(c.HSCodes) {
		p.hs = append(p.hs, x.code.packed()...)
	}
	p.vsic = codeOf(digits(c.VSIC))
	p.district = internOpt(place(c.District))
	p.zone = internOpt(place(c.IndustrialZone))
	for _, m := range c.ExportMarkets {
		if m = strings.ToUpper(strings.TrimSpace(m)); m != "" && !contains(p.marketNames, m) {
			p.marketNames = append(p.marketNames, m)
			p.markets = append(p.markets, intern(m))
		}
	}
	p.terms = terms
	pack([]*[]uint32{&p.terms, &p.markets, &p.certs, &p.hs}, p.processes, p.materials)
}

// pack moves the id slices of a prepared form into one array, so that they
// sit together in memory: the slices fields point to, then every key of
// lists, rewritten in place.
func pack(fields []*[]uint32, lists ...[][]uint32) {
	n := 0
	for _, f := range fields {
		n += len(*f)
	}
	for _, l := range lists {
		for _, ids := range l {
			n += len(ids)
		}
	}
	buf := make([]uint32, 0, n)
	move := func(ids []uint32) []uint32 {
		start := len(buf)
		buf = append(buf, ids...)
		return buf[start:len(buf):len(buf)]
	}
	for _, f := range fields {
		*f = move(*f)
	}
	for _, l := range lists {
		for i := range l {
			l[i] = move(l[i])
		}
	}
}

// Demand returns the demand d was prepared from.
func (d *PreparedDemand) Demand() Demand { return d.d }

// Capability returns the capability c was prepared from.
func (c *PreparedCapability) Capability() Capability { return c.c }

// wantedItems keeps the non-blank requested items: their keys and how they
// were written.
func wantedItems(ss []string) (keys [][]uint32, raws []string) {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			keys, raws = append(keys, itemKey(s)), append(raws, s)
		}
	}
	return keys, raws
}

// offeredItems keeps the keys of the offered items that can earn credit.
func offeredItems(ss []string) [][]uint32 {
	var out [][]uint32
	for _, s := range ss {
		if k := itemKey(s); len(k) > 0 {
			out = append(out, k)
		}
	}
	return out
}

// ScorePrepared is Score on prepared forms: the same Match for the same
// inputs. It is pure and safe for concurrent use.
func ScorePrepared(d *PreparedDemand, c *PreparedCapability, today domain.Date) (Match, bool) {
	m, ok := filtered(d, c, today)
	if !ok {
		return m, false
	}
	return scored(m, d, c, today), true
}

// filtered starts the Match of a pair and applies the hard filters.
func filtered(d *PreparedDemand, c *PreparedCapability, today domain.Date) (Match, bool) {
	m := Match{
		DemandID:     d.d.DemandID,
		BuyerID:      d.d.BuyerID,
		SupplierID:   c.c.SupplierID,
		CapabilityID: c.c.CapabilityID,
		Reasons:      []Note{},
		Gaps:         []Note{},
	}
	if fail, ok := filter(d, c, dayKey(certDay(d, today)), true); !ok {
		m.Gaps = append(m.Gaps, fail)
		return m, false
	}
	return m, true
}

// scored completes the Match of a pair that passed the filters.
func scored(m Match, d *PreparedDemand, c *PreparedCapability, today domain.Date) Match {
	s := sheet{notes: true}
	if n, ok := certificationsHeld(d, certDay(d, today)); ok {
		s.reasons = append(s.reasons, n)
	}
	if n, ok := adjacentGroup(d, c); ok {
		s.gaps = append(s.gaps, n)
	}
	soft(&s, d, c)
	m.Score = s.score()
	m.Reasons = append(m.Reasons, s.reasons...)
	m.Gaps = append(m.Gaps, s.gaps...)
	return m
}

// certDay is the day certificates must be valid: needed_by, else today.
func certDay(d *PreparedDemand, today domain.Date) domain.Date {
	if d.d.NeededBy != nil {
		return *d.d.NeededBy
	}
	return today
}

// QuickScore returns the score and filter verdict ScorePrepared would give,
// without writing any note: a projection ranks every candidate with it and
// builds the explained Match only for the pairs it keeps. It is pure, safe
// for concurrent use and does not allocate on the common path.
func QuickScore(d *PreparedDemand, c *PreparedCapability, today domain.Date) (int, bool) {
	on := d.neededBy
	if on == 0 {
		on = dayKey(today)
	}
	if _, ok := filter(d, c, on, false); !ok {
		return 0, false
	}
	var s sheet
	soft(&s, d, c)
	return s.score(), true
}

// ValidThrough returns the last day on which a pair that passes the filters
// today still passes them as the days go by: the earliest, over the required
// certifications, of the latest valid_until among the certificates that
// satisfy it. ok is false when the pair does not expire that way (the demand
// names a needed_by day, which does not move, or requires no certification)
// or does not pass today. A projection stores the day so that a read on a
// later day can drop the pair without being told.
func ValidThrough(d *PreparedDemand, c *PreparedCapability, today domain.Date) (domain.Date, bool) {
	if d.neededBy != 0 || len(d.certs) == 0 {
		return domain.Date{}, false
	}
	on, through := dayKey(today), 0
	for i := 0; i < len(d.certs); i += 2 {
		latest := 0
		for j := 0; j < len(c.certs); j += 3 {
			if until := int(c.certs[j+2]); satisfies(c.certs[j], c.certs[j+1], d.certs[i], d.certs[i+1]) && until >= on {
				latest = max(latest, until)
			}
		}
		if latest == 0 {
			return domain.Date{}, false
		}
		if through == 0 || latest < through {
			through = latest
		}
	}
	return fromDayKey(through), true
}

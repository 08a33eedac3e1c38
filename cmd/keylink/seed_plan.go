package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/matching"
	"github.com/keylink/keylink/domain/supplier"
)

// seedOptions say what keylink seed loads.
type seedOptions struct {
	Suppliers, Buyers, Events int
	Seed                      uint64
	// Year is the year the first events and the demands' needed_by dates
	// fall in: next year, so that registrations stay open.
	Year int
	// Past is when the past event (which gets outcomes) started; zero for
	// none.
	Past time.Time
}

// Bounds of the flags: enough for load tests, small enough for tax codes to
// stay unique (100,000 codes per seed block).
const (
	maxSeedSuppliers = 50000
	maxSeedBuyers    = 10000
	maxSeedEvents    = 20
)

// seedPlan is the whole dataset as request bodies, in sending order. Firms
// are referred to by index, since the server picks their ids.
type seedPlan struct {
	Suppliers []plannedSupplier
	Buyers    []plannedBuyer
	Events    []plannedEvent
	// Past is the event that took place already, with outcomes; nil
	// without events.
	Past *plannedEvent
}

// plannedSupplier is POST /v1/suppliers, then its capabilities and
// key-product recognitions.
type plannedSupplier struct {
	Group        domain.IndustryGroup // of the main line
	Products     []string             // catalogue keys, one per capability
	Profile      supplier.Registration
	Capabilities []supplier.Capability
	KeyProducts  []supplier.KeyProduct
}

// plannedBuyer is POST /v1/buyers, then its demands.
type plannedBuyer struct {
	Archetype string
	Products  []string // catalogue keys, one per demand
	Profile   buyer.Registration
	Demands   []buyer.Demand
}

// plannedEvent is POST /v1/events and the registrations of firms.
type plannedEvent struct {
	Details       eventBody
	Registrations []plannedRegistration
}

// eventBody is the contract's body of POST /v1/events.
type eventBody struct {
	Kind                      string       `json:"kind"`
	Name                      string       `json:"name"`
	Venue                     string       `json:"venue"`
	StartsAt                  time.Time    `json:"starts_at"`
	EndsAt                    time.Time    `json:"ends_at"`
	SlotMinutes               int          `json:"slot_minutes"`
	Tables                    int          `json:"tables"`
	MaxMeetingsPerParticipant int          `json:"max_meetings_per_participant"`
	Breaks                    []seedPeriod `json:"breaks,omitempty"`
	MaxConsecutive            int          `json:"max_consecutive,omitempty"`
}

// seedPeriod is a {"from", "to"} of the contract.
type seedPeriod struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// plannedRegistration registers supplier Supplier or buyer Buyer (index,
// -1 when the other), a supplier with an optional booth, a buyer with the
// language it needs an interpreter for, either with the times it is away.
type plannedRegistration struct {
	Supplier, Buyer int
	Booth           string
	Interpreter     string
	Unavailable     []seedPeriod
}

// requests counts the HTTP requests the plan sends.
func (p seedPlan) requests() int {
	n := 0
	for _, s := range p.Suppliers {
		n += 1 + len(s.Capabilities) + len(s.KeyProducts)
	}
	for _, b := range p.Buyers {
		n += 1 + len(b.Demands)
	}
	for _, e := range p.Events {
		n += 1 + len(e.Registrations)
	}
	return n
}

// planSeed draws the dataset. The same options give the same plan: one PCG
// stream seeded by o.Seed, drawn in a fixed order, no map iteration.
func planSeed(o seedOptions) seedPlan {
	g := &gen{r: rand.New(rand.NewPCG(o.Seed, 0x6b65796c696e6b)), year: o.Year, names: map[string]bool{}}
	var p seedPlan
	p.Suppliers = g.suppliers(o.Suppliers, o.Seed)
	p.Buyers = g.buyers(o.Buyers, p.Suppliers)
	p.Events = g.events(o.Events, p.Suppliers, p.Buyers)
	if o.Events > 0 && !o.Past.IsZero() {
		p.Past = g.pastEvent(o.Past, p.Suppliers, p.Buyers)
	}
	return p
}

// gen draws from one random stream.
type gen struct {
	r     *rand.Rand
	year  int
	names map[string]bool // firm names taken
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between is uniform in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// weighted picks an index with probability proportional to ws.
func (g *gen) weighted(ws []int) int {
	total := 0
	for _, w := range ws {
		total += w
	}
	x := g.r.IntN(total)
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return len(ws) - 1
}

// subset keeps between lo and hi items of xs, in their order.
func (g *gen) subset(xs []string, lo, hi int) []string {
	hi = min(hi, len(xs))
	lo = min(lo, hi)
	k := g.between(lo, hi)
	idx := g.r.Perm(len(xs))[:k]
	slices.Sort(idx)
	var out []string
	for _, i := range idx {
		out = append(out, xs[i])
	}
	return out
}

// logUniform spreads quantities over orders of magnitude, as firm sizes are.
func (g *gen) logUniform(lo, hi float64) float64 {
	if hi <= lo {
		return lo
	}
	return lo * math.Pow(hi/lo, g.r.Float64())
}

// nice rounds to two significant digits, as people state capacities.
func nice(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 2, 64), 64)
	return v
}

// apportion splits n suppliers over the groups by groupShare, largest
// remainder first, so the proportions hold at every scale.
func apportion(n int) map[domain.IndustryGroup]int {
	out := map[domain.IndustryGroup]int{}
	type rem struct {
		g domain.IndustryGroup
		r int
	}
	var rems []rem
	left := n
	for _, s := range groupShare {
		out[s.group] = n * s.pct / 100
		left -= out[s.group]
		rems = append(rems, rem{s.group, n * s.pct % 100})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return b.r - a.r })
	for i := 0; left > 0; i, left = i+1, left-1 {
		out[rems[i%len(rems)].g]++
	}
	return out
}

func productByKey(key string) *product {
	for i := range products {
		if products[i].key == key {
			return &products[i]
		}
	}
	panic("seed: unknown product " + key) // the catalogue is static; a test covers every key
}

// product draws a group's main line by weight.
func (g *gen) product(group domain.IndustryGroup) *product {
	var ps []*product
	var ws []int
	for i := range products {
		if products[i].group == group && products[i].weight > 0 {
			ps = append(ps, &products[i])
			ws = append(ws, products[i].weight)
		}
	}
	return ps[g.weighted(ws)]
}

// suppliers draws n suppliers: the anchors first while their group has room,
// then the rest in a shuffled order.
func (g *gen) suppliers(n int, seed uint64) []plannedSupplier {
	counts := apportion(n)
	var out []plannedSupplier
	for _, a := range anchors {
		grp := productByKey(a.products[0]).group
		if counts[grp] == 0 {
			continue
		}
		counts[grp]--
		out = append(out, g.anchorSupplier(a))
	}
	var rest []plannedSupplier
	for _, s := range groupShare {
		for range counts[s.group] {
			rest = append(rest, g.supplier(s.group))
		}
	}
	g.r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	out = append(out, rest...)
	g.recognise(out, len(out)-len(rest))
	codes := newTaxCodes(seed)
	for i := range out {
		out[i].Profile.TaxCode = codes.next()
	}
	return out
}

func (g *gen) anchorSupplier(a anchor) plannedSupplier {
	emp := a.employees
	s := plannedSupplier{Group: productByKey(a.products[0]).group, Profile: supplier.Registration{
		Name: a.name, District: a.district, IndustrialZone: a.zone, Ownership: domain.Domestic, Employees: &emp,
		Ward: seedWard(a.name, a.district, a.zone),
	}}
	g.names[a.name] = true
	for _, key := range a.products {
		s.Products = append(s.Products, key)
		s.Capabilities = append(s.Capabilities, g.capability(productByKey(key)))
	}
	s.Profile.Contact = g.contact(a.name)
	for _, kp := range a.keyProducts {
		for _, y := range g.years(g.between(1, 2)) {
			s.KeyProducts = append(s.KeyProducts, supplier.KeyProduct{Product: kp, RecognizedYear: y, DecisionNo: recognitionDecision[y]})
		}
	}
	return s
}

// supplier draws one firm of group: a main line, one to four capabilities,
// a place, a name and a contact.
func (g *gen) supplier(group domain.IndustryGroup) plannedSupplier {
	main := g.product(group)
	s := plannedSupplier{Group: group, Products: []string{main.key}}
	places := main.places
	if len(places) == 0 {
		places = groupPlaces[group]
	}
	district, zone, _ := strings.Cut(g.pick(places), "|")
	own := domain.Domestic
	switch x := g.r.Float64(); {
	case x < .05:
		own = domain.FDI
	case x < .12:
		own = domain.JointVenture
	}
	name := g.firmName(main, district, zone, own)
	emp := g.employees(group)
	s.Profile = supplier.Registration{Name: name, District: district, IndustrialZone: zone, Ownership: own,
		Employees: &emp, Contact: g.contact(name), Ward: seedWard(name, district, zone)}
	s.Capabilities = append(s.Capabilities, g.capability(main))
	want := 1 + g.weighted([]int{35, 35, 20, 10})
	for len(s.Capabilities) < want {
		p := g.secondLine(main, s.Products)
		if p == nil {
			break
		}
		s.Products = append(s.Products, p.key)
		s.Capabilities = append(s.Capabilities, g.capability(p))
	}
	return s
}

// secondLine draws another product for a firm whose main line is main.
func (g *gen) secondLine(main *product, have []string) *product {
	var linked []string
	for _, k := range alsoMakes[main.key] {
		if !slices.Contains(have, k) {
			linked = append(linked, k)
		}
	}
	if len(linked) > 0 && g.chance(.5) {
		return productByKey(g.pick(linked))
	}
	var ps []*product
	var ws []int
	for i := range products {
		p := &products[i]
		if p.group == main.group && p.weight > 0 && !slices.Contains(have, p.key) && len(p.places) == 0 {
			ps = append(ps, p)
			ws = append(ws, p.weight)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return ps[g.weighted(ws)]
}

// firmName makes a unique Vietnamese firm name: legal form, trade, and a
// place or brand word ("Công ty TNHH Cơ khí Chính xác Thăng Long").
func (g *gen) firmName(p *product, district, zone string, own domain.Ownership) string {
	for try := 0; ; try++ {
		trade := g.pick(p.trades)
		var name string
		switch own {
		case domain.FDI:
			name = "Công ty TNHH " + trade + " " + g.pick(foreignBrands) + " Việt Nam"
		case domain.JointVenture:
			name = "Công ty TNHH Liên doanh " + trade + " " + g.pick([]string{"Việt Nhật", "Việt Hàn", "Việt Đức", "Việt Đài", "Việt Singapore"})
		default:
			name = g.legalForm(p.group) + " " + trade + " " + g.placeWord(district, zone)
		}
		if try >= 30 {
			name += " " + strconv.Itoa(try-28)
		}
		if !g.names[name] {
			g.names[name] = true
			return name
		}
	}
}

func (g *gen) legalForm(group domain.IndustryGroup) string {
	x := g.r.Float64()
	switch {
	case group == domain.Handicrafts && x < .3:
		return "Hợp tác xã"
	case x < .04:
		return "Công ty TNHH MTV"
	case x < .45:
		return "Công ty CP"
	}
	return "Công ty TNHH"
}

// placeWord is the district, the zone or craft village, or a brand word.
func (g *gen) placeWord(district, zone string) string {
	x := g.r.Float64()
	switch {
	case x < .3:
		return district
	case x < .55 && zone != "":
		return zoneStem(zone)
	}
	return g.pick(brands)
}

// zoneStem is the name inside a zone's: "KCN Sài Đồng B" -> "Sài Đồng".
func zoneStem(zone string) string {
	for _, p := range []string{"KCN ", "CCN ", "Khu CNC ", "Làng gốm ", "Làng nghề ", "Làng lụa ", "Làng thêu "} {
		zone = strings.TrimPrefix(zone, p)
	}
	zone, _, _ = strings.Cut(zone, " - ")
	return strings.TrimSuffix(zone, " B")
}

func (g *gen) employees(group domain.IndustryGroup) int {
	lo, hi := 30.0, 1500.0
	switch group {
	case domain.TextileLeather:
		hi = 3000
	case domain.AgriFood, domain.BuildingMaterials:
		lo, hi = 20, 800
	case domain.IT:
		lo, hi = 15, 400
	case domain.Handicrafts:
		lo, hi = 8, 150
	}
	n := int(g.logUniform(lo, hi))
	if n > 100 {
		n -= n % 10
	}
	return n
}

// contact draws a Vietnamese contact person at the firm's domain.
func (g *gen) contact(firm string) domain.Contact {
	return g.vietnamese(firmDomain(firm))
}

func (g *gen) vietnamese(host string) domain.Contact {
	sex := g.r.IntN(2)
	sur, mid, given := g.pick(surnames), g.pick(middles[sex]), g.pick(givenNames[sex])
	local := slug(given) + "." + initials(sur+" "+mid)
	if g.chance(.3) {
		local = g.pick([]string{"kinhdoanh", "sales", "info", "xuatkhau"})
	}
	return domain.Contact{Name: sur + " " + mid + " " + given, Email: local + "@" + host, Phone: g.phone()}
}

// firmDomain turns "Công ty CP Cơ khí Chính xác Thăng Long" into
// "ckcxthanglong.com.vn": initials of the trade, the last word group whole.
func firmDomain(name string) string {
	for _, f := range []string{"Công ty TNHH MTV ", "Công ty TNHH Liên doanh ", "Công ty TNHH ", "Công ty CP ", "Hợp tác xã "} {
		if rest, ok := strings.CutPrefix(name, f); ok {
			name = rest
			break
		}
	}
	words := strings.Fields(name)
	if len(words) <= 2 {
		return slug(name) + ".com.vn"
	}
	return initials(strings.Join(words[:len(words)-2], " ")) + slug(strings.Join(words[len(words)-2:], "")) + ".com.vn"
}

// slug folds s to lower-case ASCII letters and digits.
func slug(s string) string {
	var b strings.Builder
	for _, r := range matching.Fold(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func initials(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(s) {
		if x := slug(w); x != "" {
			b.WriteByte(x[0])
		}
	}
	return b.String()
}

// phone is a Hanoi landline (024) or a mobile number.
func (g *gen) phone() string {
	if g.chance(.6) {
		return fmt.Sprintf("024 %d%03d %04d", 3+3*g.r.IntN(2), g.r.IntN(1000), g.r.IntN(10000))
	}
	return fmt.Sprintf("09%d%d %03d %03d", g.r.IntN(10), g.r.IntN(10), g.r.IntN(1000), g.r.IntN(1000))
}

// capability draws what one firm states about a product line.
func (g *gen) capability(p *product) supplier.Capability {
	c := supplier.Capability{Title: p.title, Description: p.about, IndustryGroup: p.group, VSIC: p.vsic,
		HSCodes:   g.subset(p.hs, 1, 3),
		Materials: g.subset(p.materials, 1, 3),
		Capacity:  domain.Rate{Quantity: nice(g.logUniform(p.capacity[0], p.capacity[1])), Unit: p.unit, Per: "month"},
	}
	c.Processes = slices.Clone(p.processes[:p.core])
	c.Processes = append(c.Processes, g.subset(p.processes[p.core:], 0, 2)...)
	if p.moq[1] > 0 {
		m := min(nice(g.logUniform(p.moq[0], p.moq[1])), c.Capacity.Quantity)
		c.MOQ = &m
	}
	c.LeadTimeDays = g.between(p.lead[0], p.lead[1])
	for _, ch := range p.certs {
		if g.chance(ch.p) {
			c.Certifications = append(c.Certifications, supplier.CertificationInput{Standard: ch.standard, ValidUntil: g.validUntil()})
		}
	}
	if len(p.markets) > 0 && g.chance(.7) {
		c.ExportMarkets = g.subset(p.markets, 1, 3)
		c.Description += " Exports to " + countryNames(c.ExportMarkets) + "."
	}
	return c
}

// validUntil is a certificate's last day: mostly within the next three
// years, a few already expired so that matching shows the gap.
func (g *gen) validUntil() string {
	from := time.Date(g.year, 1, 1, 0, 0, 0, 0, time.UTC)
	months := 36
	if g.chance(.06) {
		from, months = time.Date(g.year-2, 6, 1, 0, 0, 0, 0, time.UTC), 16
	}
	m := from.AddDate(0, g.r.IntN(months)+1, -1) // the last day of a month
	return m.Format(time.DateOnly)
}

var countryName = map[string]string{"JP": "Japan", "KR": "Korea", "TW": "Taiwan", "US": "the US", "TH": "Thailand",
	"LA": "Laos", "KH": "Cambodia", "MM": "Myanmar", "ID": "Indonesia", "CN": "China", "SG": "Singapore", "AU": "Australia",
	"DE": "Germany", "FR": "France", "NL": "the Netherlands", "CA": "Canada", "PH": "the Philippines", "HK": "Hong Kong", "RU": "Russia"}

func countryNames(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = countryName[c]
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// recognise gives about 30% of suppliers key-product recognitions: the
// anchors (the first nAnchors) and a random choice of the others.
func (g *gen) recognise(sups []plannedSupplier, nAnchors int) {
	target := (len(sups)*30+50)/100 - nAnchors
	idx := g.r.Perm(len(sups) - nAnchors)
	for _, i := range idx[:max(0, min(target, len(idx)))] {
		s := &sups[nAnchors+i]
		count := 1 + g.weighted([]int{60, 30, 10})
		for range count {
			kp := productByKey(g.pick(s.Products)).vi
			for _, y := range g.years(1) {
				k := supplier.KeyProduct{Product: kp, RecognizedYear: y, DecisionNo: recognitionDecision[y]}
				if !slices.Contains(s.KeyProducts, k) {
					s.KeyProducts = append(s.KeyProducts, k)
				}
			}
		}
		slices.SortStableFunc(s.KeyProducts, func(a, b supplier.KeyProduct) int { return a.RecognizedYear - b.RecognizedYear })
	}
}

// years draws n distinct recognition years 2018-2024, ascending.
func (g *gen) years(n int) []int {
	idx := g.r.Perm(7)[:n]
	slices.Sort(idx)
	out := make([]int, n)
	for i, x := range idx {
		out[i] = 2018 + x
	}
	return out
}

// buyers draws n buyers: the named ones first, then generated ones; each
// posts one to four demands for products the suppliers make.
func (g *gen) buyers(n int, sups []plannedSupplier) []plannedBuyer {
	made := map[string][]supplier.Capability{}
	for _, s := range sups {
		for i, k := range s.Products {
			made[k] = append(made[k], s.Capabilities[i])
		}
	}
	var out []plannedBuyer
	for i := 0; i < n; i++ {
		var b plannedBuyer
		if i < len(namedBuyers) {
			nb := namedBuyers[i]
			g.names[nb.name] = true
			b = plannedBuyer{Archetype: nb.archetype, Profile: buyer.Registration{Name: nb.name, Country: nb.country,
				ParentGroup: nb.parent, District: nb.district}}
		} else {
			b = g.genericBuyer()
		}
		b.Profile.Ward = seedWard(b.Profile.Name, b.Profile.District, "")
		b.Profile.Contact = g.buyerContact(b.Profile)
		g.demands(&b, made)
		out = append(out, b)
	}
	return out
}

func (g *gen) genericBuyer() plannedBuyer {
	ws := make([]int, len(buyerCountries))
	for i, c := range buyerCountries {
		ws[i] = c.weight
	}
	bc := buyerCountries[g.weighted(ws)]
	arch := archetypes[g.pick(bc.arch)]
	for try := 0; ; try++ {
		stem, country, _ := strings.Cut(g.pick(bc.stems), "|")
		if country == "" {
			country = bc.country
		}
		name := stem + " " + g.pick(arch.sector)
		district := ""
		switch {
		case legalSuffix[country] != "" && g.chance(.5):
			name += " " + legalSuffix[country] // a sourcing office abroad
		case country == "KR":
			name += " Vina Co., Ltd."
		default:
			name += " Vietnam Co., Ltd."
		}
		if strings.HasSuffix(name, "Ltd.") && g.chance(.65) {
			district = g.pick(buyerDistricts)
		}
		if try >= 30 {
			name += fmt.Sprintf(" (Plant %d)", try-28)
		}
		if g.names[name] {
			continue
		}
		g.names[name] = true
		parent := ""
		if g.chance(.6) {
			parent = stem + " " + g.pick([]string{"Group", "Holdings", "Corporation"})
		}
		return plannedBuyer{Archetype: arch.name, Profile: buyer.Registration{Name: name, Country: country, ParentGroup: parent, District: district}}
	}
}

// buyerContact is a purchasing officer: a compatriot of the parent firm or,
// often, a Vietnamese colleague.
func (g *gen) buyerContact(r buyer.Registration) domain.Contact {
	host := buyerHost(r.Name) + "-vn.com"
	names, ok := buyerNames[r.Country]
	if !ok || g.chance(.35) {
		c := g.vietnamese(host)
		if strings.HasPrefix(c.Email, "kinhdoanh@") || strings.HasPrefix(c.Email, "xuatkhau@") {
			c.Email = "purchasing@" + host
		}
		return c
	}
	family, given := g.pick(names.family), g.pick(names.given)
	person := family + " " + given
	if names.givenFirst {
		person = given + " " + family
	}
	return domain.Contact{Name: person, Email: slug(given) + "." + slug(family) + "@" + host, Phone: g.phone()}
}

// buyerHost is the mail host of a buyer: its name up to the country or the
// legal form ("Yamaha Motor Vietnam Co., Ltd." -> "yamahamotor").
func buyerHost(name string) string {
	var words []string
	for _, w := range strings.Fields(name) {
		if slices.Contains([]string{"Vietnam", "(Vietnam)", "Vina", "Co.,", "Inc.", "GmbH", "SAS", "Pte.", "JSC", "B.V.", "S.p.A.", "AB", "LLC"}, w) {
			break
		}
		words = append(words, w)
	}
	if len(words) > 2 {
		words = words[:2]
	}
	return slug(strings.Join(words, ""))
}

// demands posts one to four demands for products of the buyer's archetype,
// preferring those the suppliers make and requiring only certificates some
// maker holds, so that every demand has candidates.
func (g *gen) demands(b *plannedBuyer, made map[string][]supplier.Capability) {
	arch := archetypes[b.Archetype]
	var keys []string
	var ws []int
	for _, kw := range arch.products {
		k, w, _ := strings.Cut(kw, ":")
		n, _ := strconv.Atoi(w)
		if len(made[k]) > 0 {
			keys, ws = append(keys, k), append(ws, n)
		}
	}
	if len(keys) == 0 {
		for _, kw := range arch.products {
			k, w, _ := strings.Cut(kw, ":")
			n, _ := strconv.Atoi(w)
			keys, ws = append(keys, k), append(ws, n)
		}
	}
	count := min(1+g.weighted([]int{25, 35, 25, 15}), len(keys))
	for len(b.Demands) < count {
		i := g.weighted(ws)
		ws[i] = 0 // one demand per product
		p := productByKey(keys[i])
		b.Products = append(b.Products, p.key)
		b.Demands = append(b.Demands, g.demand(p, b.Archetype, made[p.key]))
		if slices.Max(ws) == 0 {
			break
		}
	}
}

func (g *gen) demand(p *product, archetype string, makers []supplier.Capability) buyer.Demand {
	var fit []want
	for _, w := range p.wants {
		if w.by == "" || slices.Contains(strings.Fields(w.by), archetype) {
			fit = append(fit, w)
		}
	}
	if len(fit) == 0 {
		fit = p.wants
	}
	w := fit[g.r.IntN(len(fit))]
	d := buyer.Demand{Title: w.title, IndustryGroup: p.group,
		HSCodes:   g.subset(p.hs, 1, 2),
		Processes: g.subset(p.processes[:max(p.core, 1)], 1, 3),
		Materials: g.subset(p.materials, 0, 2),
	}
	if g.chance(.7) {
		d.VSIC = p.vsic
	}
	for _, req := range w.certs {
		if len(makers) == 0 || slices.ContainsFunc(makers, func(c supplier.Capability) bool { return holds(c, req) }) {
			d.RequiredCertifications = append(d.RequiredCertifications, req)
		}
	}
	q := nice(g.logUniform(p.capacity[0]*.05, p.capacity[1]*.3))
	if p.unit == domain.Pieces || p.unit == domain.Sets {
		q = max(1, math.Round(q))
	}
	d.Volume = domain.Rate{Quantity: q, Unit: p.unit, Per: "month"}
	if g.chance(.8) {
		lt := g.between(p.lead[0], p.lead[1]+15)
		d.MaxLeadTimeDays = &lt
	}
	if g.chance(.3) {
		d.NeededBy = time.Date(g.year, time.Month(g.between(2, 13)), 0, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	notes := demandNotes
	if p.service {
		notes = serviceNotes
	}
	d.Description = fmt.Sprintf(g.pick(notes), strconv.Itoa(g.year))
	return d
}

// holds reports whether c carries a certificate of the required standard
// (any edition: "ISO 9001" is met by "ISO 9001:2015").
func holds(c supplier.Capability, req string) bool {
	for _, x := range c.Certifications {
		if strings.HasPrefix(strings.Replace(x.Standard, "ISO/IEC ", "ISO ", 1), req) {
			return true
		}
	}
	return false
}

// buyerDistricts are where FDI buyers' Hanoi plants and offices are.
var buyerDistricts = []string{"Đông Anh", "Sóc Sơn", "Mê Linh", "Long Biên", "Thạch Thất", "Bắc Từ Liêm", "Quốc Oai",
	"Chương Mỹ", "Nam Từ Liêm", "Cầu Giấy"}

// ict is Hanoi's time zone.
var ict = time.FixedZone("ICT", 7*3600)

// events draws n events, a conference then a fair each year from g.year,
// with registered firms: key-product firms first at conferences, booths at
// fairs.
func (g *gen) events(n int, sups []plannedSupplier, buys []plannedBuyer) []plannedEvent {
	var out []plannedEvent
	for j := range n {
		year := g.year + j/2
		var e plannedEvent
		var nSup, nBuy int
		if j%2 == 0 {
			start := onOrAfter(time.Date(year, 4, 15, 8, 0, 0, 0, ict), time.Thursday)
			e.Details = eventBody{Kind: "conference",
				Name:     fmt.Sprintf("Hội nghị kết nối doanh nghiệp sản xuất sản phẩm công nghiệp chủ lực với doanh nghiệp FDI năm %d", year),
				Venue:    "Trung tâm Hội nghị Quốc gia, Nam Từ Liêm, Hà Nội",
				StartsAt: start, EndsAt: start.Add(9 * time.Hour), SlotMinutes: 30, Tables: 40, MaxMeetingsPerParticipant: 8}
			nSup, nBuy = scaled(len(sups), 27, 10), scaled(len(buys), 50, 5)
		} else {
			start := onOrAfter(time.Date(year, 10, 15, 8, 0, 0, 0, ict), time.Thursday)
			e.Details = eventBody{Kind: "fair",
				Name:     fmt.Sprintf("Hội chợ triển lãm sản phẩm công nghiệp chủ lực thành phố Hà Nội năm %d", year),
				Venue:    "Cung Văn hóa Hữu nghị Việt Xô, 91 Trần Hưng Đạo, Hoàn Kiếm, Hà Nội",
				StartsAt: start, EndsAt: start.AddDate(0, 0, 3).Add(9 * time.Hour), SlotMinutes: 30, Tables: 20, MaxMeetingsPerParticipant: 10}
			nSup, nBuy = scaled(len(sups), 40, 10), scaled(len(buys), 60, 5)
		}
		lunch := time.Date(e.Details.StartsAt.Year(), e.Details.StartsAt.Month(), e.Details.StartsAt.Day(), 12, 0, 0, 0, ict)
		e.Details.Breaks = []seedPeriod{{From: lunch, To: lunch.Add(90 * time.Minute)}} // recurs every day
		e.Details.MaxConsecutive = 4
		order := g.r.Perm(len(sups))
		if e.Details.Kind == "conference" {
			slices.SortStableFunc(order, func(a, b int) int {
				return boolInt(len(sups[b].KeyProducts) > 0) - boolInt(len(sups[a].KeyProducts) > 0)
			})
		}
		for k, i := range order[:nSup] {
			r := plannedRegistration{Supplier: i, Buyer: -1, Unavailable: g.away(e.Details)}
			if e.Details.Kind == "fair" {
				r.Booth = boothName(k)
			}
			e.Registrations = append(e.Registrations, r)
		}
		for _, i := range g.r.Perm(len(buys))[:nBuy] {
			e.Registrations = append(e.Registrations, g.buyerRegistration(i, buys[i], e.Details))
		}
		out = append(out, e)
	}
	return out
}

// pastEvent is a conference that took place at start: the organiser
// backfills it, and its meetings get outcomes (see loadMeetings), so that
// every report has real numbers on first start.
func (g *gen) pastEvent(start time.Time, sups []plannedSupplier, buys []plannedBuyer) *plannedEvent {
	e := &plannedEvent{Details: eventBody{Kind: "conference",
		Name: fmt.Sprintf("Hội nghị kết nối cung ứng công nghiệp hỗ trợ với doanh nghiệp FDI, tháng %d/%d",
			int(start.Month()), start.Year()),
		Venue:    "Trung tâm Triển lãm Giảng Võ, Ba Đình, Hà Nội",
		StartsAt: start, EndsAt: start.Add(8*time.Hour + 30*time.Minute), SlotMinutes: 30, Tables: 30,
		MaxMeetingsPerParticipant: 6, MaxConsecutive: 4}}
	lunch := start.Add(4 * time.Hour)
	e.Details.Breaks = []seedPeriod{{From: lunch, To: lunch.Add(90 * time.Minute)}}
	for _, i := range g.r.Perm(len(sups))[:scaled(len(sups), 20, 8)] {
		e.Registrations = append(e.Registrations, plannedRegistration{Supplier: i, Buyer: -1})
	}
	for _, i := range g.r.Perm(len(buys))[:scaled(len(buys), 40, 4)] {
		e.Registrations = append(e.Registrations, g.buyerRegistration(i, buys[i], e.Details))
	}
	return e
}

// buyerRegistration registers buyer i; about half of the Japanese, Korean
// and Chinese buyers ask for an interpreter, and some are away for a while.
func (g *gen) buyerRegistration(i int, b plannedBuyer, d eventBody) plannedRegistration {
	r := plannedRegistration{Supplier: -1, Buyer: i, Unavailable: g.away(d)}
	if lang := interpreterFor(b.Profile.Country); lang != "" && g.chance(0.5) {
		r.Interpreter = lang
	}
	return r
}

// interpreterFor is the interpreter language a buyer from country needs.
func interpreterFor(country string) string {
	switch country {
	case "JP":
		return "JP"
	case "KR":
		return "KR"
	case "CN", "TW":
		return "ZH"
	}
	return ""
}

// away gives about one firm in twelve an hour or two away on the event's
// first morning or afternoon.
func (g *gen) away(d eventBody) []seedPeriod {
	if !g.chance(1.0 / 12) {
		return nil
	}
	from := d.StartsAt.Add(time.Duration(g.between(0, 6)) * time.Hour)
	return []seedPeriod{{From: from, To: from.Add(time.Duration(g.between(2, 4)) * 30 * time.Minute)}}
}

// scaled is pct% of n, at least floor (or n when smaller).
func scaled(n, pct, floor int) int { return min(n, max(floor, (n*pct+50)/100)) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func onOrAfter(t time.Time, wd time.Weekday) time.Time {
	return t.AddDate(0, 0, (int(wd)-int(t.Weekday())+7)%7)
}

// boothName numbers booths by hall row: A01..A30, B01.., then AA01...
func boothName(i int) string {
	row := i / 30
	name := ""
	for {
		name = string(rune('A'+row%26)) + name
		row = row/26 - 1
		if row < 0 {
			break
		}
	}
	return fmt.Sprintf("%s%02d", name, i%30+1)
}

// taxCodes hands out distinct 10-digit enterprise codes: "01" (Hanoi), two
// digits from the seed, five from a permutation, and a weighted mod-11 check
// digit. Runs whose seeds differ by a multiple of 100 share codes.
type taxCodes struct{ block, offset, k int }

func newTaxCodes(seed uint64) *taxCodes {
	return &taxCodes{block: int(seed % 100), offset: int(seed * 2654435761 % 100000)}
}

func (t *taxCodes) next() string {
	weights := [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}
	for {
		body := fmt.Sprintf("01%02d%05d", t.block, (t.offset+t.k*7919)%100000)
		t.k++
		sum := 0
		for i, d := range body {
			sum += int(d-'0') * weights[i]
		}
		if check := 10 - sum%11; check < 10 {
			return body + strconv.Itoa(check)
		}
	}
}

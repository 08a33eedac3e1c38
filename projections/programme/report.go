package programme

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/deal"
)

// The programme's published targets (see DOMAIN.md): every key-product firm
// supported, 1,000 supporting-industry firms of which 300 meet
// international standards, and the 2023 aim of at least 30 products of 20
// firms recognised a year.
const (
	TargetSupportedPercent       = 100
	TargetSupportingFirms        = 1000
	TargetCertifiedFirms         = 300
	TargetKeyProductsPerYear     = 30
	TargetKeyProductFirmsPerYear = 20
)

// Unclassified is the group of a supplier with no active capability.
const Unclassified = "unclassified"

// ProgrammeReport is the city's yearly indicators with their targets and
// the year before, as GET /v1/programme/report answers it. Every indicator
// says how it was computed.
type ProgrammeReport struct {
	Year           int              `json:"year"`
	PreviousYear   int              `json:"previous_year"`
	Indicators     []Indicator      `json:"indicators"`
	IndustryGroups []GroupFigures   `json:"industry_groups"`
	BuyerCountries []CountryFigures `json:"buyer_countries"`
	Wards          []WardFigures    `json:"wards"`
	LocalSourcing  []BuyerSourcing  `json:"local_sourcing"`
	Funnel         []FunnelStep     `json:"funnel"`
	Rates          []RatesUsed      `json:"rates"`
	GeneratedAt    time.Time        `json:"generated_at"`
}

// Indicator is one figure of the year beside the year before and its
// target, if the programme set one.
type Indicator struct {
	Code        string   `json:"code"`
	Unit        string   `json:"unit"` // count, percent or vnd
	Value       float64  `json:"value"`
	Previous    float64  `json:"previous"`
	Target      *float64 `json:"target"`
	Numerator   *int     `json:"numerator,omitempty"`
	Denominator *int     `json:"denominator,omitempty"`
	Method      string   `json:"method"`
}

// Connections are the trade-connection figures of one year.
type Connections struct {
	Matches          int   `json:"matches"`
	MeetingsHeld     int   `json:"meetings_held"`
	MoUs             int   `json:"mous"`
	Contracts        int   `json:"contracts"`
	ContractValueVND int64 `json:"contract_value_vnd"`
}

func (c *Connections) add(o Connections) {
	c.Matches += o.Matches
	c.MeetingsHeld += o.MeetingsHeld
	c.MoUs += o.MoUs
	c.Contracts += o.Contracts
	c.ContractValueVND += o.ContractValueVND
}

// GroupFigures are one industry group's figures for the year and the year
// before.
type GroupFigures struct {
	Group           string      `json:"industry_group"`
	KeyProducts     int         `json:"key_products"`
	KeyProductFirms int         `json:"key_product_firms"`
	Connections     Connections `json:"connections"`
	Previous        struct {
		KeyProducts     int         `json:"key_products"`
		KeyProductFirms int         `json:"key_product_firms"`
		Connections     Connections `json:"connections"`
	} `json:"previous"`
}

// CountryFigures are the connections with buyers of one country.
type CountryFigures struct {
	Country     string      `json:"country"`
	Connections Connections `json:"connections"`
	Previous    Connections `json:"previous"`
}

// WardFigures are the connections of the suppliers of one ward or commune
// (canonical, "Xã Thiên Lộc"); suppliers registered without a ward count
// under their former district ("Đông Anh").
type WardFigures struct {
	Ward        string      `json:"ward"`
	Connections Connections `json:"connections"`
	Previous    Connections `json:"previous"`
}

// BuyerSourcing is the local sourcing an FDI buyer committed to in the
// year: its contracts with Hanoi suppliers and their value.
type BuyerSourcing struct {
	BuyerID          uuid.UUID `json:"buyer_id"`
	BuyerName        string    `json:"buyer_name"`
	Country          string    `json:"country"`
	Contracts        int       `json:"contracts"`
	ContractValueVND int64     `json:"contract_value_vnd"`
	PreviousVND      int64     `json:"previous_contract_value_vnd"`
}

// FunnelStep is one stage of the connection funnel; MoU and contract are
// separate stages.
type FunnelStep struct {
	Stage    string `json:"stage"` // matched, held, mou, contract
	Count    int    `json:"count"`
	Previous int    `json:"previous"`
}

// RatesUsed says which exchange rates converted a year's values to dong:
// per currency the rate and the year of the table it came from (the year's
// own, else the latest earlier one). Missing currencies had no table; their
// amounts are left out of the totals and counted in Unconverted.
type RatesUsed struct {
	Year        int                `json:"year"`
	VNDPer      map[string]float64 `json:"vnd_per"`
	FromYear    map[string]int     `json:"from_year"`
	Missing     []string           `json:"missing"`
	Unconverted int                `json:"unconverted_contracts"`
}

// Methods, one per indicator code: how the figure is computed.
var indicatorMethods = map[string]string{
	"key_products_recognised": "Key-product recognitions recorded (POST /v1/suppliers/{id}/key-products) with recognized_year = the year; " +
		"a firm's industry group is that of its first active capability (" + Unclassified + " without one).",
	"key_product_firms_recognised": "Distinct suppliers with at least one key product recognised in the year.",
	"key_product_firms_supported": "Suppliers with a key product recognised in the year or before (denominator) that have a support record " +
		"(POST /v1/suppliers/{id}/support) for the year (numerator), as a percentage.",
	"supporting_industry_firms": "Suppliers in the register now (every registered supplier counts as a supporting-industry firm; " +
		"the register keeps no registration date, so both years show today's register).",
	"certified_supporting_industry_firms": "Suppliers with an active capability holding a certificate valid on 31 December of the year " +
		"whose standard is international: any standard except Vietnam's national TCVN, QCVN and VietGAP.",
	"matches":       "Published meetings at conferences and fairs that started in the year (Hanoi time): pairs matched and put on an agenda.",
	"meetings_held": "Of those, meetings held: recorded held by the organiser, or said to have taken place by a firm, and reported a no-show by nobody (the event report's rule).",
	"mous":          "Deals with at least one MoU dated in the year (from meeting outcomes of mou).",
	"contracts": "Deals at the contract stage whose contract is dated in the year (from meeting outcomes of contract or " +
		"POST /v1/deals/{id}/stage).",
	"contract_value_vnd": "Sum of those contracts' values converted to dong with the organiser's rate table of the year " +
		"(PUT /v1/programme/rates/{year}; a currency missing there uses the latest earlier year's rate, and is left out if none). " +
		"Industry group: the demand's, else the supplier's. Country: the buyer's. Ward: the supplier's.",
}

// ProgrammeReportOf computes the report of year from the directory, board,
// conferences and programme read models.
func ProgrammeReportOf(ctx context.Context, db Querier, year int, now time.Time) (ProgrammeReport, error) {
	r := ProgrammeReport{Year: year, PreviousYear: year - 1, GeneratedAt: now.UTC()}
	var ys [2]yearFigures
	for i, y := range []int{year, year - 1} {
		f, err := figuresOf(ctx, db, y)
		if err != nil {
			return ProgrammeReport{}, fmt.Errorf("programme: programme report %d: %w", y, err)
		}
		ys[i] = f
	}
	cur, prev := ys[0], ys[1]
	r.Rates = []RatesUsed{cur.rates, prev.rates}
	target := func(v float64) *float64 { return &v }
	ind := func(code, unit string, v, p float64, t *float64) Indicator {
		return Indicator{Code: code, Unit: unit, Value: v, Previous: p, Target: t, Method: indicatorMethods[code]}
	}
	pct := func(n, d int) float64 {
		if d == 0 {
			return 0
		}
		return math.Round(1000*float64(n)/float64(d)) / 10
	}
	supported := ind("key_product_firms_supported", "percent", pct(cur.supported, cur.keyFirmsToDate),
		pct(prev.supported, prev.keyFirmsToDate), target(TargetSupportedPercent))
	supported.Numerator, supported.Denominator = &cur.supported, &cur.keyFirmsToDate
	r.Indicators = []Indicator{
		ind("key_products_recognised", "count", float64(cur.keyProducts), float64(prev.keyProducts), target(TargetKeyProductsPerYear)),
		ind("key_product_firms_recognised", "count", float64(cur.keyFirms), float64(prev.keyFirms), target(TargetKeyProductFirmsPerYear)),
		supported,
		ind("supporting_industry_firms", "count", float64(cur.firms), float64(prev.firms), target(TargetSupportingFirms)),
		ind("certified_supporting_industry_firms", "count", float64(cur.certified), float64(prev.certified), target(TargetCertifiedFirms)),
		ind("matches", "count", float64(cur.total.Matches), float64(prev.total.Matches), nil),
		ind("meetings_held", "count", float64(cur.total.MeetingsHeld), float64(prev.total.MeetingsHeld), nil),
		ind("mous", "count", float64(cur.total.MoUs), float64(prev.total.MoUs), nil),
		ind("contracts", "count", float64(cur.total.Contracts), float64(prev.total.Contracts), nil),
		ind("contract_value_vnd", "vnd", float64(cur.total.ContractValueVND), float64(prev.total.ContractValueVND), nil),
	}
	r.IndustryGroups = groupFigures(cur, prev)
	r.BuyerCountries = countryFigures(cur, prev)
	r.Wards = wardFigures(cur, prev)
	r.LocalSourcing = sourcing(cur, prev)
	r.Funnel = []FunnelStep{{"matched", cur.total.Matches, prev.total.Matches}, {"held", cur.total.MeetingsHeld, prev.total.MeetingsHeld},
		{"mou", cur.total.MoUs, prev.total.MoUs}, {"contract", cur.total.Contracts, prev.total.Contracts}}
	return r, nil
}

func groupFigures(cur, prev yearFigures) []GroupFigures {
	names := make([]string, 0, len(domain.IndustryGroups)+1)
	for _, g := range domain.IndustryGroups {
		names = append(names, string(g))
	}
	names = append(names, Unclassified)
	var out []GroupFigures
	for _, g := range names {
		f := GroupFigures{Group: g, KeyProducts: cur.groupProducts[g], KeyProductFirms: cur.groupFirms[g], Connections: cur.byGroup[g]}
		f.Previous.KeyProducts, f.Previous.KeyProductFirms, f.Previous.Connections = prev.groupProducts[g], prev.groupFirms[g], prev.byGroup[g]
		if g == Unclassified && f == (GroupFigures{Group: g}) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// unionKeys lists the keys of a and b, sorted.
func unionKeys(a, b map[string]Connections) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func wardFigures(cur, prev yearFigures) []WardFigures {
	out := []WardFigures{}
	for _, k := range unionKeys(cur.byWard, prev.byWard) {
		out = append(out, WardFigures{Ward: k, Connections: cur.byWard[k], Previous: prev.byWard[k]})
	}
	return out
}

func countryFigures(cur, prev yearFigures) []CountryFigures {
	keys := unionKeys(cur.byCountry, prev.byCountry)
	out := []CountryFigures{}
	for _, k := range keys {
		out = append(out, CountryFigures{Country: k, Connections: cur.byCountry[k], Previous: prev.byCountry[k]})
	}
	return out
}

func sourcing(cur, prev yearFigures) []BuyerSourcing {
	out := []BuyerSourcing{}
	for _, b := range cur.buyers {
		if p, ok := prev.buyers[b.BuyerID]; ok {
			b.PreviousVND = p.ContractValueVND
		}
		out = append(out, *b)
	}
	for id, p := range prev.buyers {
		if _, ok := cur.buyers[id]; !ok {
			out = append(out, BuyerSourcing{BuyerID: id, BuyerName: p.BuyerName, Country: p.Country, PreviousVND: p.ContractValueVND})
		}
	}
	slices.SortFunc(out, func(a, b BuyerSourcing) int {
		if a.ContractValueVND != b.ContractValueVND {
			if a.ContractValueVND > b.ContractValueVND {
				return -1
			}
			return 1
		}
		return strings.Compare(a.BuyerID.String(), b.BuyerID.String())
	})
	return out
}

// yearFigures are one year's raw counts.
type yearFigures struct {
	keyProducts, keyFirms     int
	groupProducts, groupFirms map[string]int
	keyFirmsToDate, supported int
	firms, certified          int
	total                     Connections
	byGroup                   map[string]Connections
	byCountry                 map[string]Connections
	byWard                    map[string]Connections
	buyers                    map[uuid.UUID]*BuyerSourcing
	rates                     RatesUsed
}

// supplierGroup is a CTE naming every supplier's group and place: its
// ward, else its former district.
const supplierGroup = `sg AS (SELECT s.id, coalesce((SELECT c.industry_group FROM directory_capabilities c
  WHERE c.supplier_id = s.id ORDER BY c.declared_version LIMIT 1), '` + Unclassified + `') AS grp,
  coalesce(nullif(s.ward, ''), s.district) AS district FROM directory_suppliers s)`

func figuresOf(ctx context.Context, db Querier, year int) (yearFigures, error) {
	f := yearFigures{groupProducts: map[string]int{}, groupFirms: map[string]int{}, byGroup: map[string]Connections{},
		byCountry: map[string]Connections{}, byWard: map[string]Connections{}, buyers: map[uuid.UUID]*BuyerSourcing{}}
	rows, err := db.Query(ctx, `WITH `+supplierGroup+`
SELECT coalesce(sg.grp, '`+Unclassified+`'), count(*), count(DISTINCT k.supplier_id)
FROM directory_key_products k LEFT JOIN sg ON sg.id = k.supplier_id WHERE k.recognized_year = $1 GROUP BY 1`, year)
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var g string
		var n, firms int
		if err := rows.Scan(&g, &n, &firms); err != nil {
			rows.Close()
			return f, err
		}
		f.groupProducts[g], f.groupFirms[g] = n, firms
		f.keyProducts += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return f, err
	}
	err = db.QueryRow(ctx, `SELECT
  (SELECT count(DISTINCT supplier_id) FROM directory_key_products WHERE recognized_year = $1),
  (SELECT count(DISTINCT k.supplier_id) FROM directory_key_products k WHERE k.recognized_year <= $1),
  (SELECT count(DISTINCT k.supplier_id) FROM directory_key_products k WHERE k.recognized_year <= $1
     AND EXISTS (SELECT 1 FROM programme_support p WHERE p.supplier_id = k.supplier_id AND p.year = $1)),
  (SELECT count(*) FROM directory_suppliers),
  (SELECT count(*) FROM directory_suppliers s WHERE EXISTS (SELECT 1 FROM directory_capabilities c,
     jsonb_array_elements(c.certifications) x WHERE c.supplier_id = s.id
     AND (x->>'valid_until') >= make_date($1, 12, 31)::text
     AND upper(x->>'standard') !~ '^\s*(TCVN|QCVN|VIETGAP)'))`, year).
		Scan(&f.keyFirms, &f.keyFirmsToDate, &f.supported, &f.firms, &f.certified)
	if err != nil {
		return f, err
	}
	if err := f.meetings(ctx, db, year); err != nil {
		return f, err
	}
	if err := f.loadRates(ctx, db, year); err != nil {
		return f, err
	}
	return f, f.deals(ctx, db, year)
}

func (f *yearFigures) bump(group, country, ward string, c Connections) {
	g, k, w := f.byGroup[group], f.byCountry[country], f.byWard[ward]
	g.add(c)
	k.add(c)
	w.add(c)
	f.byGroup[group], f.byCountry[country], f.byWard[ward] = g, k, w
	f.total.add(c)
}

func (f *yearFigures) meetings(ctx context.Context, db Querier, year int) error {
	// Meetings are counted held by conference.AttendanceOf, the rule of the
	// event report: the organiser's outcome, or either side's feedback.
	rows, err := db.Query(ctx, `WITH `+supplierGroup+`
SELECT coalesce(d.industry_group, sg.grp, '`+Unclassified+`'), coalesce(b.country, ''), coalesce(sg.district, ''),
  m.outcome_status, m.supplier_took_place, m.buyer_took_place, count(*)
FROM conference_meetings m JOIN conference_events e ON e.id = m.event_id
LEFT JOIN board_demands d ON d.id = m.demand_id LEFT JOIN sg ON sg.id = m.supplier_id
LEFT JOIN board_buyers b ON b.id = m.buyer_id
WHERE m.state = 'published' AND extract(year FROM e.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh') = $1
GROUP BY 1, 2, 3, 4, 5, 6`, year)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			g, country, ward string
			outcome          *conference.Status
			supplier, buyer  *bool
			n                int
		)
		if err := rows.Scan(&g, &country, &ward, &outcome, &supplier, &buyer, &n); err != nil {
			return err
		}
		c := Connections{Matches: n}
		if conference.AttendanceOf(outcome, supplier, buyer) == conference.AttendanceHeld {
			c.MeetingsHeld = n
		}
		f.bump(g, country, ward, c)
	}
	return rows.Err()
}

func (f *yearFigures) loadRates(ctx context.Context, db Querier, year int) error {
	f.rates = RatesUsed{Year: year, VNDPer: map[string]float64{"VND": 1}, FromYear: map[string]int{"VND": year}, Missing: []string{}}
	rows, err := db.Query(ctx, `SELECT year, vnd_per FROM programme_rates WHERE year <= $1 ORDER BY year DESC`, year)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var y int
		var m map[string]float64
		if err := rows.Scan(&y, &m); err != nil {
			return err
		}
		for k, v := range m {
			if _, ok := f.rates.VNDPer[k]; !ok {
				f.rates.VNDPer[k], f.rates.FromYear[k] = v, y
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range deal.Currencies {
		if _, ok := f.rates.VNDPer[string(c)]; !ok {
			f.rates.Missing = append(f.rates.Missing, string(c))
		}
	}
	return nil
}

// vnd converts an amount with the year's rates; ok is false without a rate.
func (f *yearFigures) vnd(minor int64, currency string) (int64, bool) {
	rate, ok := f.rates.VNDPer[currency]
	if !ok {
		return 0, false
	}
	m := deal.Money{Minor: minor, Currency: deal.Currency(currency)}
	return int64(math.Round(m.Major() * rate)), true
}

// dealKeys names a deal's group and buyer.
const dealKeys = `coalesce(d.industry_group, sg.grp, '` + Unclassified + `'), dl.buyer_id, coalesce(b.name, ''), coalesce(b.country, ''),
  coalesce(sg.district, '')
FROM deals dl LEFT JOIN board_demands d ON d.id = dl.demand_id LEFT JOIN sg ON sg.id = dl.supplier_id
LEFT JOIN board_buyers b ON b.id = dl.buyer_id`

func (f *yearFigures) deals(ctx context.Context, db Querier, year int) error {
	rows, err := db.Query(ctx, `WITH `+supplierGroup+`
SELECT 'mou', NULL::bigint, NULL::text, `+dealKeys+`
WHERE EXISTS (SELECT 1 FROM deal_history h WHERE h.deal_id = dl.id AND h.kind = 'mou' AND extract(year FROM h.on_date) = $1)
UNION ALL
SELECT 'contract', dl.contract_minor, dl.contract_currency, `+dealKeys+`
WHERE dl.stage = 'contract' AND extract(year FROM dl.contract_on) = $1`, year)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind, g, name, country, ward string
			buyerID                      uuid.UUID
			minor                        *int64
			currency                     *string
		)
		if err := rows.Scan(&kind, &minor, &currency, &g, &buyerID, &name, &country, &ward); err != nil {
			return err
		}
		var c Connections
		if kind == "mou" {
			c.MoUs = 1
			f.bump(g, country, ward, c)
			continue
		}
		c.Contracts = 1
		if minor != nil && currency != nil {
			v, ok := f.vnd(*minor, *currency)
			if !ok {
				f.rates.Unconverted++
			}
			c.ContractValueVND = v
		}
		f.bump(g, country, ward, c)
		b := f.buyers[buyerID]
		if b == nil {
			b = &BuyerSourcing{BuyerID: buyerID, BuyerName: name, Country: country}
			f.buyers[buyerID] = b
		}
		b.Contracts++
		b.ContractValueVND += c.ContractValueVND
	}
	return rows.Err()
}

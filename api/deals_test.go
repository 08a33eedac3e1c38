package api_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/keylink/keylink/projections/programme"
)

// dealMeeting is a published meeting as the schedule answer gives it.
type dealMeeting struct {
	ID         string `json:"id"`
	SupplierID string `json:"supplier_id"`
	BuyerID    string `json:"buyer_id"`
}

// meetAt runs one event starting at start for the registered firms and
// returns its id and the meeting of supplier and buyer, over once the clock
// is past start + 4h.
func meetAt(t *testing.T, e *env, clk *clock, start time.Time, name, sup, buy string, firms ...string) (string, string) {
	t.Helper()
	body := eventBody(name)
	body["starts_at"], body["ends_at"] = start.Format(time.RFC3339), start.Add(3*time.Hour).Format(time.RFC3339)
	event := e.must(e.do("POST", "/v1/events", e.organiser, body), 201).str(t, "id")
	var last int64
	for _, f := range firms {
		last = e.register(event, f).num(t, "position")
	}
	// The event report waits for the match lists, so the proposal sees them.
	e.must(e.read(fmt.Sprintf("/v1/events/%s/report?after=%d", event, last), e.organiser), 200)
	// Without a draft the schedule is published at once.
	proposal := decode[struct{ Meetings []dealMeeting }](t, e.must(e.do("POST", "/v1/events/"+event+"/schedule", e.organiser, nil), 200))
	i := slices.IndexFunc(proposal.Meetings, func(m dealMeeting) bool { return m.SupplierID == sup && m.BuyerID == buy })
	if i < 0 {
		t.Fatalf("%s: no meeting of the pair in %+v", name, proposal.Meetings)
	}
	clk.set(start.Add(4 * time.Hour))
	return event, proposal.Meetings[i].ID
}

// TestDealAcrossTwoFairs walks a supplier and a buyer from an MoU at one fair
// to a contract at another, checks who sees and moves deals, and checks the
// programme report against figures computed by hand.
func TestDealAcrossTwoFairs(t *testing.T) {
	t.Parallel()
	clk := &clock{t: eventStart.AddDate(0, -1, 0)}
	e := newClockEnv(t, clk)
	org := e.organiser

	s1, s1tok := e.signup("supplier", supplierBody("Cơ khí chính xác Thăng Long"))
	capBody := capabilityBody("Giá đỡ thép dập")
	capBody["certifications"] = []map[string]any{{"standard": "IATF 16949", "valid_until": "2031-12-31"}}
	e.must(e.do("POST", "/v1/suppliers/"+s1+"/capabilities", s1tok, capBody), 201)
	s2body := supplierBody("Dệt may Hà Đông")
	s2body["district"], s2body["ward"] = "Hà Đông", "Phường Hà Đông" // the report counts it by ward
	s2, s2tok := e.signup("supplier", s2body)
	textile := map[string]any{"title": "Vải dệt kim", "industry_group": "textile_leather",
		"certifications": []map[string]any{{"standard": "TCVN ISO 9001:2015", "valid_until": "2031-12-31"}},
		"capacity":       map[string]any{"quantity": 1000, "unit": "m", "per": "month"}, "lead_time_days": 20}
	e.must(e.do("POST", "/v1/suppliers/"+s2+"/capabilities", s2tok, textile), 201)
	b1, b1tok := e.signup("buyer", buyerBody("Canon Vietnam"))
	d1 := e.must(e.do("POST", "/v1/buyers/"+b1+"/demands", b1tok, demandBody("Giá đỡ thép")), 201).str(t, "id")
	korea := buyerBody("Samsung Display Việt Nam")
	korea["country"] = "KR"
	b2, b2tok := e.signup("buyer", korea)

	// Recognitions, support and rates.
	kp := func(id, product string, year int) {
		e.must(e.do("POST", "/v1/suppliers/"+id+"/key-products", org, map[string]any{"product": product, "recognized_year": year, "decision_no": "1/QĐ-UBND"}), 201)
	}
	kp(s1, "Giá đỡ thép", 2030)
	kp(s1, "Khung máy in", 2030)
	kp(s2, "Vải kỹ thuật", 2029)
	sup := func(id string, year int) {
		e.must(e.do("POST", "/v1/suppliers/"+id+"/support", org, map[string]any{"programme": "Xúc tiến thương mại", "year": year,
			"kind": "trade_promotion", "amount_vnd": 50000000}), 201)
	}
	sup(s1, 2030)
	sup(s2, 2029)
	e.must(e.do("POST", "/v1/suppliers/"+s1+"/support", s1tok, map[string]any{"programme": "X", "year": 2030, "kind": "training"}), 403)
	bad := e.must(e.do("POST", "/v1/suppliers/"+s1+"/support", org, map[string]any{"programme": " ", "year": 1990, "kind": "gift", "amount_vnd": -1}), 400)
	if got := bad.fields(t); !slices.Equal(got, []string{"programme", "year", "kind", "amount_vnd"}) {
		t.Errorf("support problems name %v", got)
	}
	e.must(e.do("POST", "/v1/suppliers/0193a1f2-0000-7000-8000-000000000000/support", org, map[string]any{"programme": "X", "year": 2030, "kind": "other"}), 404)
	e.must(e.do("PUT", "/v1/programme/rates/2029", org, map[string]any{"USD": 24000}), 200)
	e.must(e.do("PUT", "/v1/programme/rates/2030", org, map[string]any{"USD": 25000, "JPY": 170}), 200)
	e.must(e.do("PUT", "/v1/programme/rates/2030", s1tok, map[string]any{"USD": 1}), 403)
	if got := e.must(e.do("PUT", "/v1/programme/rates/2030", org, map[string]any{"GBP": 30000, "USD": -1}), 400).fields(t); !slices.Equal(got, []string{"GBP", "USD"}) {
		t.Errorf("rate problems name %v", got)
	}

	// The first fair: an MoU opens the deal of the pair.
	ev1, m1 := meetAt(t, e, clk, eventStart, "Hội nghị kết nối 10/2030", s1, b1, s1, b1)
	out := e.must(e.do("POST", "/v1/events/"+ev1+"/meetings/"+m1+"/outcome", org,
		map[string]any{"status": "held", "result": "mou", "value_usd": 50000}), 200)
	deals := decode[programme.DealPage](t, e.must(e.read(fmt.Sprintf("/v1/deals?after=%d", out.num(t, "position")), s1tok), 200))
	if deals.Total != 1 || len(deals.Items) != 1 || deals.Items[0].Stage != "contacted" || deals.Items[0].MoUs != 1 ||
		deals.Items[0].DemandID == nil || deals.Items[0].DemandID.String() != d1 || len(deals.Items[0].MeetingIDs) != 1 {
		t.Fatalf("after the first fair the supplier sees %+v", deals)
	}
	deal1 := deals.Items[0].ID.String()
	e.must(e.do("POST", "/v1/deals", b1tok, map[string]any{"supplier_id": s1, "buyer_id": b1, "demand_id": d1}), 409)

	// Between the fairs the firms move it themselves.
	e.must(e.do("POST", "/v1/deals/"+deal1+"/stage", s1tok, map[string]any{"stage": "sample", "note": "Mẫu gửi 20/10"}), 200)
	e.must(e.do("POST", "/v1/deals/"+deal1+"/stage", b2tok, map[string]any{"stage": "audit"}), 404)
	badStage := e.must(e.do("POST", "/v1/deals/"+deal1+"/stage", b1tok, map[string]any{"stage": "won", "value": 12.5, "currency": "VND", "on": "2030-02-30", "note": "a\u0000b"}), 400)
	if got := badStage.fields(t); !slices.Equal(got, []string{"stage", "value", "on", "note"}) {
		t.Errorf("stage problems name %v", got)
	}
	if got := e.must(e.do("POST", "/v1/deals/"+deal1+"/stage", b1tok, map[string]any{"stage": "lost", "value": 1}), 400).fields(t); !slices.Equal(got, []string{"currency"}) {
		t.Errorf("a value without a currency: %v", got)
	}
	if got := e.must(e.do("POST", "/v1/deals/"+deal1+"/stage", b1tok, map[string]any{"stage": "lost"}), 400).fields(t); !slices.Equal(got, []string{"note"}) {
		t.Errorf("lost without a reason: %v", got)
	}
	e.must(e.do("POST", "/v1/deals/"+deal1+"/stage", b1tok, map[string]any{"stage": "audit", "on": "2030-11-05"}), 200)

	// The second fair: a contract.
	second := eventStart.AddDate(0, 2, 0)
	ev2, m2 := meetAt(t, e, clk, second, "Hội chợ sản phẩm công nghiệp chủ lực 12/2030", s1, b1, s1, b1)
	out = e.must(e.do("POST", "/v1/events/"+ev2+"/meetings/"+m2+"/outcome", org,
		map[string]any{"status": "held", "result": "contract", "value_usd": 100000}), 200)
	got := e.must(e.read(fmt.Sprintf("/v1/deals/%s?after=%d", deal1, out.num(t, "position")), b1tok), 200)
	if !strings.Contains(string(got.body), `"contract":{"on":"2030-12-15","value":100000,"value_minor":10000000,"currency":"USD"}`) {
		t.Errorf("the deal's contract as JSON: %s", got.body)
	}
	d := decode[programme.Deal](t, got)
	if d.Stage != "contract" || d.Contract == nil || d.Contract.On.String() != "2030-12-15" || d.Contract.Amount == nil ||
		d.Contract.Minor != 10000000 || d.Contract.Currency != "USD" || d.Contract.Value != 100000 || len(d.MeetingIDs) != 2 {
		t.Fatalf("after the second fair: %+v", d)
	}
	kinds := []string{}
	for _, h := range d.History {
		kinds = append(kinds, h.Kind+":"+h.Stage)
	}
	if want := []string{"opened:contacted", "meeting:", "mou:", "stage:sample", "stage:audit", "meeting:", "stage:contract"}; !slices.Equal(kinds, want) {
		t.Errorf("history %v, want %v", kinds, want)
	}
	// The same outcome recorded again changes no deal.
	again := e.must(e.do("POST", "/v1/events/"+ev2+"/meetings/"+m2+"/outcome", org,
		map[string]any{"status": "held", "result": "contract", "value_usd": 100000}), 200)
	if d2 := decode[programme.Deal](t, e.must(e.read(fmt.Sprintf("/v1/deals/%s?after=%d", deal1, again.num(t, "position")), org), 200)); d2.Version != d.Version {
		t.Errorf("recording the outcome again moved the deal from version %d to %d", d.Version, d2.Version)
	}

	// Deals opened by hand.
	e.must(e.do("POST", "/v1/deals", s1tok, map[string]any{"supplier_id": s2, "buyer_id": b2}), 403)
	e.must(e.do("POST", "/v1/deals", org, map[string]any{"supplier_id": b1, "buyer_id": b2}), 400)
	e.must(e.do("POST", "/v1/deals", org, map[string]any{"supplier_id": s2, "buyer_id": b2, "demand_id": d1}), 400)
	deal2 := e.must(e.do("POST", "/v1/deals", b2tok, map[string]any{"supplier_id": s2, "buyer_id": b2}), 201).str(t, "id")
	e.must(e.do("POST", "/v1/deals/"+deal2+"/stage", s2tok, map[string]any{"stage": "contract", "value": 5000000, "currency": "JPY", "on": "2030-03-01"}), 200)
	e.must(e.do("POST", "/v1/deals/"+deal2+"/mou", s1tok, map[string]any{"on": "2029-12-01"}), 404)
	e.must(e.do("POST", "/v1/deals/"+deal2+"/mou", b2tok, map[string]any{"on": "2029-12-01", "value": 1.5, "currency": "JPY"}), 400)
	e.must(e.do("POST", "/v1/deals/"+deal2+"/mou", b2tok, map[string]any{"on": "2029-12-01"}), 200)
	deal3 := e.must(e.do("POST", "/v1/deals", s2tok, map[string]any{"supplier_id": s2, "buyer_id": b1}), 201).str(t, "id")
	e.must(e.do("POST", "/v1/deals/"+deal3+"/stage", org, map[string]any{"stage": "contract", "value": 1000, "currency": "USD", "on": "2029-05-01"}), 200)
	last := e.must(e.do("POST", "/v1/deals", org, map[string]any{"supplier_id": s1, "buyer_id": b2}), 201)
	deal4 := last.str(t, "id")

	// Who sees what.
	after := fmt.Sprintf("after=%d", last.num(t, "position"))
	seen := func(tok, query string) []string {
		page := decode[programme.DealPage](t, e.must(e.read("/v1/deals?"+after+query, tok), 200))
		var ids []string
		for _, d := range page.Items {
			ids = append(ids, d.ID.String())
		}
		if page.Total != len(ids) {
			t.Errorf("total %d for %d items", page.Total, len(ids))
		}
		return ids
	}
	for _, tc := range []struct {
		who, tok, query string
		want            []string
	}{
		{"organiser", org, "", []string{deal1, deal2, deal3, deal4}},
		{"s1", s1tok, "", []string{deal1, deal4}},
		{"s2", s2tok, "", []string{deal2, deal3}},
		{"b2", b2tok, "", []string{deal2, deal4}},
		{"organiser, contracts of s2", org, "&stage=contract&supplier_id=" + s2, []string{deal2, deal3}},
		{"organiser, b1", org, "&buyer_id=" + b1, []string{deal1, deal3}},
		{"b2 asking for s1's", b2tok, "&supplier_id=" + s1, []string{deal4}},
		{"organiser, to chase", org, "&stale=true", nil},
	} {
		if got := seen(tc.tok, tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%s sees %v, want %v", tc.who, got, tc.want)
		}
	}
	e.must(e.read("/v1/deals/"+deal2, s1tok), 404)
	if got := e.must(e.do("GET", "/v1/deals?colour=red&stage=won", org, nil), 400).fields(t); !slices.Contains(got, "colour") || !slices.Contains(got, "stage") {
		t.Errorf("unknown parameter: %v", got)
	}
	page1 := decode[programme.DealPage](t, e.must(e.read("/v1/deals?limit=3", org), 200))
	page2 := decode[programme.DealPage](t, e.must(e.read("/v1/deals?limit=3&cursor="+page1.NextCursor, org), 200))
	if len(page1.Items) != 3 || len(page2.Items) != 1 || page2.NextCursor != "" || page2.Items[0].ID.String() != deal4 {
		t.Errorf("pages of 3: %d then %d", len(page1.Items), len(page2.Items))
	}
	e.must(e.do("GET", "/v1/deals?cursor=zz", org, nil), 400)

	// A month without news puts the open deal on the list to chase.
	clk.set(second.AddDate(0, 1, 2))
	if got := seen(org, "&stale=true"); !slices.Equal(got, []string{deal4}) {
		t.Errorf("to chase: %v", got)
	}

	checkProgrammeReport(t, e, s1tok, after)
}

// checkProgrammeReport compares the 2030 report with the figures worked out
// by hand from what TestDealAcrossTwoFairs recorded.
func checkProgrammeReport(t *testing.T, e *env, firmToken, after string) {
	t.Helper()
	e.must(e.do("GET", "/v1/programme/report?year=2030", firmToken, nil), 403)
	e.must(e.do("GET", "/v1/programme/report", e.organiser, nil), 400)
	e.must(e.do("GET", "/v1/programme/report?year=2030&format=pdf", e.organiser, nil), 400)
	e.must(e.do("GET", "/v1/programme/report?year=2030&colour=red", e.organiser, nil), 400)
	r := decode[programme.ProgrammeReport](t, e.must(e.read("/v1/programme/report?year=2030&"+after, e.organiser), 200))
	type fig struct{ value, previous float64 }
	want := map[string]fig{
		"key_products_recognised":             {2, 1},
		"key_product_firms_recognised":        {1, 1},
		"key_product_firms_supported":         {50, 100},
		"supporting_industry_firms":           {2, 2},
		"certified_supporting_industry_firms": {1, 1},
		"matches":                             {2, 0},
		"meetings_held":                       {2, 0},
		"mous":                                {1, 1},
		"contracts":                           {2, 1},
		// 100,000 USD x 25,000 + 5,000,000 JPY x 170; 1,000 USD x 24,000.
		"contract_value_vnd": {2_500_000_000 + 850_000_000, 24_000_000},
	}
	for _, ind := range r.Indicators {
		w, ok := want[ind.Code]
		if !ok || ind.Value != w.value || ind.Previous != w.previous || ind.Method == "" {
			t.Errorf("%s = %g (previous %g), want %+v", ind.Code, ind.Value, ind.Previous, w)
		}
		delete(want, ind.Code)
	}
	if len(want) != 0 {
		t.Errorf("indicators missing: %v", want)
	}
	group := func(g string) programme.GroupFigures {
		i := slices.IndexFunc(r.IndustryGroups, func(x programme.GroupFigures) bool { return x.Group == g })
		if i < 0 {
			t.Fatalf("no group %s", g)
		}
		return r.IndustryGroups[i]
	}
	if m := group("mechanical"); m.KeyProducts != 2 || m.Connections != (programme.Connections{Matches: 2, MeetingsHeld: 2, MoUs: 1, Contracts: 1, ContractValueVND: 2_500_000_000}) {
		t.Errorf("mechanical %+v", m)
	}
	if x := group("textile_leather"); x.Previous.KeyProducts != 1 || x.Connections.ContractValueVND != 850_000_000 || x.Previous.Connections.ContractValueVND != 24_000_000 {
		t.Errorf("textile %+v", x)
	}
	if len(r.BuyerCountries) != 2 || r.BuyerCountries[0].Country != "JP" || r.BuyerCountries[0].Connections.Contracts != 1 ||
		r.BuyerCountries[0].Previous.ContractValueVND != 24_000_000 || r.BuyerCountries[1].Connections.ContractValueVND != 850_000_000 {
		t.Errorf("countries %+v", r.BuyerCountries)
	}
	// By ward: s2's ward; s1 has none and counts under its former district.
	wards := map[string]programme.Connections{}
	for _, w := range r.Wards {
		wards[w.Ward] = w.Connections
	}
	if len(wards) != 2 || wards["Đông Anh"] != (programme.Connections{Matches: 2, MeetingsHeld: 2, MoUs: 1, Contracts: 1, ContractValueVND: 2_500_000_000}) ||
		wards["Phường Hà Đông"] != (programme.Connections{Contracts: 1, ContractValueVND: 850_000_000}) {
		t.Errorf("wards %+v", r.Wards)
	}
	if len(r.LocalSourcing) != 2 || r.LocalSourcing[0].BuyerName != "Canon Vietnam" || r.LocalSourcing[0].ContractValueVND != 2_500_000_000 ||
		r.LocalSourcing[0].PreviousVND != 24_000_000 || r.LocalSourcing[1].ContractValueVND != 850_000_000 {
		t.Errorf("local sourcing %+v", r.LocalSourcing)
	}
	if got := fmt.Sprint(r.Funnel); got != "[{matched 2 0} {held 2 0} {mou 1 1} {contract 2 1}]" {
		t.Errorf("funnel %s", got)
	}
	if r.Rates[0].VNDPer["USD"] != 25000 || r.Rates[0].FromYear["JPY"] != 2030 || r.Rates[1].VNDPer["USD"] != 24000 ||
		!slices.Equal(r.Rates[0].Missing, []string{"KRW", "CNY", "EUR"}) {
		t.Errorf("rates %+v", r.Rates)
	}

	page := e.must(e.read("/v1/programme/report?year=2030&format=html", e.organiser), 200)
	html := string(page.body)
	if page.header.Get("Content-Security-Policy") == "" || page.header.Get("Content-Language") != "vi" ||
		!strings.Contains(html, "Hợp đồng") || !strings.Contains(html, "<svg") || strings.Contains(html, "http://") && !strings.Contains(html, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Errorf("HTML page: %s", page.header)
	}
	if !strings.Contains(html, "3.350.000.000") || !strings.Contains(html, "Tổng giá trị các hợp đồng") || !strings.Contains(html, "100,0%") {
		t.Error("the HTML page does not show the contract value")
	}
	en := e.do("GET", "/v1/programme/report?year=2030&format=html", e.organiser, nil, "Accept-Language", "en-GB,en;q=0.9")
	if en.header.Get("Content-Language") != "en" || !strings.Contains(string(en.body), "Contracts") {
		t.Errorf("English page: %s", en.header)
	}

	book := e.must(e.read("/v1/programme/report?year=2030&format=xlsx", e.organiser), 200)
	f, err := excelize.OpenReader(bytes.NewReader(book.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"indicators", "industry_groups", "buyer_countries", "wards", "local_sourcing", "funnel", "rates"}) {
		t.Errorf("sheets %v", got)
	}
	rows, err := f.GetRows("indicators")
	if err != nil || len(rows) != 11 || rows[10][0] != "contract_value_vnd" || rows[10][2] != "3350000000" {
		t.Errorf("indicator sheet %v %v", rows, err)
	}
}

func TestDealBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	org := e.organiser
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"POST", "/v1/deals", `{"supplier_id": "nope", "buyer_id": 3}`, 400},
		{"POST", "/v1/deals", `{}`, 400},
		{"POST", "/v1/deals", ``, 400},
		{"POST", "/v1/deals", `{"supplier_id": "0193a1f2-0000-7000-8000-000000000001", "buyer_id": "0193a1f2-0000-7000-8000-000000000002", "colour": 1}`, 400},
		{"POST", "/v1/deals", `{"supplier_id": "0193a1f2-0000-7000-8000-000000000001", "buyer_id": "0193a1f2-0000-7000-8000-000000000002", "meeting_ids": ["0193a1f2-0000-7000-8000-000000000003"]}`, 400},
		{"POST", "/v1/deals/0193a1f2-0000-7000-8000-000000000001/stage", `{"stage": "sample"}`, 404},
		{"POST", "/v1/deals/not-a-uuid/stage", `{"stage": "sample"}`, 404},
		{"POST", "/v1/deals/0193a1f2-0000-7000-8000-000000000001/stage", `{"stage": "sample", "value": "ten"}`, 400},
		{"POST", "/v1/deals/0193a1f2-0000-7000-8000-000000000001/mou", `{"on": "soon"}`, 400},
		{"GET", "/v1/deals/not-a-uuid", nil, 404},
		{"GET", "/v1/deals?limit=0&stale=maybe&buyer_id=x", nil, 400},
		{"PUT", "/v1/programme/rates/2030", `{"USD": "x"}`, 400},
		{"PUT", "/v1/programme/rates/2030", `[]`, 400},
		{"PUT", "/v1/programme/rates/2030", `{}`, 400},
		{"PUT", "/v1/programme/rates/1800", `{"USD": 25000}`, 404},
		{"GET", "/v1/programme/rates/abc", nil, 404},
		{"POST", "/v1/suppliers/0193a1f2-0000-7000-8000-000000000001/support", `{"programme": "X", "year": 2030, "kind": "other", "amount_vnd": 1.5}`, 400},
		{"GET", "/v1/programme/report?year=abc", nil, 400},
		{"GET", "/v1/programme/report?year=2030", nil, 200},
	} {
		if r := e.do(tc.method, tc.path, org, tc.body); r.status != tc.status {
			t.Errorf("%s %s %v: %d, want %d: %s", tc.method, tc.path, tc.body, r.status, tc.status, r.body)
		}
	}
	if r := e.do("GET", "/v1/programme/rates/2030", org, nil); r.status != 200 || !strings.Contains(string(r.body), `"vnd_per":{}`) {
		t.Errorf("rates of a year without a table: %d %s", r.status, r.body)
	}
}

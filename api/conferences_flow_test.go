package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keylink/keylink/projections/conferences"
)

// scheduled is a meeting as POST /v1/events/{id}/schedule answers it.
type scheduled struct {
	ID         string    `json:"id"`
	Slot       int       `json:"slot"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
	Table      *int      `json:"table"`
	SupplierID string    `json:"supplier_id"`
	BuyerID    string    `json:"buyer_id"`
	DemandID   *string   `json:"demand_id"`
	Score      int       `json:"score"`
}

type scheduleAnswer struct {
	ID          string      `json:"id"`
	Version     int64       `json:"version"`
	Position    int64       `json:"position"`
	Meetings    []scheduled `json:"meetings"`
	Unscheduled []struct {
		SupplierID string `json:"supplier_id"`
		Reason     string `json:"reason"`
	} `json:"unscheduled"`
}

// firm is an organisation with its user's token.
type firm struct{ id, token, name string }

// checkSchedule verifies the contract's hard constraints on an answer: no
// participant and no table twice in a slot, tables 1..tables, a pair at
// most once, nobody above the cap, nobody during their unavailable time.
func checkSchedule(t *testing.T, ms []scheduled, tables, maxPer int, away map[string][2]time.Time) {
	t.Helper()
	busy, tableUsed, pairs, count := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]int{}
	for _, m := range ms {
		for _, who := range []string{m.SupplierID, m.BuyerID} {
			k := fmt.Sprint(m.Slot, who)
			if busy[k] {
				t.Errorf("%s twice in slot %d", who, m.Slot)
			}
			busy[k] = true
			count[who]++
			if a, ok := away[who]; ok && m.StartsAt.Before(a[1]) && a[0].Before(m.EndsAt) {
				t.Errorf("%s meets at %v while away", who, m.StartsAt)
			}
		}
		if m.Table == nil || *m.Table < 1 || *m.Table > tables {
			t.Errorf("meeting %s at table %v", m.ID, m.Table)
		} else if k := fmt.Sprint(m.Slot, "/", *m.Table); tableUsed[k] {
			t.Errorf("table %d twice in slot %d", *m.Table, m.Slot)
		} else {
			tableUsed[k] = true
		}
		if p := m.SupplierID + m.BuyerID; pairs[p] {
			t.Errorf("pair %s meets twice", p)
		} else {
			pairs[p] = true
		}
		if m.Score < 0 || m.Score > 100 || m.StartsAt.Before(eventStart) || !m.EndsAt.After(m.StartsAt) {
			t.Errorf("meeting %+v", m)
		}
	}
	for who, n := range count {
		if n > maxPer {
			t.Errorf("%s has %d meetings, cap %d", who, n, maxPer)
		}
	}
}

// TestEventFlow runs an event from creation to the report: firms with
// matching capabilities and demands register, one request is accepted and
// one declined, the organiser proposes, locks and publishes a schedule, the
// firms read their agendas, give feedback after the meetings, the organiser
// records outcomes, and the report (JSON, CSV and HTML) adds up to exactly
// what was recorded.
func TestEventFlow(t *testing.T) {
	t.Parallel()
	clk := &clock{t: eventStart.AddDate(0, -1, 0)}
	e := newClockEnv(t, clk)
	eventName := "Hội nghị kết nối doanh nghiệp công nghiệp chủ lực với doanh nghiệp FDI năm 2030"
	event := e.newEvent(eventName)
	base := "/v1/events/" + event
	var sups, buys []firm
	for _, name := range []string{"Công ty Cơ khí Rạng Đông", "Cơ khí chính xác Thăng Long", "Cơ khí Đông Anh"} {
		id, tok := e.signup("supplier", supplierBody(name))
		e.must(e.do("POST", "/v1/suppliers/"+id+"/capabilities", tok, capabilityBody("Giá đỡ thép dập")), 201)
		sups = append(sups, firm{id, tok, name})
	}
	for _, name := range []string{"Canon Vietnam", "Panasonic Việt Nam, Co.; Ltd"} {
		id, tok := e.signup("buyer", buyerBody(name))
		e.must(e.do("POST", "/v1/buyers/"+id+"/demands", tok, demandBody("Giá đỡ thép")), 201)
		buys = append(buys, firm{id, tok, name})
	}
	s1, s2, s3, b1, b2 := sups[0], sups[1], sups[2], buys[0], buys[1]
	away := map[string][2]time.Time{s3.id: {eventStart, eventStart.Add(time.Hour)}}
	for _, f := range append(slices.Clone(sups), buys...) {
		body := map[string]any{"organisation_id": f.id}
		if a, ok := away[f.id]; ok {
			body["unavailable"] = []map[string]any{{"from": a[0].Format(time.RFC3339), "to": a[1].Format(time.RFC3339)}}
		}
		if f.id == b2.id {
			body["interpreter_language"] = "KR"
		}
		e.must(e.do("POST", base+"/registrations", f.token, body), 201)
	}
	e.must(e.do("POST", base+"/interpreters", e.organiser, map[string]any{"language": "KR", "count": 3}), 200)
	r1 := e.must(e.do("POST", base+"/meeting-requests", s1.token, map[string]any{"from": s1.id, "to": b1.id}), 201).str(t, "id")
	e.must(e.do("POST", base+"/meeting-requests/"+r1+"/accept", b1.token, nil), 200)
	r2 := e.must(e.do("POST", base+"/meeting-requests", b2.token, map[string]any{"from": b2.id, "to": s2.id}), 201).str(t, "id")
	last := e.must(e.do("POST", base+"/meeting-requests/"+r2+"/decline", s2.token, map[string]any{"reason": "Đã kín lịch"}), 200).num(t, "position")
	requests := decode[struct{ Requests []conferences.Request }](t,
		e.must(e.read(fmt.Sprintf("%s/meeting-requests?after=%d", base, last), e.organiser), 200)).Requests
	if len(requests) != 2 || requests[0].SupplierName != s1.name || requests[0].BuyerName != b1.name ||
		requests[1].SupplierName != s2.name || requests[1].BuyerName != b2.name {
		t.Fatalf("requests do not name the firms: %+v", requests)
	}

	// The report waits for the match lists too, so reading it makes sure
	// the proposal sees every match.
	before := decode[conferences.Report](t, e.must(e.read(fmt.Sprintf("%s/report?after=%d", base, last), e.organiser), 200))
	if before.Totals.Matches != 6 || before.Totals.Scheduled != 0 {
		t.Fatalf("matches before scheduling: %+v", before.Totals)
	}

	// Propose (idempotently), check the constraints, lock, publish.
	draft := map[string]any{"draft": true}
	e.must(e.do("POST", base+"/schedule", s1.token, draft), 403)
	first := e.must(e.do("POST", base+"/schedule", e.organiser, draft, "Idempotency-Key", "propose-1"), 200)
	again := e.must(e.do("POST", base+"/schedule", e.organiser, draft, "Idempotency-Key", "propose-1"), 200)
	if string(first.body) != string(again.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replayed proposal differs:\n%s\n%s", first.body, again.body)
	}
	proposal := decode[scheduleAnswer](t, first)
	if len(proposal.Meetings) != 6 || proposal.ID != event || proposal.Version == 0 || first.header.Get("ETag") == "" {
		t.Fatalf("proposal %s", first.body)
	}
	checkSchedule(t, proposal.Meetings, 2, 3, away)
	if !slices.ContainsFunc(proposal.Meetings, func(m scheduled) bool { return m.SupplierID == s1.id && m.BuyerID == b1.id }) {
		t.Fatal("the accepted request is not scheduled")
	}
	mine := decode[struct{ Meetings []conferences.Meeting }](t, e.must(e.read(fmt.Sprintf("%s/schedule?after=%d", base, proposal.Position), s1.token), 200))
	if len(mine.Meetings) != 0 {
		t.Fatalf("a firm sees a draft: %+v", mine.Meetings)
	}
	view := decode[struct {
		Meetings []conferences.Meeting
		Proposal *conferences.Proposal
	}](t, e.must(e.read(base+"/schedule", e.organiser), 200))
	if view.Proposal == nil || len(view.Proposal.Meetings) != 6 || len(view.Meetings) != 0 {
		t.Fatalf("organiser's view %+v", view)
	}
	e.must(e.do("POST", base+"/meetings/"+proposal.Meetings[0].ID+"/lock", s1.token, nil), 403)
	e.must(e.do("POST", base+"/meetings/0193a1f2-0000-7000-8000-000000000000/lock", e.organiser, nil), 404)
	e.must(e.do("POST", base+"/meetings/"+proposal.Meetings[0].ID+"/lock", e.organiser, nil), 200)
	e.must(e.do("POST", base+"/schedule/publish", b1.token, nil), 403)
	pub := e.must(e.do("POST", base+"/schedule/publish", e.organiser, nil), 200)
	e.must(e.do("POST", base+"/schedule/publish", e.organiser, nil), 409)
	after := fmt.Sprintf("?after=%d", pub.num(t, "position"))

	// Firms see their own published meetings and agendas.
	byPair := map[[2]string]scheduled{}
	for _, m := range proposal.Meetings {
		byPair[[2]string{m.SupplierID, m.BuyerID}] = m
	}
	mine = decode[struct{ Meetings []conferences.Meeting }](t, e.must(e.read(base+"/schedule"+after, s1.token), 200))
	if len(mine.Meetings) != 2 {
		t.Fatalf("s1 sees %d meetings", len(mine.Meetings))
	}
	for _, m := range mine.Meetings {
		if m.SupplierID.String() != s1.id || byPair[[2]string{s1.id, m.BuyerID.String()}].ID != m.ID.String() {
			t.Fatalf("s1 sees %+v", m)
		}
	}
	checkAgendas(t, e, base, after, s1, s3, b1, b2, byPair)

	// Feedback and outcomes, once the meetings are over.
	m1, m2 := byPair[[2]string{s1.id, b1.id}].ID, byPair[[2]string{s3.id, b2.id}].ID
	m3, m4 := byPair[[2]string{s2.id, b1.id}].ID, byPair[[2]string{s2.id, b2.id}].ID
	fb := func(id string) string { return base + "/meetings/" + id + "/feedback" }
	oc := func(id string) string { return base + "/meetings/" + id + "/outcome" }
	e.must(e.do("POST", fb(m1), s1.token, map[string]any{"took_place": true}), 409) // not over yet
	clk.set(eventStart.Add(4 * time.Hour))
	e.must(e.do("POST", fb(m1), s1.token, map[string]any{"took_place": true, "rating": "cooperation_possible"}), 200)
	e.must(e.do("POST", fb(m1), b1.token, map[string]any{"took_place": true, "rating": "informative"}), 200)
	e.must(e.do("POST", fb(m1), s2.token, map[string]any{"took_place": true}), 404) // not its meeting
	e.must(e.do("POST", fb(m1), s1.token, map[string]any{"rating": "informative"}), 400)
	e.must(e.do("POST", fb(m1), s1.token, map[string]any{"took_place": false, "rating": "informative"}), 400)
	e.must(e.do("POST", fb(m2), b2.token, map[string]any{"took_place": false}), 200)
	e.must(e.do("POST", fb(m2), e.organiser, map[string]any{"took_place": false}), 400) // the organiser names the side

	value := 250000.0
	e.must(e.do("POST", oc(m1), s1.token, map[string]any{"status": "held", "result": "mou"}), 403)
	e.must(e.do("POST", oc(m1), e.organiser, map[string]any{"status": "held", "result": "signed"}), 400)
	e.must(e.do("POST", oc(m1), e.organiser, map[string]any{"status": "no_show", "result": "mou"}), 400)
	e.must(e.do("POST", oc("0193a1f2-0000-7000-8000-000000000000"), e.organiser, map[string]any{"status": "held", "result": "none"}), 404)
	e.must(e.do("POST", oc(m1), e.organiser, map[string]any{"status": "held", "result": "mou", "value_usd": value}), 200)
	e.must(e.do("POST", oc(m2), e.organiser, map[string]any{"status": "held", "result": "none"}), 409) // b2 said no
	e.must(e.do("POST", oc(m2), e.organiser, map[string]any{"status": "no_show", "result": "none"}), 200)
	e.must(e.do("POST", oc(m3), e.organiser, map[string]any{"status": "held", "result": "contract", "value_usd": 1000000.5}), 200)
	done := e.must(e.do("POST", oc(m4), e.organiser, map[string]any{"status": "held", "result": "follow_up"}), 200)

	// The report adds up to what was recorded.
	e.must(e.do("GET", base+"/report", s1.token, nil), 403)
	e.must(e.do("GET", base+"/report?format=xml", e.organiser, nil), 400)
	e.must(e.do("GET", "/v1/events/0193a1f2-0000-7000-8000-000000000000/report", e.organiser, nil), 404)
	q := fmt.Sprintf("?after=%d", done.num(t, "position"))
	r := decode[conferences.Report](t, e.must(e.read(base+"/report"+q, e.organiser), 200))
	checkReport(t, r, len(proposal.Meetings), value+1000000.5)
	if r.Meetings[slices.IndexFunc(r.Meetings, func(m conferences.ReportMeeting) bool { return m.ID.String() == m2 })].Status != "no_show" {
		t.Error("the meeting b2 reported as not held is not a no-show")
	}
	if r2 := decode[conferences.Report](t, e.must(e.read(base+"/report?format=json", e.organiser), 200)); r2.Totals != r.Totals {
		t.Errorf("format=json differs: %+v", r2.Totals)
	}

	csvAnswer := e.must(e.read(base+"/report?format=csv", e.organiser), 200)
	checkReportCSV(t, csvAnswer, r)

	page := e.must(e.read(base+"/report?format=html", e.organiser), 200)
	if ct := page.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || page.header.Get("Content-Security-Policy") == "" {
		t.Fatalf("HTML answer: %q, CSP %q", ct, page.header.Get("Content-Security-Policy"))
	}
	checkReportPage(t, page.body, page.header.Get("Content-Security-Policy"), eventName)
}

// checkAgendas reads agendas as JSON and iCalendar.
func checkAgendas(t *testing.T, e *env, base, after string, s1, s3, b1, b2 firm, byPair map[[2]string]scheduled) {
	t.Helper()
	own := decode[struct {
		Name     string
		Meetings []struct {
			ID              string
			CounterpartID   string `json:"counterpart_id"`
			CounterpartName string `json:"counterpart_name"`
			DemandTitle     string `json:"demand_title"`
			Interpreter     string `json:"interpreter_language"`
			Table           int
			Status          string
		}
	}](t, e.must(e.read(base+"/agenda"+after, s1.token), 200))
	if own.Name != s1.name || len(own.Meetings) != 2 {
		t.Fatalf("s1's agenda %+v", own)
	}
	for _, m := range own.Meetings {
		want := byPair[[2]string{s1.id, m.CounterpartID}]
		if m.ID != want.ID || m.Table != *want.Table || m.Status != "confirmed" || m.CounterpartName == "" ||
			m.DemandTitle != "Giá đỡ thép" {
			t.Fatalf("agenda meeting %+v, want %+v", m, want)
		}
		if wantLang := map[bool]string{true: "KR"}[m.CounterpartID == b2.id]; m.Interpreter != wantLang {
			t.Errorf("meeting with %s: interpreter %q, want %q", m.CounterpartName, m.Interpreter, wantLang)
		}
	}
	asOrganiser := e.must(e.read(base+"/agenda"+after+"&organisation_id="+s1.id, e.organiser), 200)
	if !strings.Contains(string(asOrganiser.body), own.Meetings[0].ID) {
		t.Fatalf("organiser's copy of s1's agenda: %s", asOrganiser.body)
	}
	e.must(e.do("GET", base+"/agenda", e.organiser, nil), 400)
	e.must(e.do("GET", base+"/agenda?organisation_id=x", e.organiser, nil), 400)
	e.must(e.do("GET", base+"/agenda?organisation_id="+b1.id, s1.token, nil), 403)
	e.must(e.do("GET", base+"/agenda?organisation_id=0193a1f2-0000-7000-8000-000000000000", e.organiser, nil), 404)
	e.must(e.do("GET", base+"/agenda.ics", "", nil), 401)

	// b2's calendar: its counterparts are s2 and s3 (and s1).
	ics := e.must(e.read(base+"/agenda.ics?organisation_id="+url.QueryEscape(b2.id), e.organiser), 200)
	if ct := ics.header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	var want []scheduled
	for k, m := range byPair {
		if k[1] == b2.id {
			want = append(want, m)
		}
	}
	checkICS(t, string(ics.body), want)
	if body := unfold(string(ics.body)); !strings.Contains(body, `Demand: Giá đỡ thép`) || !strings.Contains(body, `Interpreter: Korean`) {
		t.Errorf("b2's calendar does not say the demand and the interpreter:\n%s", body)
	}
	vi := e.must(e.do("GET", base+"/agenda.ics?organisation_id="+url.QueryEscape(b2.id), e.organiser, nil, "Accept-Language", "vi"), 200)
	if body := unfold(string(vi.body)); !strings.Contains(body, `Nhu cầu: Giá đỡ thép`) || !strings.Contains(body, `Phiên dịch: tiếng Hàn`) {
		t.Errorf("b2's Vietnamese calendar:\n%s", body)
	}
	s3ics := string(e.must(e.read(base+"/agenda.ics", s3.token), 200).body)
	if !strings.Contains(unfold(s3ics), `SUMMARY:B2B meeting: Panasonic Việt Nam\, Co.\; Ltd`) {
		t.Fatalf("the counterpart's name is not escaped:\n%s", s3ics)
	}
}

var icsTimeRE = regexp.MustCompile(`^\d{8}T\d{6}Z$`)

// unfold joins folded iCalendar lines (RFC 5545 3.1).
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

// checkICS checks the calendar's structure: CRLF endings, lines of at most
// 75 octets, one VEVENT per meeting with its UID and UTC times.
func checkICS(t *testing.T, ics string, want []scheduled) {
	t.Helper()
	if !strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(ics, "END:VCALENDAR\r\n") {
		t.Fatalf("calendar:\n%s", ics)
	}
	if strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") {
		t.Fatal("a line ends without CR")
	}
	folded := false
	for _, line := range strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
		folded = folded || strings.HasPrefix(line, " ")
	}
	if !folded {
		t.Error("no line was folded, though the descriptions are long")
	}
	lines := strings.Split(unfold(ics), "\r\n")
	for _, p := range []string{"VERSION:2.0", "PRODID:-//KeyLink//Event agenda 1.0//EN", "METHOD:PUBLISH"} {
		if !slices.Contains(lines, p) {
			t.Errorf("no %s", p)
		}
	}
	type vevent map[string]string
	var events []vevent
	var cur vevent
	for _, l := range lines {
		switch {
		case l == "BEGIN:VEVENT":
			cur = vevent{}
		case l == "END:VEVENT":
			events = append(events, cur)
			cur = nil
		case cur != nil:
			name, value, _ := strings.Cut(l, ":")
			cur[name] = value
		}
	}
	if len(events) != len(want) {
		t.Fatalf("%d events, want %d", len(events), len(want))
	}
	for _, m := range want {
		i := slices.IndexFunc(events, func(v vevent) bool { return v["UID"] == m.ID+"@keylink" })
		if i < 0 {
			t.Fatalf("no VEVENT for meeting %s", m.ID)
		}
		v := events[i]
		for _, k := range []string{"DTSTAMP", "DTSTART", "DTEND"} {
			if !icsTimeRE.MatchString(v[k]) {
				t.Errorf("%s %q is not a UTC date-time", k, v[k])
			}
		}
		if v["DTSTART"] != m.StartsAt.UTC().Format("20060102T150405Z") || v["DTEND"] != m.EndsAt.UTC().Format("20060102T150405Z") ||
			v["STATUS"] != "CONFIRMED" || !strings.Contains(v["LOCATION"], fmt.Sprintf("table %d", *m.Table)) ||
			!strings.Contains(v["DESCRIPTION"], `\n`) || v["SUMMARY"] == "" {
			t.Errorf("VEVENT %v for %+v", v, m)
		}
	}
}

// checkReport compares the report with what TestEventFlow recorded.
func checkReport(t *testing.T, r conferences.Report, scheduledN int, value float64) {
	t.Helper()
	want := conferences.ReportTotals{Suppliers: 3, Buyers: 2, Matches: 6, Requests: 2, RequestsAccepted: 1, RequestsDeclined: 1,
		Scheduled: scheduledN, Held: 3, NoShow: 1, Unreported: scheduledN - 4, Feedback: 3, Informative: 1, CooperationPossible: 1,
		FollowUps: 1, MoUs: 1, Contracts: 1, ValueUSD: value}
	if r.Totals != want {
		t.Fatalf("totals\n %+v\nwant\n %+v", r.Totals, want)
	}
	pct := func(x conferences.Rate) float64 { return *x.Percent }
	if r.Rates.Acceptance.Numerator != 1 || r.Rates.Acceptance.Denominator != 2 || pct(r.Rates.Acceptance) != 50 ||
		r.Rates.Kept.Numerator != 3 || r.Rates.Kept.Denominator != scheduledN ||
		r.Rates.Deal.Numerator != 2 || r.Rates.Deal.Denominator != 3 || pct(r.Rates.Deal) != 66.7 {
		t.Errorf("rates %+v", r.Rates)
	}
	var matches, sched, held, noShow, mous, contracts, slotSched, slotHeld int
	for _, g := range r.IndustryGroups {
		matches, sched, held, noShow = matches+g.Matches, sched+g.Scheduled, held+g.Held, noShow+g.NoShow
		mous, contracts = mous+g.MoUs, contracts+g.Contracts
	}
	for _, s := range r.Slots {
		slotSched, slotHeld = slotSched+s.Scheduled, slotHeld+s.Held
	}
	if matches != 6 || sched != scheduledN || held != 3 || noShow != 1 || mous != 1 || contracts != 1 || slotSched != scheduledN || slotHeld != 3 {
		t.Errorf("by group %+v, by slot %+v", r.IndustryGroups, r.Slots)
	}
	if g := r.IndustryGroups[0]; g.Group != "mechanical" || g.Suppliers != 3 || g.Buyers != 2 || g.Matches != 6 || g.ValueUSD != value {
		t.Errorf("mechanical %+v", g)
	}
	funnel := []conferences.FunnelStage{{Stage: "matched", Count: 6}, {Stage: "scheduled", Count: scheduledN}, {Stage: "held", Count: 3},
		{Stage: "mou_or_contract", Count: 2}}
	if !slices.Equal(r.Funnel, funnel) {
		t.Errorf("funnel %+v", r.Funnel)
	}
	var firmMeetings, firmDeals int
	for _, f := range r.Firms {
		firmMeetings += f.Scheduled
		firmDeals += f.Deals
	}
	if len(r.Firms) != 5 || firmMeetings != 2*scheduledN || firmDeals != 4 || len(r.Meetings) != scheduledN {
		t.Errorf("firms %+v", r.Firms)
	}
}

// csvBlocks reads the report CSV back: its blocks by title, each with its
// header and rows.
func csvBlocks(t *testing.T, raw []byte) map[string][][]string {
	t.Helper()
	rd := csv.NewReader(bytes.NewReader(raw))
	rd.FieldsPerRecord = -1
	recs, err := rd.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	// Writing the records again and reading them back gives the same.
	var again bytes.Buffer
	w := csv.NewWriter(&again)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	rd2 := csv.NewReader(&again)
	rd2.FieldsPerRecord = -1
	if recs2, err := rd2.ReadAll(); err != nil || !slices.EqualFunc(recs, recs2, slices.Equal) {
		t.Fatalf("CSV round trip: %v", err)
	}
	titles := []string{"Event", "Totals", "Rates", "By industry group", "Meetings per slot", "Funnel", "Firms", "Meetings"}
	blocks := map[string][][]string{}
	var cur string
	for _, rec := range recs {
		if len(rec) == 1 && slices.Contains(titles, rec[0]) {
			cur = rec[0]
			continue
		}
		if cur == "" {
			t.Fatalf("row %q before any block", rec)
		}
		if h := blocks[cur]; len(h) > 0 && len(rec) != len(h[0]) {
			t.Errorf("block %s: row %q has %d fields, header %d", cur, rec, len(rec), len(h[0]))
		}
		blocks[cur] = append(blocks[cur], rec)
	}
	for _, title := range titles {
		if len(blocks[title]) == 0 {
			t.Errorf("no block %q", title)
		}
	}
	return blocks
}

func checkReportCSV(t *testing.T, a resp, r conferences.Report) {
	t.Helper()
	if ct := a.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.Contains(a.header.Get("Content-Disposition"), ".csv") {
		t.Fatalf("CSV headers %v", a.header)
	}
	raw, ok := bytes.CutPrefix(a.body, []byte("\xef\xbb\xbf"))
	if !ok {
		t.Fatal("the CSV has no UTF-8 byte order mark")
	}
	b := csvBlocks(t, raw)
	totals := map[string]string{}
	for _, row := range b["Totals"][1:] {
		totals[row[0]] = row[1]
	}
	tt := r.Totals
	for k, v := range map[string]int{"registered_suppliers": tt.Suppliers, "registered_buyers": tt.Buyers, "matches": tt.Matches,
		"meetings_scheduled": tt.Scheduled, "meetings_held": tt.Held, "meetings_no_show": tt.NoShow, "mous": tt.MoUs,
		"contracts": tt.Contracts, "requests_accepted": tt.RequestsAccepted} {
		if totals[k] != strconv.Itoa(v) {
			t.Errorf("CSV %s = %q, want %d", k, totals[k], v)
		}
	}
	if totals["deal_value_usd"] != "1250000.50" {
		t.Errorf("CSV value %q", totals["deal_value_usd"])
	}
	if got := b["Rates"][3]; !slices.Equal(got, []string{"deal", "2", "3", "66.7"}) {
		t.Errorf("CSV deal rate %q", got)
	}
	if n := len(b["Meetings"]) - 1; n != len(r.Meetings) {
		t.Errorf("CSV has %d meetings, want %d", n, len(r.Meetings))
	}
	if len(b["Firms"]) != 6 || b["Firms"][1][1] != "Công ty Cơ khí Rạng Đông" {
		t.Errorf("CSV firms %q", b["Firms"])
	}
	if b["Event"][2][1] != r.Event.Name || !strings.Contains(b["By industry group"][1][1], "Cơ khí, chế tạo") {
		t.Errorf("Vietnamese text lost: %q / %q", b["Event"], b["By industry group"][1])
	}
	var meetings int
	for _, row := range b["Meetings per slot"][1:] {
		n, _ := strconv.Atoi(row[2])
		meetings += n
	}
	if meetings != tt.Scheduled {
		t.Errorf("CSV slots add up to %d", meetings)
	}
}

// TestCancelledRegistrationWithdrawsMeetings: a firm leaving after the
// schedule is published loses its meetings; the agendas show them
// cancelled, so that calendar apps drop them, and the schedule no longer
// lists them.
func TestCancelledRegistrationWithdrawsMeetings(t *testing.T) {
	t.Parallel()
	clk := &clock{t: eventStart.AddDate(0, -1, 0)}
	e := newClockEnv(t, clk)
	event := e.newEvent("Hội chợ công nghiệp hỗ trợ")
	base := "/v1/events/" + event
	sup, supTok := e.signup("supplier", supplierBody("Cơ khí Sóc Sơn"))
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", supTok, capabilityBody("Giá đỡ thép dập")), 201)
	var buyers []firm
	for _, name := range []string{"Canon Vietnam", "TOTO Vietnam"} {
		id, tok := e.signup("buyer", buyerBody(name))
		e.must(e.do("POST", "/v1/buyers/"+id+"/demands", tok, demandBody("Giá đỡ thép")), 201)
		buyers = append(buyers, firm{id, tok, name})
	}
	var last int64
	for _, org := range []string{sup, buyers[0].id, buyers[1].id} {
		last = e.register(event, org).num(t, "position")
	}
	if r := decode[conferences.Report](t, e.must(e.read(fmt.Sprintf("%s/report?after=%d", base, last), e.organiser), 200)); r.Totals.Matches != 2 {
		t.Fatalf("matches %+v", r.Totals)
	}
	e.must(e.do("POST", "/v1/events/0193a1f2-0000-7000-8000-000000000000/schedule", e.organiser, nil), 404)
	e.must(e.do("POST", base+"/schedule", e.organiser, nil, "If-Match", `"1"`), 412)
	e.must(e.do("POST", base+"/schedule", e.organiser, map[string]any{"floor": -1}), 400)
	proposal := decode[scheduleAnswer](t, e.must(e.do("POST", base+"/schedule", e.organiser, map[string]any{"floor": 1, "draft": true}), 200))
	if len(proposal.Meetings) != 2 {
		t.Fatalf("proposal %+v", proposal)
	}
	e.must(e.do("POST", base+"/schedule/publish", e.organiser, map[string]any{}), 200)
	gone := e.must(e.do("DELETE", base+"/registrations/"+buyers[1].id, buyers[1].token, nil), 200)
	after := fmt.Sprintf("?after=%d", gone.num(t, "position"))

	var cancelled string
	for _, m := range proposal.Meetings {
		if m.BuyerID == buyers[1].id {
			cancelled = m.ID
		}
	}
	ics := unfold(string(e.must(e.read(base+"/agenda.ics"+after, supTok), 200).body))
	i := strings.Index(ics, "UID:"+cancelled+"@keylink")
	if i < 0 || !strings.Contains(ics[i:], "STATUS:CANCELLED\r\nSEQUENCE:1\r\n") || strings.Count(ics, "STATUS:CONFIRMED") != 1 {
		t.Fatalf("calendar after the cancellation:\n%s", ics)
	}
	theirs := decode[struct{ Meetings []struct{ ID, Status string } }](t, e.must(e.read(base+"/agenda", buyers[1].token), 200))
	if len(theirs.Meetings) != 1 || theirs.Meetings[0].ID != cancelled || theirs.Meetings[0].Status != "cancelled" {
		t.Fatalf("the leaver's agenda %+v", theirs)
	}
	sched := decode[struct{ Meetings []conferences.Meeting }](t, e.must(e.read(base+"/schedule", e.organiser), 200))
	if len(sched.Meetings) != 1 || sched.Meetings[0].ID.String() == cancelled {
		t.Fatalf("schedule after the cancellation %+v", sched.Meetings)
	}
	clk.set(eventStart.Add(4 * time.Hour))
	// The event is over: the organiser may still re-plan it (backfilling),
	// a firm may no longer leave it.
	e.must(e.do("POST", base+"/schedule", e.organiser, map[string]any{"draft": true}), 200)
	e.must(e.do("DELETE", base+"/registrations/"+sup, supTok, nil), 409)
}

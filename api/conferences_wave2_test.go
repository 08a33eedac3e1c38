package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/projections/conferences"
)

// TestBackfilledFairContractFlow follows CONTRACT.md's second wave as an
// organiser backfilling last year's fair would: create the event in the
// past with a lunch break, register firms, schedule without "draft" (which
// publishes at once), move, cancel, lock and unlock meetings, and record
// outcomes on the meetings the answer returned, which have ended.
func TestBackfilledFairContractFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)                                                                          // the real clock: the event below is in the past
	start := time.Now().In(venue).AddDate(-1, 0, 0).Truncate(24 * time.Hour).Add(time.Hour) // 08:00 at the venue
	body := map[string]any{"kind": "conference", "name": "Hội nghị kết nối 2025", "venue": "Giảng Võ",
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(3 * time.Hour).Format(time.RFC3339),
		"slot_minutes": 30, "tables": 3, "max_meetings_per_participant": 4, "max_consecutive": 3,
		"breaks": []map[string]any{{"from": start.Add(time.Hour).Format(time.RFC3339), "to": start.Add(90 * time.Minute).Format(time.RFC3339)}}}
	event := e.must(e.do("POST", "/v1/events", e.organiser, body), 201).str(t, "id")
	base := "/v1/events/" + event

	var sups, buys []firm
	for _, name := range []string{"Công ty Cơ khí Rạng Đông", "Cơ khí chính xác Thăng Long"} {
		id, tok := e.signup("supplier", supplierBody(name))
		e.must(e.do("POST", "/v1/suppliers/"+id+"/capabilities", tok, capabilityBody("Giá đỡ thép dập")), 201)
		sups = append(sups, firm{id, tok, name})
	}
	for _, name := range []string{"Canon Vietnam", "TOTO Việt Nam"} {
		id, tok := e.signup("buyer", buyerBody(name))
		e.must(e.do("POST", "/v1/buyers/"+id+"/demands", tok, demandBody("Giá đỡ thép")), 201)
		buys = append(buys, firm{id, tok, name})
	}
	var last int64
	for _, f := range append(slices.Clone(sups), buys...) {
		last = e.register(event, f.id).num(t, "position")
	}
	// A firm may not register itself for an event that is over.
	late, lateTok := e.signup("supplier", supplierBody("Nhựa Hà Nội"))
	e.must(e.do("POST", base+"/registrations", lateTok, map[string]any{"organisation_id": late}), 409)
	e.must(e.read(fmt.Sprintf("%s/report?after=%d", base, last), e.organiser), 200)

	// Scheduling without "draft" publishes: firms see the meetings at once.
	sched := decode[scheduleAnswer](t, e.must(e.do("POST", base+"/schedule", e.organiser, nil), 200))
	if len(sched.Meetings) != 4 {
		t.Fatalf("schedule %+v", sched)
	}
	for _, m := range sched.Meetings {
		if m.StartsAt.Before(start.Add(90*time.Minute)) && m.EndsAt.After(start.Add(time.Hour)) {
			t.Errorf("meeting %s at %v is in the lunch break", m.ID, m.StartsAt)
		}
	}
	e.must(e.do("POST", base+"/schedule/publish", e.organiser, nil), 409) // nothing left to publish
	mine := decode[struct{ Meetings []conferences.Meeting }](t,
		e.must(e.read(fmt.Sprintf("%s/schedule?after=%d", base, sched.Position), sups[0].token), 200))
	if len(mine.Meetings) != 2 {
		t.Fatalf("the supplier sees %d published meetings, want 2", len(mine.Meetings))
	}

	// Proposing again, as drafts, any number of times is safe.
	for range 3 {
		e.must(e.do("POST", base+"/schedule", e.organiser, map[string]any{"draft": true}), 200)
	}

	// Move one meeting by hand to a free table in the last slot, cancel
	// another; bad moves are refused.
	m0, m1 := sched.Meetings[0], sched.Meetings[1]
	// A slot (not the break) where neither firm of m0 meets, and a table
	// free there.
	freeSlot, freeTable := -1, 0
	for slot := 5; slot >= 0 && freeSlot < 0; slot-- {
		if slot == 2 || slot == m0.Slot {
			continue
		}
		used := map[int]bool{}
		busy := false
		for _, m := range sched.Meetings {
			if m.Slot != slot {
				continue
			}
			used[*m.Table] = true
			busy = busy || m.SupplierID == m0.SupplierID || m.BuyerID == m0.BuyerID
		}
		for table := 3; table >= 1 && !busy; table-- {
			if !used[table] {
				freeSlot, freeTable = slot, table
				break
			}
		}
	}
	if freeSlot < 0 {
		t.Fatalf("no free slot to move %+v to in %+v", m0, sched.Meetings)
	}
	lastSlot := start.Add(time.Duration(freeSlot) * 30 * time.Minute).Format(time.RFC3339)
	e.must(e.do("POST", base+"/meetings/"+m0.ID+"/move", sups[0].token, map[string]any{"starts_at": lastSlot}), 403)
	bad := e.must(e.do("POST", base+"/meetings/"+m0.ID+"/move", e.organiser, map[string]any{"starts_at": "noon", "table": 0}), 400)
	if got := bad.fields(t); !slices.Equal(got, []string{"starts_at", "table"}) {
		t.Fatalf("bad move fields %v", got)
	}
	e.must(e.do("POST", base+"/meetings/"+m0.ID+"/move", e.organiser,
		map[string]any{"starts_at": start.Add(time.Hour).Format(time.RFC3339), "table": 3}), 409) // the break
	e.must(e.do("POST", base+"/meetings/"+m0.ID+"/move", e.organiser, map[string]any{"starts_at": lastSlot, "table": freeTable}), 200)
	e.must(e.do("DELETE", base+"/meetings/"+m1.ID, e.organiser, `{"why": 1}`), 400)
	gone := e.must(e.do("DELETE", base+"/meetings/"+m1.ID, e.organiser, nil), 200)
	e.must(e.do("DELETE", base+"/meetings/"+m1.ID, e.organiser, nil), 404)

	// Lock and unlock a draft meeting; a non-empty body is refused.
	draft := decode[scheduleAnswer](t, e.must(e.do("POST", base+"/schedule", e.organiser, map[string]any{"draft": true}), 200))
	var free string
	for _, m := range draft.Meetings {
		if m.ID != m0.ID && !slices.ContainsFunc(sched.Meetings, func(x scheduled) bool { return x.ID == m.ID }) {
			free = m.ID
		}
	}
	if free != "" {
		e.must(e.do("POST", base+"/meetings/"+free+"/lock", e.organiser, `{"x":1}`), 400)
		e.must(e.do("POST", base+"/meetings/"+free+"/lock", e.organiser, nil), 200)
		e.must(e.do("POST", base+"/meetings/"+free+"/unlock", e.organiser, "{}"), 200)
	}
	e.must(e.do("POST", base+"/schedule/publish", e.organiser, "[]"), 400)

	// Outcomes on the published meetings, which have ended.
	e.must(e.do("POST", base+"/meetings/"+m0.ID+"/outcome", e.organiser,
		map[string]any{"status": "held", "result": "mou", "value_usd": 50000}), 200)
	e.must(e.do("POST", base+"/meetings/"+m1.ID+"/outcome", e.organiser, map[string]any{"status": "held", "result": "none"}), 404)
	out := e.must(e.do("POST", base+"/meetings/"+sched.Meetings[2].ID+"/outcome", e.organiser,
		map[string]any{"status": "no_show", "result": "none"}), 200)

	view := decode[struct{ Meetings []conferences.Meeting }](t,
		e.must(e.read(fmt.Sprintf("%s/schedule?after=%d", base, out.num(t, "position")), e.organiser), 200))
	for _, m := range view.Meetings {
		switch m.ID.String() {
		case m0.ID:
			if !m.StartsAt.Equal(start.Add(time.Duration(freeSlot)*30*time.Minute)) || m.Table != freeTable || m.Outcome == nil {
				t.Errorf("moved meeting %+v", m)
			}
		case m1.ID:
			t.Errorf("cancelled meeting %s still scheduled", m1.ID)
		}
	}
	_ = gone
	report := decode[conferences.Report](t, e.must(e.read(fmt.Sprintf("%s/report?after=%d", base, out.num(t, "position")), e.organiser), 200))
	if report.Totals.MoUs != 1 || report.Totals.NoShow != 1 || report.Totals.Held != 1 {
		t.Fatalf("report totals %+v", report.Totals)
	}
}

// TestConferenceTextRules: event name, venue and booth follow the firm-name
// rules (no NUL or other control characters, no bidi overrides, not blank),
// and a meeting request's demand must be the requested buyer's.
func TestConferenceTextRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		name, venue string
		fields      []string
	}{
		{"Hội nghị\u0000", "Giảng Võ", []string{"name"}},
		{"Hội nghị", "Giảng\r\nVõ", []string{"venue"}},
		{"Hội nghị \u202Eabc", "\u200B\u200B", []string{"name", "venue"}},
		{"   ", "Giảng Võ\u0007", []string{"name", "venue"}},
	} {
		b := eventBody(tc.name)
		b["venue"] = tc.venue
		r := e.must(e.do("POST", "/v1/events", e.organiser, b), 400)
		if got := r.fields(t); !slices.Equal(got, tc.fields) {
			t.Errorf("%q / %q: fields %v, want %v", tc.name, tc.venue, got, tc.fields)
		}
	}
	fair := eventBody("Hội chợ 2030")
	fair["kind"] = "fair"
	event := e.must(e.do("POST", "/v1/events", e.organiser, fair), 201).str(t, "id")
	sup := e.newSupplier("Cơ khí Đông Anh")
	for _, booth := range []string{"A\u0000", "B\u202E1", "\u200B"} {
		r := e.must(e.do("POST", "/v1/events/"+event+"/registrations", e.organiser,
			map[string]any{"organisation_id": sup, "booth": booth}), 400)
		if !slices.Contains(r.fields(t), "booth") {
			t.Errorf("booth %q: %s", booth, r.body)
		}
	}
	e.register(event, sup, "booth", "A12")

	b1, b1Tok := e.signup("buyer", buyerBody("Canon Vietnam"))
	b2, b2Tok := e.signup("buyer", buyerBody("TOTO Việt Nam"))
	d2 := e.must(e.do("POST", "/v1/buyers/"+b2+"/demands", b2Tok, demandBody("Vòi sen")), 201).str(t, "id")
	d1 := e.must(e.do("POST", "/v1/buyers/"+b1+"/demands", b1Tok, demandBody("Giá đỡ")), 201).str(t, "id")
	e.register(event, b1)
	e.register(event, b2)
	r := e.must(e.do("POST", "/v1/events/"+event+"/meeting-requests", e.organiser,
		map[string]any{"supplier_id": sup, "buyer_id": b1, "demand_id": d2}), 400)
	if !strings.Contains(string(r.body), "demand_id") {
		t.Fatalf("another buyer's demand: %s", r.body)
	}
	e.must(e.do("POST", "/v1/events/"+event+"/meeting-requests", e.organiser,
		map[string]any{"supplier_id": sup, "buyer_id": b1, "demand_id": d1}), 201)
	e.must(e.do("POST", "/v1/events/"+event+"/meeting-requests", b2Tok,
		map[string]any{"from": b2, "to": sup, "demand_id": d2}), 201)
}

// TestRevisingARegistration covers PUT /v1/events/{id}/registrations/{org}
// and the SME flag's default from the supplier's head count (Decree
// 80/2021/ND-CP: up to 200 employees).
func TestRevisingARegistration(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	event := e.newEvent("Kết nối cung ứng linh kiện điện tử")
	base := "/v1/events/" + event
	small := supplierBody("Cơ khí Hồng Hà")
	small["employees"] = 120
	smallID, smallTok := e.signup("supplier", small)
	big, _ := e.signup("supplier", supplierBody("Nhựa Tiền Phong"))
	stated := supplierBody("Cơ khí Đông Anh")
	stated["employees"] = 40
	statedID, _ := e.signup("supplier", stated)
	buyerID, buyerTok := e.signup("buyer", buyerBody("Canon Vietnam"))

	e.register(event, smallID)
	e.register(event, big)
	e.register(event, statedID, "sme", false) // the organiser's word beats the profile
	last := e.register(event, buyerID).num(t, "position")
	reg := func(after int64, org string) conferences.Registration {
		t.Helper()
		ev := decode[conferences.Event](t, e.must(e.read(fmt.Sprintf("%s?after=%d", base, after), e.organiser), 200))
		r, ok := ev.Registered(uuid.MustParse(org))
		if !ok {
			t.Fatalf("%s is not registered: %+v", org, ev.Registrations)
		}
		return r
	}
	if !reg(last, smallID).SME || reg(last, big).SME || reg(last, statedID).SME {
		t.Errorf("SME defaults: small %v, big %v, stated false %v", reg(last, smallID).SME, reg(last, big).SME, reg(last, statedID).SME)
	}

	// The firm revises its own registration; without sme it follows the profile.
	pos := e.must(e.do("PUT", base+"/registrations/"+smallID, smallTok, map[string]any{
		"max_meetings": 2,
		"unavailable":  []map[string]any{{"from": eventStart.Format(time.RFC3339), "to": eventStart.Add(time.Hour).Format(time.RFC3339)}},
	}), 200).num(t, "position")
	got := reg(pos, smallID)
	if got.MaxMeetings != 2 || len(got.Unavailable) != 1 || !got.SME {
		t.Errorf("revised registration %+v", got)
	}
	pos = e.must(e.do("PUT", base+"/registrations/"+buyerID, e.organiser, map[string]any{
		"organisation_id": buyerID, "interpreter_language": "JP"}), 200).num(t, "position")
	if got := reg(pos, buyerID); got.InterpreterLanguage != "JP" {
		t.Errorf("buyer after revision %+v", got)
	}
	pos = e.must(e.do("PUT", base+"/registrations/"+big, e.organiser, map[string]any{"sme": true}), 200).num(t, "position")
	if !reg(pos, big).SME {
		t.Errorf("the organiser's sme=true was not kept")
	}

	// Bad input, other firms, strangers.
	bad := e.must(e.do("PUT", base+"/registrations/"+buyerID, e.organiser, map[string]any{
		"organisation_id": smallID, "sme": true, "max_meetings": -1, "interpreter_language": "FR",
		"unavailable": []map[string]any{{"from": "tomorrow", "to": ""}}}), 400)
	for _, field := range []string{"organisation_id", "max_meetings", "interpreter_language", "unavailable[0].from"} {
		if !slices.Contains(bad.fields(t), field) {
			t.Errorf("problem does not name %s: %s", field, bad.body)
		}
	}
	e.must(e.do("PUT", base+"/registrations/"+buyerID, smallTok, map[string]any{}), 403)
	e.must(e.do("PUT", base+"/registrations/"+buyerID, buyerTok, map[string]any{"booth": "A1"}), 400) // only at a fair
	stranger, _ := e.signup("supplier", supplierBody("Dệt may Hà Đông"))
	e.must(e.do("PUT", base+"/registrations/"+stranger, e.organiser, map[string]any{}), 404)
	e.must(e.do("PUT", base+"/registrations/not-a-uuid", e.organiser, map[string]any{}), 404)
}

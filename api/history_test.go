package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// history walks a history with pages of limit and returns its items.
func (e *env) history(path, token string, limit int) []map[string]any {
	e.t.Helper()
	var (
		all    []map[string]any
		cursor string
	)
	for range 50 {
		p := fmt.Sprintf("%s?limit=%d", path, limit)
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		items, next, _ := e.must(e.do("GET", p, token, nil), 200).list(e.t)
		if len(items) > limit {
			e.t.Fatalf("%s: %d items", p, len(items))
		}
		all = append(all, items...)
		if next == "" {
			return all
		}
		cursor = next
	}
	e.t.Fatalf("%s: pagination does not end", path)
	return nil
}

func TestHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, supTok := e.signup("supplier", supplierBody("Cơ khí Đông Anh"))
	_, otherTok := e.signup("supplier", supplierBody("Other"))
	buyer, buyerTok := e.signup("buyer", buyerBody("Canon Vietnam"))
	capID := e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", supTok, capabilityBody("Stamping")), 201).str(t, "id")
	e.must(e.do("DELETE", "/v1/suppliers/"+sup+"/capabilities/"+capID, e.organiser, nil), 200)
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/key-products", e.organiser, map[string]any{
		"product": "Khuôn mẫu", "recognized_year": 2024, "decision_no": "9/QĐ"}), 201)

	wantTypes := []string{"SupplierRegistered", "CapabilityDeclared", "CapabilityWithdrawn", "KeyProductRecognised"}
	var first []map[string]any
	for _, limit := range []int{1, 3, 100} {
		for _, tok := range []string{e.organiser, supTok} {
			items := e.history("/v1/suppliers/"+sup+"/history", tok, limit)
			var types []string
			for _, it := range items {
				types = append(types, fmt.Sprint(it["type"]))
			}
			if !slices.Equal(types, wantTypes) {
				t.Fatalf("limit %d: types %q, want %q", limit, types, wantTypes)
			}
			first = items
		}
	}
	var last float64
	for i, it := range first {
		pos, _ := it["position"].(float64)
		if pos <= last || it["recorded_at"] == "" || it["summary"] == "" {
			t.Errorf("item %d: %v", i, it)
		}
		last = pos
	}
	if s := first[0]["summary"].(string); !strings.Contains(s, "Cơ khí Đông Anh") {
		t.Errorf("registration summary %q", s)
	}
	if s := first[3]["summary"].(string); !strings.Contains(s, "Khuôn mẫu") || !strings.Contains(s, "2024") {
		t.Errorf("key product summary %q", s)
	}
	if a := first[1]["actor"].(string); !strings.HasPrefix(a, "supplier:") {
		t.Errorf("declared by %q, want the supplier's user", a)
	}
	if a := first[3]["actor"].(string); a != "organiser:test organiser" {
		t.Errorf("recognised by %q, want the organiser", a)
	}
	_, _, total := e.must(e.do("GET", "/v1/suppliers/"+sup+"/history?limit=1", e.organiser, nil), 200).list(t)
	if total != 4 {
		t.Errorf("total %d, want 4", total)
	}

	// Buyers: the organiser and the buyer itself.
	e.must(e.do("POST", "/v1/buyers/"+buyer+"/demands", buyerTok, demandBody("Brackets")), 201)
	for _, tok := range []string{e.organiser, buyerTok} {
		items := e.history("/v1/buyers/"+buyer+"/history", tok, 10)
		if len(items) != 2 || items[0]["type"] != "BuyerRegistered" || items[1]["type"] != "DemandPosted" ||
			!strings.Contains(items[1]["summary"].(string), "Brackets") {
			t.Errorf("buyer history %v", items)
		}
	}
	// Events: the organiser.
	ev := e.newEvent("Hội nghị kết nối 2027")
	items := e.history("/v1/events/"+ev+"/history", e.organiser, 10)
	if len(items) != 1 || items[0]["type"] != "ConferenceEventCreated" || !strings.Contains(items[0]["summary"].(string), "Hội nghị kết nối 2027") {
		t.Errorf("event history %v", items)
	}

	// Who may not read them.
	unknown := "0193a1f2-0000-7000-8000-000000000000"
	for _, tc := range []struct {
		path, token string
		status      int
	}{
		{"/v1/suppliers/" + sup + "/history", "", 401},
		{"/v1/suppliers/" + sup + "/history", otherTok, 404},
		{"/v1/suppliers/" + sup + "/history", buyerTok, 403},
		{"/v1/buyers/" + buyer + "/history", supTok, 403},
		{"/v1/events/" + ev + "/history", supTok, 403},
		{"/v1/events/" + ev + "/history", buyerTok, 403},
		{"/v1/suppliers/" + unknown + "/history", e.organiser, 404},
		{"/v1/suppliers/" + buyer + "/history", e.organiser, 404}, // a buyer is no supplier
		{"/v1/events/" + sup + "/history", e.organiser, 404},
		{"/v1/suppliers/not-an-id/history", e.organiser, 404},
	} {
		e.must(e.do("GET", tc.path, tc.token, nil), tc.status)
	}
	e.badParams(e.organiser, map[string][]string{
		"/v1/suppliers/" + sup + "/history?limit=0":            {"limit"},
		"/v1/suppliers/" + sup + "/history?limit=x&cursor=abc": {"limit", "cursor"},
		"/v1/suppliers/" + sup + "/history?cursor=djA":         {"cursor"}, // "v0"
		"/v1/buyers/" + buyer + "/history?type=DemandPosted":   {"type"},
		"/v1/events/" + ev + "/history?limit=101&order=desc":   {"order"},
	})
}

package api_test

import (
	"fmt"
	"testing"
)

func TestMatchEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, supTok := e.signup("supplier", supplierBody("Công ty Cơ khí Dập Đông Anh"))
	_, otherSupTok := e.signup("supplier", supplierBody("Other"))
	buy, buyTok := e.signup("buyer", buyerBody("Canon Vietnam"))
	_, otherBuyTok := e.signup("buyer", buyerBody("Panasonic"))

	cap := e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", supTok, capabilityBody("Stamped steel brackets")), 201)
	noCert := capabilityBody("Stamped steel brackets without certificate")
	delete(noCert, "certifications")
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", supTok, noCert), 201)
	d := e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", buyTok, demandBody("Stamped steel brackets for printer frames")), 201)
	did, pos := d.str(t, "id"), d.num(t, "position")

	r := e.must(e.do("GET", fmt.Sprintf("/v1/demands/%s/matches?after=%d", did, pos), buyTok, nil), 200)
	m := r.json(t)
	list, _ := m["matches"].([]any)
	if m["demand_id"] != did || len(list) != 1 {
		t.Fatalf("demand matches: %s", r.body)
	}
	first := list[0].(map[string]any)
	if first["supplier_id"] != sup || first["capability_id"] != cap.str(t, "id") || first["score"].(float64) <= 0 {
		t.Fatalf("first match: %v", first)
	}
	if _, ok := first["reasons"].([]any); !ok {
		t.Fatalf("reasons must be a list: %v", first)
	}

	r = e.must(e.do("GET", fmt.Sprintf("/v1/suppliers/%s/matches?after=%d", sup, pos), supTok, nil), 200)
	items, _ := r.json(t)["matches"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["demand_id"] != did || items[0].(map[string]any)["buyer_name"] != "Canon Vietnam" {
		t.Fatalf("supplier matches: %s", r.body)
	}

	// Who may see which list.
	e.must(e.do("GET", "/v1/demands/"+did+"/matches", e.organiser, nil), 200)
	e.must(e.do("GET", "/v1/demands/"+did+"/matches", otherBuyTok, nil), 404)
	e.must(e.do("GET", "/v1/demands/"+did+"/matches", supTok, nil), 403)
	e.must(e.do("GET", "/v1/suppliers/"+sup+"/matches", e.organiser, nil), 200)
	e.must(e.do("GET", "/v1/suppliers/"+sup+"/matches", otherSupTok, nil), 404)
	e.must(e.do("GET", "/v1/suppliers/"+sup+"/matches", buyTok, nil), 403)
	e.must(e.do("GET", "/v1/demands/"+did+"/matches?limit=0", buyTok, nil), 400)
	e.badParams(e.organiser, map[string][]string{
		"/v1/demands/" + did + "/matches?top=5":    {"top"},
		"/v1/suppliers/" + sup + "/matches?min=50": {"min"},
	})
	e.must(e.do("GET", "/v1/demands/0193a1f2-0000-7000-8000-000000000000/matches", e.organiser, nil), 404)
	e.must(e.do("GET", "/v1/demands/"+did+"/matches", "", nil), 401)

	// A withdrawn capability and a closed demand never appear.
	w := e.must(e.do("DELETE", "/v1/suppliers/"+sup+"/capabilities/"+cap.str(t, "id"), supTok, nil), 200)
	r = e.must(e.do("GET", fmt.Sprintf("/v1/demands/%s/matches?after=%d", did, w.num(t, "position")), buyTok, nil), 200)
	if l, _ := r.json(t)["matches"].([]any); len(l) != 0 {
		t.Fatalf("withdrawn capability still listed: %s", r.body)
	}
	cap2 := e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", supTok, capabilityBody("Stamped steel brackets again")), 201)
	cl := e.must(e.do("POST", "/v1/buyers/"+buy+"/demands/"+did+"/close", buyTok, map[string]any{"reason": "fulfilled"}), 200)
	_ = cap2
	r = e.must(e.do("GET", fmt.Sprintf("/v1/demands/%s/matches?after=%d", did, cl.num(t, "position")), buyTok, nil), 200)
	if l, _ := r.json(t)["matches"].([]any); len(l) != 0 {
		t.Fatalf("closed demand still has matches: %s", r.body)
	}
}

// TestMatchReadsCatchUp: a supplier written a moment ago reads its match
// list, not a 404, while the match lists are behind: the read waits for
// them to apply what was written before it. Here the lists run in a second
// process that starts only once the read is waiting.
func TestMatchReadsCatchUp(t *testing.T) {
	t.Parallel()
	h := newHeldEnv(t, "matches")
	e := h.env
	sup, tok := e.signup("supplier", supplierBody("Cơ khí Sóc Sơn"))
	got := make(chan resp, 1)
	go func() { got <- e.do("GET", "/v1/suppliers/"+sup+"/matches", tok, nil) }()
	h.release("the match read")
	if r := <-got; r.status != 200 {
		t.Fatalf("match list of a supplier just written: %d %s", r.status, r.body)
	}
	// An id nobody wrote is still a 404.
	e.must(e.do("GET", "/v1/suppliers/0193a1f2-0000-7000-8000-000000000001/matches", e.organiser, nil), 404)
}

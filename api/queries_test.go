package api_test

import (
	"fmt"
	"net/url"
	"testing"
)

func TestSupplierQueries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newSupplier("Công ty Bóng đèn Phích nước Rạng Đông")
	cap := e.must(e.do("POST", "/v1/suppliers/"+id+"/capabilities", e.organiser, capabilityBody("Gia công cơ khí chính xác")), 201)
	pos := cap.num(t, "position")

	r := e.must(e.do("GET", fmt.Sprintf("/v1/suppliers/%s?after=%d", id, pos), e.organiser, nil), 200)
	p := r.json(t)
	if p["name"] != "Công ty Bóng đèn Phích nước Rạng Đông" || p["version"] != float64(2) || r.header.Get("ETag") != `"2"` {
		t.Fatalf("profile %s", r.body)
	}
	caps, _ := p["capabilities"].([]any)
	if len(caps) != 1 {
		t.Fatalf("capabilities %v", p["capabilities"])
	}
	if kp, ok := p["key_products"].([]any); !ok || len(kp) != 0 {
		t.Fatalf("key_products must be an empty list: %v", p["key_products"])
	}

	_, supToken := e.signup("supplier", supplierBody("Another"))
	for _, tc := range []struct {
		q    string
		want int
	}{
		{"rang dong", 1}, {"RẠNG ĐÔNG", 1}, {"co khi", 1}, {"phich nuoc", 1}, {"nothing like it", 0},
	} {
		r := e.must(e.do("GET", fmt.Sprintf("/v1/suppliers?q=%s&after=%d", url.QueryEscape(tc.q), pos), supToken, nil), 200)
		items, _ := r.json(t)["items"].([]any)
		if len(items) != tc.want {
			t.Errorf("q=%q: %d items, want %d: %s", tc.q, len(items), tc.want, r.body)
		}
	}
	e.must(e.do("GET", "/v1/suppliers?limit=0", e.organiser, nil), 400)
	e.must(e.do("GET", "/v1/suppliers?limit=abc", e.organiser, nil), 400)
	e.must(e.do("GET", "/v1/suppliers?cursor=bm90IGEgY3Vyc29y", e.organiser, nil), 400)
	e.must(e.do("GET", "/v1/suppliers?industry_group=space", e.organiser, nil), 400)
	e.must(e.do("GET", "/v1/suppliers?after=-1", e.organiser, nil), 400)
	e.must(e.do("GET", "/v1/suppliers/0193a1f2-0000-7000-8000-000000000000", e.organiser, nil), 404)
	e.must(e.do("GET", "/v1/suppliers/"+id, "", nil), 401)

	// A position that never commits: the read model cannot reach it.
	r = e.must(e.do("GET", "/v1/suppliers/"+id+"?after=999999999", e.organiser, nil), 503)
	if r.header.Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
}

func TestCursorPaginationVisitsEverySupplierOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var last int64
	for i := range 23 {
		r := e.must(e.do("POST", "/v1/suppliers", e.organiser, supplierBody(fmt.Sprintf("Xưởng %02d", i))), 201)
		last = r.num(t, "position")
	}
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		r := e.must(e.do("GET", fmt.Sprintf("/v1/suppliers?limit=5&after=%d&cursor=%s", last, url.QueryEscape(cursor)), e.organiser, nil), 200)
		m := r.json(t)
		for _, it := range m["items"].([]any) {
			id := it.(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("supplier %s twice", id)
			}
			seen[id] = true
		}
		cursor, _ = m["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	if len(seen) != 23 {
		t.Fatalf("visited %d suppliers, want 23", len(seen))
	}
}

func TestBuyerQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newBuyer("Canon Vietnam")
	d := e.must(e.do("POST", "/v1/buyers/"+id+"/demands", e.organiser, demandBody("Giá đỡ thép")), 201)
	did := d.str(t, "id")
	cl := e.must(e.do("POST", "/v1/buyers/"+id+"/demands/"+did+"/close", e.organiser, map[string]any{"reason": "cancelled"}), 200)
	r := e.must(e.do("GET", fmt.Sprintf("/v1/buyers/%s?after=%d", id, cl.num(t, "position")), e.organiser, nil), 200)
	demands, _ := r.json(t)["demands"].([]any)
	if len(demands) != 1 || demands[0].(map[string]any)["status"] != "cancelled" || r.header.Get("ETag") != `"3"` {
		t.Fatalf("buyer %s", r.body)
	}
	e.must(e.do("GET", "/v1/buyers/not-a-uuid", e.organiser, nil), 404)
}

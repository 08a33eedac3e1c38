package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestSignupAndSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	org := supplierBody("Công ty Cơ khí Rạng Đông")
	r := e.must(e.do("POST", "/v1/signup", "", map[string]any{
		"role": "supplier", "email": "An@RangDong.vn ", "password": "correct horse battery", "organisation": org}), 201)
	orgID, token := r.str(t, "organisation_id"), r.str(t, "token")
	if orgID == "" || !strings.HasPrefix(token, "kl_") || r.num(t, "position") <= 0 {
		t.Fatalf("signup answer: %s", r.body)
	}
	// The new token writes for its own firm.
	e.must(e.do("POST", "/v1/suppliers/"+orgID+"/capabilities", token, capabilityBody("Khung thép")), 201)

	login := e.must(e.do("POST", "/v1/sessions", "", map[string]any{"email": "an@rangdong.vn", "password": "correct horse battery"}), 201)
	if login.str(t, "role") != "supplier" || login.str(t, "organisation_id") != orgID || login.str(t, "token") == "" {
		t.Fatalf("login answer: %s", login.body)
	}
	wrong := e.must(e.do("POST", "/v1/sessions", "", map[string]any{"email": "an@rangdong.vn", "password": "not the password"}), 401)
	unknown := e.must(e.do("POST", "/v1/sessions", "", map[string]any{"email": "nobody@rangdong.vn", "password": "not the password"}), 401)
	if string(wrong.body) != string(unknown.body) {
		t.Fatalf("unknown e-mail and wrong password answer differently:\n%s\n%s", wrong.body, unknown.body)
	}

	tests := []struct {
		name   string
		body   map[string]any
		status int
		fields []string
	}{
		{"short password", map[string]any{"role": "buyer", "email": "b@x.jp", "password": "short", "organisation": buyerBody("B")}, 400, []string{"password"}},
		{"bad role and e-mail", map[string]any{"role": "admin", "email": "nope", "password": "correct horse battery", "organisation": buyerBody("B")}, 400, []string{"role", "email"}},
		{"bad organisation", map[string]any{"role": "buyer", "email": "c@x.jp", "password": "correct horse battery",
			"organisation": map[string]any{"name": "", "country": "Japan", "contact": map[string]any{"name": "T", "email": "t@x.jp"}}}, 400, []string{"organisation.name", "organisation.country"}},
		{"missing organisation", map[string]any{"role": "buyer", "email": "d@x.jp", "password": "correct horse battery"}, 400, []string{"organisation"}},
		{"e-mail taken", map[string]any{"role": "buyer", "email": "AN@rangdong.vn", "password": "correct horse battery", "organisation": buyerBody("B")}, 409, nil},
		{"tax code taken", map[string]any{"role": "supplier", "email": "e@x.vn", "password": "correct horse battery", "organisation": org}, 409, nil},
	}
	for _, tc := range tests {
		r := e.do("POST", "/v1/signup", "", tc.body)
		if r.status != tc.status || !slices.Equal(r.fields(t), tc.fields) && tc.fields != nil {
			t.Errorf("%s: %d %s, want %d with fields %v", tc.name, r.status, r.body, tc.status, tc.fields)
		}
	}

	// Logging out revokes the token.
	e.must(e.do("DELETE", "/v1/sessions/current", token, nil), 204)
	e.must(e.do("POST", "/v1/suppliers/"+orgID+"/capabilities", token, capabilityBody("Khung thép")), 401)
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, token := range []string{"", "kl_notatoken", "garbage"} {
		r := e.must(e.do("POST", "/v1/suppliers", token, supplierBody("X")), 401)
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("content type %q", ct)
		}
		p := r.json(t)
		for _, k := range []string{"type", "title", "status", "detail"} {
			if _, ok := p[k]; !ok {
				t.Fatalf("problem lacks %q: %s", k, r.body)
			}
		}
	}
}

func TestSupplierCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := supplierBody("Công ty TNHH Cơ khí Chính xác Hà Nội")
	r := e.must(e.do("POST", "/v1/suppliers", e.organiser, body), 201)
	id := r.str(t, "id")
	if r.num(t, "version") != 1 || r.num(t, "position") <= 0 || r.header.Get("ETag") != `"1"` {
		t.Fatalf("register answer %s, ETag %q", r.body, r.header.Get("ETag"))
	}
	e.must(e.do("POST", "/v1/suppliers", e.organiser, body), 409) // same tax code

	own, ownToken := e.signup("supplier", supplierBody("Own firm"))
	_, otherToken := e.signup("supplier", supplierBody("Other firm"))
	_, buyerToken := e.signup("buyer", buyerBody("Buyer"))
	e.must(e.do("POST", "/v1/suppliers", ownToken, supplierBody("Not allowed")), 403)

	cap := e.must(e.do("POST", "/v1/suppliers/"+id+"/capabilities", e.organiser, capabilityBody("Giá đỡ thép dập")), 201)
	cid := cap.str(t, "id")
	if cid == id || cap.num(t, "version") != 2 {
		t.Fatalf("declare answer %s", cap.body)
	}
	e.must(e.do("PUT", "/v1/suppliers/"+id+"/capabilities/"+cid, e.organiser, capabilityBody("Giá đỡ thép dập v2")), 200)
	e.must(e.do("POST", "/v1/suppliers/"+id+"/key-products", e.organiser, map[string]any{
		"product": "Giá đỡ thép", "recognized_year": 2022, "decision_no": "4303/QĐ-UBND"}), 201)
	e.must(e.do("DELETE", "/v1/suppliers/"+id+"/capabilities/"+cid, e.organiser, nil), 200)
	e.must(e.do("PUT", "/v1/suppliers/"+id+"/capabilities/"+cid, e.organiser, capabilityBody("again")), 409)
	e.must(e.do("DELETE", "/v1/suppliers/"+id+"/capabilities/"+cid, e.organiser, nil), 409)
	e.must(e.do("PUT", "/v1/suppliers/"+id+"/capabilities/0193a1f2-0000-7000-8000-000000000000", e.organiser, capabilityBody("x")), 404)
	e.must(e.do("POST", "/v1/suppliers/0193a1f2-0000-7000-8000-000000000000/capabilities", e.organiser, capabilityBody("x")), 404)
	e.must(e.do("POST", "/v1/suppliers/not-a-uuid/capabilities", e.organiser, capabilityBody("x")), 404)

	// Firms write only their own.
	e.must(e.do("POST", "/v1/suppliers/"+own+"/capabilities", ownToken, capabilityBody("Mine")), 201)
	e.must(e.do("POST", "/v1/suppliers/"+own+"/capabilities", otherToken, capabilityBody("Theirs")), 403)
	e.must(e.do("POST", "/v1/suppliers/"+own+"/capabilities", buyerToken, capabilityBody("Theirs")), 403)
	e.must(e.do("POST", "/v1/suppliers/"+own+"/key-products", ownToken, map[string]any{
		"product": "x", "recognized_year": 2022, "decision_no": "1/QĐ"}), 403)

	// Validation lists every bad field at once.
	bad := capabilityBody("")
	bad["industry_group"] = "space"
	bad["capacity"] = map[string]any{"quantity": 0, "unit": "barrels", "per": "week"}
	bad["certifications"] = []map[string]any{{"standard": "ISO 9001", "valid_until": "2025-02-30"}}
	bad["lead_time_days"] = 0
	r = e.must(e.do("POST", "/v1/suppliers/"+id+"/capabilities", e.organiser, bad), 400)
	want := []string{"title", "industry_group", "certifications[0].valid_until", "capacity.quantity", "capacity.unit", "capacity.per", "lead_time_days"}
	got := r.fields(t)
	for _, f := range want {
		if !slices.Contains(got, f) {
			t.Errorf("validation errors %v lack %q", got, f)
		}
	}
}

func TestBuyerCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newBuyer("Canon Vietnam")
	e.must(e.do("POST", "/v1/buyers", "", buyerBody("x")), 401)
	own, ownToken := e.signup("buyer", buyerBody("Panasonic"))
	_, supToken := e.signup("supplier", supplierBody("S"))
	e.must(e.do("POST", "/v1/buyers", ownToken, buyerBody("x")), 403)

	d := e.must(e.do("POST", "/v1/buyers/"+id+"/demands", e.organiser, demandBody("Stamped brackets")), 201)
	did := d.str(t, "id")
	e.must(e.do("PUT", "/v1/buyers/"+id+"/demands/"+did, e.organiser, demandBody("Stamped brackets, zinc plated")), 200)
	e.must(e.do("POST", "/v1/buyers/"+id+"/demands/"+did+"/close", e.organiser, map[string]any{"reason": "maybe"}), 400)
	e.must(e.do("POST", "/v1/buyers/"+id+"/demands/"+did+"/close", e.organiser, map[string]any{"reason": "fulfilled"}), 200)
	e.must(e.do("PUT", "/v1/buyers/"+id+"/demands/"+did, e.organiser, demandBody("again")), 409)
	e.must(e.do("POST", "/v1/buyers/"+id+"/demands/"+did+"/close", e.organiser, map[string]any{"reason": "cancelled"}), 409)

	e.must(e.do("POST", "/v1/buyers/"+own+"/demands", ownToken, demandBody("Mine")), 201)
	e.must(e.do("POST", "/v1/buyers/"+id+"/demands", ownToken, demandBody("Theirs")), 403)
	e.must(e.do("POST", "/v1/buyers/"+own+"/demands", supToken, demandBody("Theirs")), 403)

	bad := demandBody("")
	bad["volume"] = map[string]any{"quantity": -1, "unit": "pcs", "per": "month"}
	bad["needed_by"] = "tomorrow"
	r := e.must(e.do("POST", "/v1/buyers/"+own+"/demands", ownToken, bad), 400)
	if got := r.fields(t); !slices.Contains(got, "title") || !slices.Contains(got, "volume.quantity") || !slices.Contains(got, "needed_by") {
		t.Fatalf("fields %v", got)
	}
}

func TestIfMatchAndIdempotency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newSupplier("Việt-Tiệp")
	path := "/v1/suppliers/" + id + "/capabilities"
	e.must(e.do("POST", path, e.organiser, capabilityBody("Khóa"), "If-Match", `"7"`), 412)
	e.must(e.do("POST", path, e.organiser, capabilityBody("Khóa"), "If-Match", `"1"`), 201)
	e.must(e.do("POST", path, e.organiser, capabilityBody("Khóa"), "If-Match", `"1"`), 412)
	e.must(e.do("POST", path, e.organiser, capabilityBody("Khóa"), "If-Match", `soon`), 400)

	first := e.must(e.do("POST", path, e.organiser, capabilityBody("Ổ khóa"), "Idempotency-Key", "k-1"), 201)
	again := e.must(e.do("POST", path, e.organiser, capabilityBody("Ổ khóa"), "Idempotency-Key", "k-1"), 201)
	if string(first.body) != string(again.body) || first.header.Get("ETag") != again.header.Get("ETag") {
		t.Fatalf("replay differs:\n%s\n%s", first.body, again.body)
	}
	e.must(e.do("POST", path, e.organiser, capabilityBody("Other"), "Idempotency-Key", "k-1"), 422)
	recs, err := e.store.ReadStream(t.Context(), streamOf("supplier", id))
	if err != nil || len(recs) != 3 {
		t.Fatalf("stream has %d events (%v), want 3", len(recs), err)
	}
}

func TestConcurrentCapabilityDeclarations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newSupplier("Song song")
	path := "/v1/suppliers/" + id + "/capabilities"
	const n = 50
	run := func(headers ...string) map[int]int {
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.do("POST", path, e.organiser, capabilityBody(fmt.Sprint("Năng lực ", i)), headers...)
				mu.Lock()
				statuses[r.status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		return statuses
	}
	if got := run(); got[201] != n {
		t.Fatalf("without If-Match: %v", got)
	}
	recs, _ := e.store.ReadStream(t.Context(), streamOf("supplier", id))
	if len(recs) != n+1 {
		t.Fatalf("%d events, want %d", len(recs), n+1)
	}
	stale := fmt.Sprintf(`"%d"`, n+1)
	if got := run("If-Match", stale); got[201] != 1 || got[412] != n-1 {
		t.Fatalf("with a shared If-Match: %v", got)
	}
}

func TestHostileInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.newSupplier("Đầu vào")
	path := "/v1/suppliers/" + id + "/capabilities"
	tests := []struct {
		name   string
		body   any
		ct     string
		status int
		field  string
	}{
		{"malformed", `{"title": `, "application/json", 400, "body"},
		{"not an object", `[1,2]`, "application/json", 400, "body"},
		{"unknown field", `{"title":"x","colour":"red"}`, "application/json", 400, "colour"},
		{"wrong type", `{"title": 5}`, "application/json", 400, "title"},
		{"nested wrong type", `{"title":"x","capacity":{"quantity":"many"}}`, "application/json", 400, "capacity.quantity"},
		{"trailing data", `{"title":"x"} {}`, "application/json", 400, "body"},
		{"invalid UTF-8", []byte("{\"title\":\"\xff\xfe\"}"), "application/json", 400, "body"},
		{"empty", ``, "application/json", 400, "body"},
		{"huge number", `{"lead_time_days": 1e400}`, "application/json", 400, ""},
		{"too large", `{"title":"` + strings.Repeat("a", 1<<20) + `"}`, "application/json", 413, ""},
		{"not JSON", `title=x`, "application/x-www-form-urlencoded", 415, ""},
	}
	for _, tc := range tests {
		r := e.do("POST", path, e.organiser, tc.body, "Content-Type", tc.ct)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, r.status, tc.status, r.body)
			continue
		}
		if r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: content type %q", tc.name, r.header.Get("Content-Type"))
		}
		if tc.field != "" && !slices.Contains(r.fields(t), tc.field) {
			t.Errorf("%s: fields %v lack %q", tc.name, r.fields(t), tc.field)
		}
	}
	recs, _ := e.store.ReadStream(t.Context(), streamOf("supplier", id))
	if len(recs) != 1 {
		t.Fatalf("hostile input wrote %d events", len(recs)-1)
	}
	_ = http.MethodPost
}

package api_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keylink/keylink/api"
)

// fastLogins lifts the per-address limit of sign-up, login and accept, which
// these tests call more often than a person would.
func fastLogins(c *api.Config) { c.LoginRate, c.LoginBurst = 1000, 1000 }

// shiftedClock returns a clock option and the offset it adds to the time.
func shiftedClock() (func(*api.Config), *atomic.Int64) {
	var shift atomic.Int64
	return func(c *api.Config) { c.Clock = func() time.Time { return time.Now().Add(time.Duration(shift.Load())) } }, &shift
}

const password = "mật khẩu đủ dài 2026"

func (e *env) invite(token, org, email string) resp {
	e.t.Helper()
	return e.do("POST", "/v1/organisations/"+org+"/invitations", token, map[string]any{"email": email})
}

func (e *env) accept(token, pw string) resp {
	e.t.Helper()
	return e.do("POST", "/v1/invitations/accept", "", map[string]any{"token": token, "password": pw})
}

func TestInvitationRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fastLogins)
	sup, supTok := e.signup("supplier", supplierBody("Cơ khí Đông Anh"))
	other, otherTok := e.signup("supplier", supplierBody("Cơ khí Sóc Sơn"))
	buy, buyTok := e.signup("buyer", buyerBody("Canon Vietnam"))
	unknown := "0193a1b2-0000-7000-8000-00000000dead"
	tests := []struct {
		name, token, org string
		status           int
	}{
		{"organiser for a supplier", e.organiser, sup, 201},
		{"organiser for a buyer", e.organiser, buy, 201},
		{"a user of the firm", supTok, sup, 201},
		{"a buyer's user for its buyer", buyTok, buy, 201},
		{"another supplier", otherTok, sup, 403},
		{"a buyer for a supplier", buyTok, sup, 403},
		{"a supplier for a buyer", supTok, buy, 403},
		{"a firm for an unknown firm", supTok, unknown, 403},
		{"organiser for an unknown firm", e.organiser, unknown, 404},
		{"organiser with a malformed id", e.organiser, "not-a-uuid", 404},
		{"no token", "", sup, 401},
		{"a bad token", "kl_nope", sup, 401},
	}
	for _, tc := range tests {
		r := e.invite(tc.token, tc.org, fmt.Sprintf("x%d@example.vn", taxSeq.Add(1)))
		if r.status != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.name, r.status, tc.status, r.body)
		}
	}
	_ = other
}

func TestInvitationInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fastLogins)
	sup := e.newSupplier("Nhựa Tiền Phong")
	path := "/v1/organisations/" + sup + "/invitations"
	tests := []struct {
		name   string
		body   any
		status int
		fields []string
	}{
		{"missing e-mail", map[string]any{}, 400, []string{"email"}},
		{"blank e-mail", map[string]any{"email": "  "}, 400, []string{"email"}},
		{"not an e-mail", map[string]any{"email": "hoa at tienphong"}, 400, []string{"email"}},
		{"NUL in the e-mail", map[string]any{"email": "hoa\x00@tienphong.vn"}, 400, []string{"email"}},
		{"bidi override in the e-mail", map[string]any{"email": "hoa\u202e@tienphong.vn"}, 400, []string{"email"}},
		{"e-mail of the wrong type", map[string]any{"email": 42}, 400, []string{"email"}},
		{"unknown field", map[string]any{"email": "hoa@tienphong.vn", "role": "organiser"}, 400, []string{"role"}},
		{"malformed JSON", `{"email":`, 400, []string{"body"}},
		{"two values", `{"email":"a@b.vn"} {}`, 400, []string{"body"}},
		{"no body", "", 400, []string{"body"}},
	}
	for _, tc := range tests {
		r := e.do("POST", path, e.organiser, tc.body)
		if r.status != tc.status || !slices.Equal(r.fields(t), tc.fields) {
			t.Errorf("%s: %d %s, want %d with fields %v", tc.name, r.status, r.body, tc.status, tc.fields)
		}
	}
	if r := e.do("POST", path, e.organiser, strings.Repeat(" ", 1<<20+1)); r.status != 413 {
		t.Errorf("a body over 1 MiB: %d", r.status)
	}

	inv := e.must(e.invite(e.organiser, sup, "hoa@tienphong.vn"), 201)
	acceptTests := []struct {
		name   string
		body   any
		fields []string
	}{
		{"nothing", map[string]any{}, []string{"token", "password"}},
		{"short password", map[string]any{"token": inv.str(t, "token"), "password": "ngắn quá"}, []string{"password"}},
		{"NUL in the token", map[string]any{"token": "kli_\x00", "password": password}, []string{"token"}},
		{"space in the token", map[string]any{"token": "kli_ abc", "password": password}, []string{"token"}},
		{"long token", map[string]any{"token": "kli_" + strings.Repeat("a", 200), "password": password}, []string{"token"}},
		{"token of the wrong type", map[string]any{"token": 7, "password": password}, []string{"token"}},
		{"unknown field", map[string]any{"token": inv.str(t, "token"), "password": password, "email": "x@y.vn"}, []string{"email"}},
		{"invalid UTF-8", "{\"token\":\"kli_a\",\"password\":\"\xff\xfe\"}", []string{"body"}},
	}
	for _, tc := range acceptTests {
		r := e.do("POST", "/v1/invitations/accept", "", tc.body)
		if r.status != 400 || !slices.Equal(r.fields(t), tc.fields) {
			t.Errorf("accept, %s: %d %s, want 400 with fields %v", tc.name, r.status, r.body, tc.fields)
		}
	}
	// None of the refusals used the invitation.
	e.must(e.accept(inv.str(t, "token"), password), 201)
}

// An invited user acts for its firm and no other; a firm has several users;
// a token is good once.
func TestInvitationAccepted(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fastLogins)
	sup := e.newSupplier("Công ty Cổ phần Bóng đèn Phích nước Rạng Đông")
	other := e.newSupplier("Điện Quang")
	buy := e.newBuyer("Meiko Electronics Vietnam")

	r := e.must(e.invite(e.organiser, sup, " Hoa@RangDong.vn"), 201)
	id, token := r.str(t, "id"), r.str(t, "token")
	if id == "" || !strings.HasPrefix(token, "kli_") || len(token) < 40 {
		t.Fatalf("invitation answer: %s", r.body)
	}
	expires, err := time.Parse(time.RFC3339, r.str(t, "expires_at"))
	if d := time.Until(expires); err != nil || d < 14*24*time.Hour-time.Minute || d > 14*24*time.Hour+time.Minute {
		t.Fatalf("expires_at %q (%v): want in 14 days", r.str(t, "expires_at"), err)
	}

	a := e.must(e.accept(token, password), 201)
	if a.str(t, "role") != "supplier" || a.str(t, "organisation_id") != sup || !strings.HasPrefix(a.str(t, "token"), "kl_") {
		t.Fatalf("accept answer: %s", a.body)
	}
	userTok := a.str(t, "token")
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", userTok, capabilityBody("Bóng đèn LED")), 201)
	e.must(e.do("POST", "/v1/suppliers/"+other+"/capabilities", userTok, capabilityBody("Bóng đèn LED")), 403)
	e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", userTok, demandBody("x")), 403)

	// Used: the same token again is gone, with any password.
	for _, pw := range []string{password, "another long password"} {
		if g := e.accept(token, pw); g.status != 410 || g.header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("reused token: %d %s", g.status, g.body)
		}
	}
	// Unknown tokens answer like used ones.
	e.must(e.accept("kli_"+strings.Repeat("A", 43), password), 410)

	// The invited user signs in with the invited e-mail, normalised.
	login := e.must(e.do("POST", "/v1/sessions", "", map[string]any{"email": "hoa@rangdong.vn", "password": password}), 201)
	if login.str(t, "organisation_id") != sup || login.str(t, "role") != "supplier" {
		t.Fatalf("login: %s", login.body)
	}

	// The new user invites a colleague: the firm now has two users.
	second := e.must(e.invite(userTok, sup, "lan@rangdong.vn"), 201)
	lan := e.must(e.accept(second.str(t, "token"), "correct horse battery"), 201)
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", lan.str(t, "token"), capabilityBody("Phích nước")), 201)
	e.must(e.do("POST", "/v1/sessions", "", map[string]any{"email": "hoa@rangdong.vn", "password": password}), 201)

	// A buyer's user is a buyer.
	b := e.must(e.accept(e.must(e.invite(e.organiser, buy, "sato@meiko.jp"), 201).str(t, "token"), password), 201)
	if b.str(t, "role") != "buyer" || b.str(t, "organisation_id") != buy {
		t.Fatalf("buyer accept: %s", b.body)
	}
	e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", b.str(t, "token"), demandBody("PCB")), 201)
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", b.str(t, "token"), capabilityBody("x")), 403)

	// An e-mail that has an account cannot take a second one.
	taken := e.must(e.invite(e.organiser, other, "HOA@rangdong.vn"), 201)
	e.must(e.accept(taken.str(t, "token"), password), 409)
	// A refused accept leaves the invitation unused: 409 again, not 410.
	e.must(e.accept(taken.str(t, "token"), password), 409)
}

func TestInvitationExpires(t *testing.T) {
	t.Parallel()
	clock, shift := shiftedClock()
	e := newEnv(t, fastLogins, clock)
	sup := e.newSupplier("Cao su Sao Vàng")
	early := e.must(e.invite(e.organiser, sup, "early@saovang.vn"), 201).str(t, "token")
	late := e.must(e.invite(e.organiser, sup, "late@saovang.vn"), 201).str(t, "token")
	shift.Store(int64(14*24*time.Hour - time.Minute))
	e.must(e.accept(early, password), 201)
	shift.Store(int64(14*24*time.Hour + time.Second))
	r := e.must(e.accept(late, password), 410)
	if !strings.Contains(r.str(t, "detail"), "expired") {
		t.Errorf("expired detail: %s", r.body)
	}
	e.must(e.do("POST", "/v1/sessions", "", map[string]any{"email": "late@saovang.vn", "password": password}), 401)
}

// Two people accepting one token at once: exactly one account.
func TestInvitationAcceptedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fastLogins)
	sup := e.newSupplier("Việt-Tiệp")
	token := e.must(e.invite(e.organiser, sup, "khoa@viettiep.vn"), 201).str(t, "token")
	const n = 4
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- e.accept(token, fmt.Sprintf("password number %d", i)).status
		}()
	}
	wg.Wait()
	close(statuses)
	var got []int
	for s := range statuses {
		got = append(got, s)
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{201, 410, 410, 410}) {
		t.Fatalf("statuses %v, want one 201 and 410s", got)
	}
	var accounts int
	if err := e.pool.QueryRow(t.Context(), `SELECT count(*) FROM events WHERE type = 'AccountRegistered'`).Scan(&accounts); err != nil || accounts != 1 {
		t.Fatalf("%d accounts (%v)", accounts, err)
	}
}

// Tokens and password hashes are kept only as hashes, outside the events,
// and an idempotent replay does not give the token again.
func TestSecretsStayOutOfEventsAndIdempotencyAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fastLogins)
	sup, _ := e.signup("supplier", supplierBody("Vicostone"))
	first := e.must(e.do("POST", "/v1/organisations/"+sup+"/invitations", e.organiser, map[string]any{"email": "a@vicostone.vn"},
		"Idempotency-Key", "inv-1"), 201)
	again := e.must(e.do("POST", "/v1/organisations/"+sup+"/invitations", e.organiser, map[string]any{"email": "a@vicostone.vn"},
		"Idempotency-Key", "inv-1"), 201)
	if again.str(t, "id") != first.str(t, "id") || again.str(t, "token") != "" || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %s (first %s)", again.body, first.body)
	}
	token := first.str(t, "token")
	acc := e.must(e.do("POST", "/v1/invitations/accept", "", map[string]any{"token": token, "password": password},
		"Idempotency-Key", "acc-1"), 201)
	var n int
	err := e.pool.QueryRow(t.Context(), `SELECT
  (SELECT count(*) FROM events WHERE payload::text LIKE '%argon2%' OR payload ? 'password_hash' OR payload::text LIKE '%' || $1 || '%' OR payload::text LIKE '%' || $2 || '%')
+ (SELECT count(*) FROM idempotency_keys WHERE position($1::bytea IN body) > 0 OR position($2::bytea IN body) > 0)
+ (SELECT count(*) FROM invitation_tokens WHERE position($1::bytea IN token_hash) > 0)`, token, acc.str(t, "token")).Scan(&n)
	if err != nil || n != 0 {
		t.Fatalf("%d places hold a secret (%v)", n, err)
	}
	if err := e.pool.QueryRow(t.Context(), `SELECT count(*) FROM credentials WHERE password_hash LIKE '$argon2id$%'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d credentials (%v)", n, err)
	}
}

// A tax code that belongs to a registered firm is not signed up again: the
// answer says to ask for an invitation, and no second firm appears.
func TestSignupOfARegisteredFirmAsksForAnInvitation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fastLogins)
	body := supplierBody("Meiko Electronics Vietnam")
	sup := e.must(e.do("POST", "/v1/suppliers", e.organiser, body), 201).str(t, "id")
	for _, tax := range []any{body["tax_code"], " " + body["tax_code"].(string) + " "} {
		org := supplierBody("Meiko Electronics Vietnam Co., Ltd.")
		org["tax_code"] = tax
		r := e.must(e.do("POST", "/v1/signup", "", map[string]any{"role": "supplier", "email": fmt.Sprintf("m%d@meiko.vn", taxSeq.Add(1)),
			"password": password, "organisation": org}), 409)
		if d := r.str(t, "detail"); !strings.Contains(d, "invitation") || !strings.Contains(d, "organiser") {
			t.Errorf("detail %q does not say to ask for an invitation", d)
		}
	}
	var n int
	if err := e.pool.QueryRow(t.Context(), `SELECT count(*) FROM events WHERE stream_type = 'supplier' AND version = 1`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d supplier streams (%v), want only %s", n, err, sup)
	}
	// The refused sign-ups kept no account either.
	if err := e.pool.QueryRow(t.Context(), `SELECT count(*) FROM claims WHERE scope = 'email'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d e-mails claimed (%v)", n, err)
	}
}

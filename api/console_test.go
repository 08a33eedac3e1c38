package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/keylink/keylink/eventstore/projector"
)

// browser is a cookie-keeping client of the web console.
type browser struct {
	t      *testing.T
	base   string
	c      *http.Client
	status int
	header http.Header
	body   string
	// url is where the last request ended, after redirects.
	url *url.URL
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: base, c: &http.Client{Jar: jar}}
}

func (b *browser) send(req *http.Request) *browser {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	b.status, b.header, b.body, b.url = res.StatusCode, res.Header, string(raw), res.Request.URL
	return b
}

func (b *browser) get(path string) *browser {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.send(req)
}

// post submits a form; the CSRF token of the last page is added unless
// values sets "csrf" (to "" to leave it out).
func (b *browser) post(path string, values url.Values) *browser {
	b.t.Helper()
	if _, ok := values["csrf"]; !ok {
		values.Set("csrf", b.csrf())
	} else if values.Get("csrf") == "" {
		values.Del("csrf")
	}
	req, err := http.NewRequest("POST", b.base+path, strings.NewReader(values.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) csrf() string {
	b.t.Helper()
	m := csrfRE.FindStringSubmatch(b.body)
	if m == nil {
		b.t.Fatalf("no CSRF token on the page (status %d): %.300s", b.status, b.body)
	}
	return m[1]
}

// must checks the status and that the page holds every text.
func (b *browser) must(status int, texts ...string) *browser {
	b.t.Helper()
	if b.status != status {
		b.t.Fatalf("status %d, want %d: %.2000s", b.status, status, b.body)
	}
	for _, s := range texts {
		if !strings.Contains(b.body, s) {
			b.t.Fatalf("the page lacks %q: %.3000s", s, b.body)
		}
	}
	return b
}

// signIn signs in with an e-mail and password from the sign-in page.
func (b *browser) signIn(email, password string) *browser {
	b.t.Helper()
	b.get("/").must(200)
	return b.post("/console/signin", url.Values{"email": {email}, "password": {password}})
}

// firmUser signs a firm up through the API and returns its id and e-mail.
func (e *env) firmUser(role string, org map[string]any) (string, string) {
	e.t.Helper()
	email := fmt.Sprintf("console%d@example.vn", taxSeq.Add(1))
	r := e.must(e.do("POST", "/v1/signup", "", map[string]any{
		"role": role, "email": email, "password": "correct horse battery", "organisation": org}), 201)
	return r.str(e.t, "organisation_id"), email
}

func capabilityForm(title string) url.Values {
	return url.Values{
		"title": {title}, "industry_group": {"mechanical"}, "capacity.quantity": {"50.000"}, "capacity.unit": {"pcs"},
		"lead_time_days": {"30"}, "moq": {"1.000"}, "vsic": {"2592"}, "hs_codes": {"7326.90"},
		"processes": {"stamping, welding"}, "materials": {"steel"}, "certifications.standard": {"IATF 16949"},
		"certifications.valid_until": {"2027-06-30"}, "export_markets": {"JP, KR"},
		"description": {"Dập và hàn kết cấu thép cho ô tô, xe máy"},
	}
}

func TestConsoleSignInPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newBrowser(t, e.url)
	b.get("/").must(200, "Đăng nhập", `lang="vi"`, `name="csrf"`)
	if got := b.header.Get("Content-Language"); got != "vi" {
		t.Errorf("Content-Language %q, want vi", got)
	}
	if csp := b.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
	b.get("/?lang=en").must(200, "Sign in to KeyLink", `lang="en"`)
	if got := b.header.Get("Content-Language"); got != "en" {
		t.Errorf("Content-Language %q, want en", got)
	}
	// The choice sticks, and the switch leads back.
	b.get("/").must(200, "Sign in to KeyLink", `href="?lang=vi"`)
	// The API is untouched: an unknown /v1 path is still a problem (401
	// without a token, as before the console).
	res, err := http.Get(e.url + "/v1/nothing")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("GET /v1/nothing: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestConsoleSignInAndOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, email := e.firmUser("supplier", supplierBody("Cơ khí Thăng Long"))
	b := newBrowser(t, e.url)
	b.signIn(email, "wrong password!").must(401, "Sai e-mail hoặc mật khẩu.", `value="`+email+`"`)
	b.signIn("nobody@example.vn", "correct horse battery").must(401, "Sai e-mail hoặc mật khẩu.")
	b.signIn(email, "correct horse battery").must(200, "Cơ khí Thăng Long", "Khai báo năng lực",
		`action="/console/suppliers/`+sup+`/capabilities"`)
	// The session cookie is HttpOnly and SameSite=Lax.
	b2 := newBrowser(t, e.url)
	b2.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	b2.get("/").must(200)
	b2.post("/console/signin", url.Values{"email": {email}, "password": {"correct horse battery"}}).must(303)
	cookie := strings.Join(b2.header.Values("Set-Cookie"), "\n")
	if !regexp.MustCompile(`kl_session=kl_[^;]+;.*HttpOnly.*SameSite=Lax`).MatchString(cookie) {
		t.Errorf("session cookie %q", cookie)
	}

	b.post("/console/signout", url.Values{}).must(200, "Đăng nhập")
	b.get("/console/suppliers/"+sup).must(200, "Đăng nhập") // redirected to sign in

	// An organiser signs in with a token from keylink token issue.
	o := newBrowser(t, e.url)
	o.get("/").must(200)
	o.post("/console/signin", url.Values{"token": {"kl_not-a-token"}}).must(401, "không phải mã truy cập hợp lệ")
	o.post("/console/signin", url.Values{"token": {e.organiser}}).must(200, "Danh bạ nhà cung cấp", "Cơ khí Thăng Long")
	o.post("/console/signout", url.Values{}).must(200, "Đăng nhập")
	// Signing out ended the console's session, not the printed token.
	e.must(e.do("GET", "/v1/suppliers/"+sup, e.organiser, nil), 200)
}

func TestConsoleCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, email := e.firmUser("supplier", supplierBody("Cơ khí Sóc Sơn"))
	b := newBrowser(t, e.url)
	b.get("/").must(200)
	b.post("/console/signin", url.Values{"csrf": {""}, "email": {email}, "password": {"correct horse battery"}}).
		must(403, "Biểu mẫu đã hết hạn")
	b.signIn(email, "correct horse battery").must(200)
	form := capabilityForm("Dập kim loại")
	form.Set("csrf", "")
	b.post("/console/suppliers/"+sup+"/capabilities", form).must(403, "Biểu mẫu đã hết hạn")
	form.Set("csrf", "forged-token")
	b.post("/console/suppliers/"+sup+"/capabilities", form).must(403)
	b.post("/console/signout", url.Values{"csrf": {""}}).must(403)
	got := e.must(e.do("GET", "/v1/suppliers/"+sup, e.organiser, nil), 200).json(t)["capabilities"].([]any)
	if len(got) != 0 {
		t.Fatalf("a form without its CSRF token wrote %v", got)
	}
}

func TestConsoleRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, email := e.firmUser("supplier", supplierBody("Điện tử Hòa Lạc"))
	other, _ := e.firmUser("supplier", supplierBody("Nhựa Bắc Ninh"))
	buy, buyerEmail := e.firmUser("buyer", buyerBody("Canon Việt Nam"))

	anon := newBrowser(t, e.url)
	anon.get("/console/suppliers/"+sup).must(200, "Đăng nhập")

	b := newBrowser(t, e.url)
	b.signIn(email, "correct horse battery").must(200, "Điện tử Hòa Lạc")
	b.get("/console/suppliers/"+other).must(404, "Không có trang này.")
	b.get("/console/suppliers/not-an-id").must(404)
	b.get("/console/buyers/" + buy).must(403)
	b.get("/console/directory").must(403, "Bạn không có quyền mở trang này.")
	b.get("/console/events").must(403)
	b.get("/console/suppliers/" + sup).must(200)
	b.post("/console/suppliers/"+other+"/capabilities", capabilityForm("x")).must(404)

	c := newBrowser(t, e.url)
	c.signIn(buyerEmail, "correct horse battery").must(200, "Canon Việt Nam", "Đăng nhu cầu")
	c.get("/console/suppliers/" + sup).must(403)
	c.post("/console/suppliers/"+sup+"/capabilities", capabilityForm("x")).must(403)
}

func TestConsoleFormErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, email := e.firmUser("supplier", supplierBody("Cơ khí Gia Lâm"))
	b := newBrowser(t, e.url)
	b.signIn(email, "correct horse battery").must(200)
	path := "/console/suppliers/" + sup + "/capabilities"

	form := capabilityForm("")
	form.Set("capacity.quantity", "năm mươi")
	b.post(path, form).must(400, "Vui lòng sửa các trường",
		`<span class="error" id="f-capacity-quantity-error">phải là một số</span>`,
		`value="năm mươi"`, `value="IATF 16949"`)

	form = capabilityForm("")
	form.Set("lead_time_days", "0")
	form.Set("certifications.valid_until", "31/02/2027")
	form.Set("export_markets", "JP, Nhật")
	b.post(path, form).must(400,
		`id="f-title-error">bắt buộc phải nhập</span>`,
		`id="f-lead_time_days-error">phải nằm trong khoảng`,
		`id="f-certifications-valid_until-error">phải là một ngày có thật`,
		`id="f-export_markets-error">phải là mã quốc gia`,
		`value="31/02/2027"`, `value="JP, Nhật"`, `aria-invalid="true"`)

	// The same form in English.
	b.get("/console/suppliers/" + sup + "?lang=en").must(200)
	b.post(path, form).must(400, `id="f-title-error">is required</span>`)

	got := e.must(e.do("GET", "/v1/suppliers/"+sup, e.organiser, nil), 200).json(t)["capabilities"].([]any)
	if len(got) != 0 {
		t.Fatalf("a bad form wrote %v", got)
	}
}

func TestConsoleDeclareAndMatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, email := e.firmUser("supplier", supplierBody("Cơ khí Đông Anh"))
	buy, buyerEmail := e.firmUser("buyer", buyerBody("Canon Việt Nam"))

	c := newBrowser(t, e.url)
	c.signIn(buyerEmail, "correct horse battery").must(200, "Chưa đăng nhu cầu nào.")
	c.post("/console/buyers/"+buy+"/demands", url.Values{
		"title": {"Giá đỡ thép dập"}, "industry_group": {"mechanical"}, "volume.quantity": {"20.000"},
		"volume.unit": {"pcs"}, "max_lead_time_days": {"45"}, "needed_by": {"01/03/2027"}, "vsic": {"2592"},
		"hs_codes": {"732690"}, "processes": {"stamping"}, "materials": {"steel"},
		"required_certifications": {"IATF 16949"},
	}).must(200, "Đã đăng nhu cầu.", "Giá đỡ thép dập", "20.000 pcs", "01/03/2027", "Chưa có nhu cầu nào phù hợp.")

	b := newBrowser(t, e.url)
	b.signIn(email, "correct horse battery").must(200, "Chưa khai báo năng lực nào.")
	b.post("/console/suppliers/"+sup+"/capabilities", capabilityForm("Dập và hàn khung thép")).
		must(200, "Đã khai báo năng lực.", "Dập và hàn khung thép", "50.000 pcs", "30/06/2027",
			"Nhu cầu phù hợp", "Canon Việt Nam", "Có đủ chứng nhận yêu cầu")

	c.get("/console/buyers/"+buy).must(200, "Nhà cung cấp phù hợp", "Cơ khí Đông Anh")

	// The organiser finds the firm in the directory, by a word without its
	// diacritics and by industry group.
	o := newBrowser(t, e.url)
	o.get("/")
	o.post("/console/signin", url.Values{"token": {e.organiser}}).must(200)
	after := b.url.Query().Get("after")
	if after == "" {
		t.Fatalf("the form redirected to %s, without ?after", b.url)
	}
	o.get("/console/directory?q=dong+anh&after="+after).must(200, "Cơ khí Đông Anh", "Cơ khí")
	o.get("/console/directory?industry_group=it").must(200)
	if strings.Contains(o.body, "Cơ khí Đông Anh") {
		t.Error("the industry group filter kept a mechanical supplier")
	}
	o.get("/console/suppliers/"+sup).must(200, "Dập và hàn khung thép")
}

func TestConsoleEvents(t *testing.T) {
	t.Parallel()
	e := newClockEnv(t, &clock{t: eventStart.AddDate(0, -1, 0)})
	sup, _ := e.signup("supplier", supplierBody("Cơ khí Đông Anh"))
	buy, buyTok := e.signup("buyer", buyerBody("Canon Việt Nam"))
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", e.organiser, capabilityBody("Dập khung thép")), 201)
	e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", buyTok, demandBody("Giá đỡ thép")), 201)
	ev := e.newEvent("Hội nghị kết nối 2030")
	e.register(ev, sup)
	r := e.register(ev, buy)
	// The report waits for the match lists too, so that scheduling sees
	// the match.
	e.must(e.read(fmt.Sprintf("/v1/events/%s/report?after=%d", ev, r.num(t, "position")), e.organiser), 200)
	pos := e.must(e.do("POST", "/v1/events/"+ev+"/schedule", e.organiser, nil), 200).num(t, "position")

	o := newBrowser(t, e.url)
	o.get("/")
	o.post("/console/signin", url.Values{"token": {e.organiser}}).must(200)
	o.get("/console/events").must(200, "Hội nghị kết nối 2030", "15/10/2030 08:00", "/console/events/"+ev+"/report")
	o.get(fmt.Sprintf("/console/events/%s?after=%d", ev, pos)).must(200, "Bàn 1", "Bàn 2", "Cơ khí Đông Anh", "Canon Việt Nam")
	o.get("/console/events/"+ev+"/report").must(200, "Hội nghị kết nối 2030")
	if csp := o.header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'none'") {
		t.Errorf("report CSP %q", csp)
	}
}

// TestConsoleSupplierBeforeMatches: a firm that signs in before the matches
// read model has reached it sees its page without matches, not "no such
// page" (a race CI once hit). The matches projection does not run here.
func TestConsoleSupplierBeforeMatches(t *testing.T) {
	t.Parallel()
	e := newHeldEnv(t, "matches").env
	_, email := e.firmUser("supplier", supplierBody("Cơ khí Đông Anh"))
	b := newBrowser(t, e.url)
	b.signIn(email, "correct horse battery").must(200, "Cơ khí Đông Anh")
}

// TestConsoleSignInWaitsForReadModels: signing in waits until the read
// models hold what was written before it, so a buyer's first page lists the
// demand it posted a moment ago. The board runs in a second process that
// starts only once the sign-in is waiting for it.
func TestConsoleSignInWaitsForReadModels(t *testing.T) {
	t.Parallel()
	h := newHeldEnv(t, "board")
	e := h.env
	buy, email := e.firmUser("buyer", buyerBody("Canon Việt Nam"))
	// The board knows the buyer, not yet the demand below.
	if err := projector.Rebuild(t.Context(), e.store, h.held[0], nil); err != nil {
		t.Fatal(err)
	}
	tok := e.must(e.do("POST", "/v1/sessions", "", map[string]any{"email": email, "password": "correct horse battery"}), 201).str(t, "token")
	did := e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", tok, demandBody("Giá đỡ thép dập")), 201).str(t, "id")

	b := newBrowser(t, e.url)
	b.get("/").must(200)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.post("/console/signin", url.Values{"email": {email}, "password": {"correct horse battery"}})
	}()
	h.release("signing in")
	<-done
	b.must(200, `href="/console/buyers/`+buy+`/demands/`+did+`"`)
}

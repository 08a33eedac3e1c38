package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// inviteLink invites email to org as the organiser and returns the
// console's acceptance link.
func (e *env) inviteLink(org, email string) string {
	e.t.Helper()
	tok := e.must(e.invite(e.organiser, org, email), 201).str(e.t, "token")
	return "/console/invitations/accept?token=" + url.QueryEscape(tok)
}

func TestConsoleAcceptInvitation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fastLogins)
	sup := e.newSupplier("Cơ khí Mê Linh")
	link := e.inviteLink(sup, "ban.hang@melinh.vn")
	token, _ := url.ParseQuery(strings.TrimPrefix(link, "/console/invitations/accept?"))

	b := newBrowser(t, e.url)
	b.get(link).must(200, "Nhận lời mời", `name="password"`, `name="password2"`, `for="f-password"`)
	// Each bad field beside its input, in Vietnamese; nothing is created.
	b.post("/console/invitations/accept", url.Values{"token": {token.Get("token")}, "password": {"ngắn"}, "password2": {"ngắn"}}).
		must(400, `id="f-password-error">phải có ít nhất 12 ký tự</span>`)
	b.post("/console/invitations/accept", url.Values{"token": {token.Get("token")}, "password": {password}, "password2": {password + "x"}}).
		must(400, `id="f-password2-error">hai mật khẩu không giống nhau</span>`)
	if strings.Contains(b.body, password) {
		t.Error("a password was written back into the page")
	}
	// Without the form's token nothing happens.
	b.post("/console/invitations/accept", url.Values{"csrf": {""}, "token": {token.Get("token")}, "password": {password}, "password2": {password}}).
		must(403)
	b.get(link).must(200)
	b.post("/console/invitations/accept", url.Values{"token": {token.Get("token")}, "password": {password}, "password2": {password}}).
		must(200, "Cơ khí Mê Linh", "Khai báo năng lực")
	if b.url.Path != "/console/suppliers/"+sup {
		t.Errorf("landed on %s", b.url)
	}
	// The new user signs in with the invited address.
	c := newBrowser(t, e.url)
	c.signIn("ban.hang@melinh.vn", password).must(200, "Cơ khí Mê Linh")

	// A used link, and one that never was, are a friendly 410 page.
	d := newBrowser(t, e.url)
	d.get(link).must(410, "đã được dùng hoặc đã hết hạn")
	d.get("/console/invitations/accept?token=kli_nothing").must(410)
	d.get("/console/invitations/accept").must(410)
	d.get(link + "&lang=en").must(410, "already used or has expired")
	if csp := d.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
}

func TestConsoleCapabilityReviseWithdraw(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, email := e.firmUser("supplier", supplierBody("Cơ khí Long Biên"))
	cid := e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", e.organiser, capabilityBody("Dập khung thép")), 201).str(t, "id")
	other, _ := e.firmUser("supplier", supplierBody("Nhựa Hà Đông"))
	ocid := e.must(e.do("POST", "/v1/suppliers/"+other+"/capabilities", e.organiser, capabilityBody("Ép nhựa")), 201).str(t, "id")

	b := newBrowser(t, e.url)
	b.signIn(email, "correct horse battery").must(200, "Dập khung thép", "Sửa hoặc rút")
	path := "/console/suppliers/" + sup + "/capabilities/" + cid
	b.get(path).must(200, `value="Dập khung thép"`, `value="50.000"`, `value="1.000"`, `value="732690"`,
		`value="IATF 16949"`, `value="2027-06-30"`, `value="JP, KR"`, "Rút năng lực")
	b.get("/console/suppliers/" + other + "/capabilities/" + ocid).must(404)
	b.get("/console/suppliers/" + sup + "/capabilities/" + ocid).must(404)

	form := capabilityForm("Dập và hàn khung thép")
	form.Set("lead_time_days", "0")
	form.Set("certifications.1.standard", "ISO 9001")
	form.Set("certifications.1.valid_until", "30/02/2028")
	b.post(path, form).must(400, "Vui lòng sửa các trường",
		`id="f-lead_time_days-error">phải nằm trong khoảng`,
		`id="f-certifications-1-valid_until-error">phải là một ngày có thật`,
		`value="30/02/2028"`, `value="Dập và hàn khung thép"`)
	if strings.Contains(b.body, `id="f-certifications-valid_until-error"`) {
		t.Error("the second certificate's problem is shown beside the first")
	}
	form.Set("lead_time_days", "20")
	form.Set("certifications.1.valid_until", "2028-02-29")
	b.post(path, form).must(200, "Đã cập nhật năng lực.", "Dập và hàn khung thép", "ISO 9001 (29/02/2028)")
	got := e.must(e.do("GET", "/v1/suppliers/"+sup, e.organiser, nil), 200).json(t)["capabilities"].([]any)
	if c := got[0].(map[string]any); c["lead_time_days"].(float64) != 20 || len(c["certifications"].([]any)) != 2 {
		t.Errorf("revised capability %v", c)
	}

	b.post(path+"/withdraw", url.Values{}).must(200, "Đã rút năng lực.", "Chưa khai báo năng lực nào.")
	b.get(path).must(404)
	b.post("/console/suppliers/"+other+"/capabilities/"+ocid+"/withdraw", url.Values{}).must(404)
}

func TestConsoleDemandBoard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	buy, buyTok := e.signup("buyer", buyerBody("Canon Việt Nam"))
	e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", buyTok, demandBody("Giá đỡ thép dập")), 201)
	d2 := demandBody("Vải may áo")
	d2["industry_group"], d2["vsic"], d2["hs_codes"], d2["processes"], d2["materials"] = "textile_leather", "1410", []string{"6205"}, []string{"sewing"}, []string{"cotton"}
	e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", buyTok, d2), 201)
	sup, email := e.firmUser("supplier", supplierBody("Cơ khí Thanh Trì"))
	pos := e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", e.organiser, capabilityBody("Dập khung thép")), 201).num(t, "position")

	b := newBrowser(t, e.url)
	b.signIn(email, "correct horse battery").must(200, `href="/console/suppliers/`+sup+`/board"`)
	b.get(fmt.Sprintf("/console/suppliers/%s/board?after=%d", sup, pos)).must(200, "Bảng nhu cầu", "Giá đỡ thép dập",
		"Vải may áo", "Canon Việt Nam (JP)", "20.000 pcs", "01/03/2027", "Mức phù hợp", "Có đủ chứng nhận yêu cầu",
		"Chưa có năng lực nào của bạn phù hợp")
	b.get("/console/suppliers/"+sup+"/board?industry_group=textile_leather").must(200, "Vải may áo")
	if strings.Contains(b.body, "Giá đỡ thép dập") {
		t.Error("the industry group filter kept a mechanical demand")
	}
	b.get("/console/suppliers/"+sup+"/board?q=gia+do").must(200, "Giá đỡ thép dập")
	b.get("/console/suppliers/" + sup + "/board?cursor=not-a-cursor").must(400)
	b.get("/console/buyers/" + buy).must(403)

	c := newBrowser(t, e.url)
	c.signIn(email, "correct horse battery")
	c.get("/console/suppliers/" + sup + "/board?lang=en").must(200, "Demand board", "Your match", "2027-03-01")
}

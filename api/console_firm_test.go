package api_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
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
	b.get(link).must(200, "Nhận lời mời", `name="password"`, `name="password2"`, `for="f-password"`,
		"Lời mời dành cho <strong>ban.hang@melinh.vn</strong> · Cơ khí Mê Linh (nhà cung cấp)")
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
	d.get(link+"&lang=en").must(410, "already used or has expired")
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
	if strings.Contains(b.body, "đã hết hạn") {
		t.Error("a valid certificate is marked expired")
	}
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
	c.get("/console/suppliers/"+sup+"/board?lang=en").must(200, "Demand board", "Your match", "2027-03-01")
}

func TestConsoleDemandReviseClose(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	buy, email := e.firmUser("buyer", buyerBody("Canon Việt Nam"))
	did := e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", e.organiser, demandBody("Giá đỡ thép dập")), 201).str(t, "id")
	sup, _ := e.firmUser("supplier", supplierBody("Cơ khí Đông Anh"))
	pos := e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", e.organiser, capabilityBody("Dập khung thép")), 201).num(t, "position")
	other, otherEmail := e.firmUser("buyer", buyerBody("Samsung Display"))

	b := newBrowser(t, e.url)
	b.signIn(email, "correct horse battery").must(200, `href="/console/buyers/`+buy+`/demands/`+did+`"`)
	path := "/console/buyers/" + buy + "/demands/" + did
	b.get(fmt.Sprintf("%s?after=%d", path, pos)).must(200, "Nhà cung cấp phù hợp", "Cơ khí Đông Anh", "/100",
		"Có đủ chứng nhận yêu cầu", `value="20.000"`, `value="2027-03-01"`, `value="IATF 16949"`, "Đóng nhu cầu")

	form := url.Values{"title": {"Giá đỡ thép dập (2027)"}, "industry_group": {"mechanical"}, "volume.quantity": {"hai vạn"},
		"volume.unit": {"pcs"}, "max_lead_time_days": {"45"}, "needed_by": {"31/04/2027"}, "vsic": {"2592"},
		"hs_codes": {"732690"}, "processes": {"stamping"}, "materials": {"steel"}, "required_certifications": {"IATF 16949"}}
	b.post(path, form).must(400, `id="f-volume-quantity-error">phải là một số</span>`, `value="hai vạn"`, `value="31/04/2027"`)
	form.Set("volume.quantity", "25.000")
	b.post(path, form).must(400, `id="f-needed_by-error">phải là một ngày có thật`)
	form.Set("needed_by", "30/04/2027")
	b.post(path, form).must(200, "Đã cập nhật nhu cầu.", "Giá đỡ thép dập (2027)", "25.000 pcs", "30/04/2027")

	// Another buyer neither sees nor closes it.
	o := newBrowser(t, e.url)
	o.signIn(otherEmail, "correct horse battery").must(200, "Samsung Display")
	o.get(path).must(404)
	o.post(path+"/close", url.Values{"reason": {"cancelled"}}).must(404)
	o.get("/console/buyers/" + other + "/demands/" + did).must(404)

	b.get(path)
	b.post(path+"/close", url.Values{"reason": {""}}).must(400, `id="f-reason-error">phải chọn đã đáp ứng hoặc hủy</span>`)
	b.post(path+"/close", url.Values{"reason": {"fulfilled"}}).must(200, "Đã đóng nhu cầu.", "đã đáp ứng")
	b.get(path).must(200, "Nhu cầu này đã đóng")
	if strings.Contains(b.body, `action="`+path+`/close"`) {
		t.Error("a closed demand still offers its close form")
	}
	got := e.must(e.do("GET", "/v1/buyers/"+buy, e.organiser, nil), 200).json(t)["demands"].([]any)[0].(map[string]any)
	if got["status"] != "fulfilled" || got["title"] != "Giá đỡ thép dập (2027)" {
		t.Errorf("demand %v", got)
	}
}

func TestConsoleFirmEvents(t *testing.T) {
	t.Parallel()
	clk := &clock{t: eventStart.AddDate(0, -1, 0)}
	e := newClockEnv(t, clk)
	sup, supEmail := e.firmUser("supplier", supplierBody("Cơ khí Đông Anh"))
	buy, buyEmail := e.firmUser("buyer", buyerBody("Canon Việt Nam"))
	capPos := e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", e.organiser, capabilityBody("Dập khung thép")), 201).num(t, "position")
	did := e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", e.organiser, demandBody("Giá đỡ thép")), 201).str(t, "id")
	ev := e.newEvent("Hội nghị kết nối 2030")
	// The landing page reads the directory as it stands: wait until it
	// holds the capability (and its certificate).
	e.must(e.do("GET", fmt.Sprintf("/v1/suppliers/%s?after=%d", sup, capPos), e.organiser, nil), 200)

	s := newBrowser(t, e.url)
	// In 2030 the certificate of 2027 has expired, and the page says so.
	s.signIn(supEmail, "correct horse battery").must(200, `IATF 16949 (30/06/2027, <span class="expired">đã hết hạn</span>)`)
	base := "/console/suppliers/" + sup + "/events"
	s.get(base).must(200, "Hội nghị kết nối 2030", "15/10/2030 08:00")
	s.get(base+"/"+ev).must(200, "Đăng ký tham dự", `name="away" value="0"`, "15/10/2030", "08:00–08:30")
	// Away in the first two slots: one period.
	s.post(base+"/"+ev+"/register", url.Values{"away": {"0", "1"}}).must(200, "Bạn đã đăng ký tham dự sự kiện.", "đã đăng ký",
		`value="0" checked`, `value="1" checked`, "Chưa có doanh nghiệp phía bên kia đăng ký.")
	got := decode[struct {
		Registrations []struct {
			OrganisationID string `json:"organisation_id"`
			Unavailable    []struct{ From, To string }
		}
	}](t, e.must(e.read("/v1/events/"+ev, e.organiser), 200))
	if u := got.Registrations[0].Unavailable; len(u) != 1 || !strings.HasPrefix(u[0].From, "2030-10-15T08:00:00") ||
		!strings.HasPrefix(u[0].To, "2030-10-15T09:00:00") {
		t.Errorf("unavailable %+v", got.Registrations)
	}
	s.post(base+"/"+ev+"/unavailable", url.Values{"away": {"5"}}).must(200, "Đã lưu thời gian bận.", `value="5" checked`)
	if strings.Contains(s.body, `value="0" checked`) {
		t.Error("a cleared slot stayed unavailable")
	}
	s.post(base+"/"+ev+"/register", url.Values{}).must(409)

	c := newBrowser(t, e.url)
	c.signIn(buyEmail, "correct horse battery").must(200)
	bbase := "/console/buyers/" + buy + "/events"
	c.get(bbase + "/" + ev).must(200)
	c.post(bbase+"/"+ev+"/register", url.Values{}).must(200, "Bạn đã đăng ký", "Đề nghị gặp một nhà cung cấp")
	c.get(base + "/" + ev).must(403)
	s.get(bbase + "/" + ev).must(403)

	// The supplier asks the buyer about its demand, from its matches.
	s.get(base+"/"+ev).must(200, "Đề nghị gặp một bên mua", `value="`+buy+`/`+did+`"`, "Canon Việt Nam — Giá đỡ thép")
	s.post(base+"/"+ev+"/requests", url.Values{"to": {""}}).must(400, `id="f-to-error">bắt buộc phải nhập`)
	s.post(base+"/"+ev+"/requests", url.Values{"to": {sup}}).must(400, `id="f-to-error">`)
	s.post(base+"/"+ev+"/requests", url.Values{"to": {buy + "/" + did}}).must(200, "Đã gửi đề nghị gặp.", "chờ trả lời", "đã gửi",
		`Canon Việt Nam<br><span class="meta">Giá đỡ thép</span>`)
	s.post(base+"/"+ev+"/requests", url.Values{"to": {buy}}).must(400, "bạn đã đề nghị gặp doanh nghiệp này")
	c.get(bbase+"/"+ev).must(200, "Cơ khí Đông Anh", "nhận được", "Chấp nhận")
	rid := regexp.MustCompile(`/requests/([0-9a-f-]{36})/accept`).FindStringSubmatch(c.body)
	if rid == nil {
		t.Fatal("no accept button")
	}
	c.post(bbase+"/"+ev+"/requests/"+rid[1]+"/accept", url.Values{}).must(200, "Đã chấp nhận đề nghị gặp.", "đã chấp nhận")

	// The organiser publishes; the meeting is on both agendas.
	pos := e.must(e.do("POST", "/v1/events/"+ev+"/schedule", e.organiser, nil), 200).num(t, "position")
	s.get(fmt.Sprintf("%s/%s?after=%d", base, ev, pos)).must(200, "Lịch gặp của bạn", "Canon Việt Nam", "Bàn ", "agenda.ics",
		"Về nhu cầu: Giá đỡ thép")
	if strings.Contains(s.body, "Cuộc gặp có diễn ra không?") {
		t.Error("feedback is offered before the meeting ended")
	}
	s.get(base+"/"+ev+"/agenda.ics").must(200, "BEGIN:VCALENDAR", "Canon Việt Nam")
	if ct := s.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("agenda.ics Content-Type %q", ct)
	}

	clk.set(eventStart.Add(4 * time.Hour))
	c.get(bbase+"/"+ev).must(200, "Cuộc gặp có diễn ra không?", "Có khả năng hợp tác")
	if strings.Contains(c.body, "Lưu thời gian bận") || strings.Contains(c.body, "Gửi đề nghị") {
		t.Error("an event that is over still offers its registration or request forms")
	}
	mid := regexp.MustCompile(`/meetings/([0-9a-f-]{36})/feedback`).FindStringSubmatch(c.body)
	if mid == nil {
		t.Fatal("no feedback form")
	}
	fb := bbase + "/" + ev + "/meetings/" + mid[1] + "/feedback"
	c.post(fb, url.Values{"took_place": {"no"}, "rating": {"informative"}}).
		must(400, `-rating-error">phải là “Không ý kiến” khi cuộc gặp không diễn ra</span>`, `<option value="no" selected>`)
	c.post(fb, url.Values{"took_place": {"yes"}, "rating": {"cooperation_possible"}}).
		must(200, "Cảm ơn bạn: đã ghi nhận phản hồi.", "Đã ghi nhận phản hồi", `<option value="cooperation_possible" selected>`)
	s.get(base + "/" + ev)
	s.post(fb, url.Values{"took_place": {"yes"}}).must(403)
	agenda := string(e.must(e.read("/v1/events/"+ev+"/agenda?organisation_id="+buy, e.organiser), 200).body)
	if !strings.Contains(agenda, `"rating":"cooperation_possible"`) {
		t.Errorf("the buyer's feedback is not on its agenda: %s", agenda)
	}
}

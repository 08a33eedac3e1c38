package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// organiserBrowser signs in to the console with the organiser's token.
func (e *env) organiserBrowser(t *testing.T) *browser {
	t.Helper()
	o := newBrowser(t, e.url)
	o.get("/").must(200)
	o.post("/console/signin", url.Values{"token": {e.organiser}}).must(200)
	return o
}

var meetingLinkRE = regexp.MustCompile(`/console/events/[0-9a-f-]+/meetings/([0-9a-f-]{36})`)

// TestConsoleOrganiserEvent: the organiser creates an event through the
// form, registers a supplier and a buyer, proposes a draft, locks, moves and
// publishes it, records an outcome once the meeting is over and finds it in
// the report and the downloads.
func TestConsoleOrganiserEvent(t *testing.T) {
	t.Parallel()
	clk := &clock{t: eventStart.AddDate(0, -1, 0)}
	e := newClockEnv(t, clk)
	sup, _ := e.signup("supplier", supplierBody("Cơ khí Đông Anh"))
	buy, buyTok := e.signup("buyer", buyerBody("Canon Việt Nam"))
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", e.organiser, capabilityBody("Dập khung thép")), 201)
	e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", buyTok, demandBody("Giá đỡ thép")), 201)

	o := e.organiserBrowser(t)
	o.get("/console/events").must(200, `href="/console/events/new"`)
	o.get("/console/events/new").must(200, "Tạo sự kiện mới", `name="starts_at"`)
	form := url.Values{"kind": {"conference"}, "name": {"Hội nghị kết nối 2030"}, "venue": {"Trung tâm Hội nghị Quốc gia"},
		"starts_at": {"15/10/2030 08:00"}, "ends_at": {"15/10/2030 17:00"}, "slot_minutes": {"30"}, "tables": {"3"},
		"max_meetings_per_participant": {"4"}, "breaks": {"12:00-13:30"}, "max_consecutive": {""}}
	o.post("/console/events", form).must(200, "Đã tạo sự kiện.", "Hội nghị kết nối 2030", "15/10/2030 08:00",
		"Chưa có doanh nghiệp nào đăng ký.")
	ev := strings.TrimPrefix(o.url.Path, "/console/events/")

	// Find the firms by name and register them.
	o.get("/console/events/"+ev+"?q=dong+anh").must(200, "Cơ khí Đông Anh", `name="organisation_id" value="`+sup+`"`)
	o.post("/console/events/"+ev+"/registrations", url.Values{"organisation_id": {sup}}).must(200, "Đã đăng ký doanh nghiệp.")
	o.post("/console/events/"+ev+"/registrations", url.Values{"organisation_id": {buy}}).must(200, "Canon Việt Nam")
	o.post("/console/events/"+ev+"/registrations", url.Values{"organisation_id": {buy}, "q": {"Canon"}}).must(409)
	o.must(409, `class="problem"`, `type="search" value="Canon"`)

	// Propose a draft: the grid shows the pair at a table, marked as a draft.
	o.post("/console/events/"+ev+"/schedule", url.Values{}).must(200, "Đã đề xuất bản dự kiến lịch gặp.",
		"Bản dự kiến", "Bàn 1", "Cơ khí Đông Anh", "Công bố lịch gặp")
	m := meetingLinkRE.FindStringSubmatch(o.body)
	if m == nil {
		t.Fatalf("no meeting in the grid: %.3000s", o.body)
	}
	meeting := "/console/events/" + ev + "/meetings/" + m[1]
	o.get(meeting).must(200, "Cơ khí Đông Anh — Canon Việt Nam", "Khóa trong bản dự kiến")
	o.post(meeting+"/lock", url.Values{}).must(200, "Đã khóa cuộc gặp.", "Mở khóa")
	// A move to a start that is no slot is a bad field, in Vietnamese.
	o.post(meeting+"/move", url.Values{"starts_at": {"2030-10-15T08:10:00+07:00"}, "table": {"2"}}).
		must(400, `id="f-starts_at-error"`)
	o.post(meeting+"/move", url.Values{"starts_at": {"2030-10-15T09:00:00+07:00"}, "table": {"3"}}).
		must(200, "Đã dời cuộc gặp.", "15/10/2030 09:00", "Bàn 3")
	o.get("/console/events/"+ev).must(200, "Bàn 3")
	o.post("/console/events/"+ev+"/publish", url.Values{}).must(200, "Đã công bố lịch gặp.", "Kết quả các cuộc gặp", "Ghi kết quả")

	// The outcome before the meeting ended is a conflict shown on the page.
	o.get(meeting).must(200, `id="f-status"`)
	o.post(meeting+"/outcome", url.Values{"status": {"held"}, "result": {"contract"}, "value_usd": {"120.000"}}).
		must(409, `class="problem"`)
	clk.set(eventStart.Add(2 * time.Hour)) // 10:00: the 09:00 meeting is over, the day is not
	fb := e.must(e.do("POST", "/v1/events/"+ev+"/meetings/"+m[1]+"/feedback", buyTok,
		map[string]any{"took_place": true, "rating": "cooperation_possible"}), 200).num(t, "position")
	o.get(fmt.Sprintf("%s?after=%d", meeting, fb)).must(200, "Phản hồi của bên mua", "đã gặp · có khả năng hợp tác")
	o.post(meeting+"/outcome", url.Values{"status": {"held"}, "result": {"contract"}, "value_usd": {"mười"}}).
		must(400, `id="f-value_usd-error">phải là một số</span>`, `value="mười"`)
	for _, v := range []string{"NaN", "Inf", "1e999"} {
		o.post(meeting+"/outcome", url.Values{"status": {"held"}, "result": {"contract"}, "value_usd": {v}}).
			must(400, `id="f-value_usd-error">`)
	}
	o.post(meeting+"/outcome", url.Values{"status": {"held"}, "result": {"contract"}, "value_usd": {"120.000"}}).
		must(200, "Đã ghi kết quả.", `value="120.000"`)
	o.get("/console/events/"+ev).must(200, "đã gặp · đã ký hợp đồng", "120.000 USD")

	// Downloads: the report in the page's language, the workbooks as files.
	o.get("/console/events/"+ev+"/files/report.html").must(200, "Hội nghị kết nối 2030", "120.000")
	if csp := o.header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'none'") {
		t.Errorf("report CSP %q", csp)
	}
	for _, f := range []string{"report.xlsx", "schedule.xlsx", "report.csv", "schedule.html"} {
		o.get("/console/events/" + ev + "/files/" + f).must(200)
		if f == "report.xlsx" && !strings.Contains(o.header.Get("Content-Disposition"), ".xlsx") {
			t.Errorf("%s: Content-Disposition %q", f, o.header.Get("Content-Disposition"))
		}
	}
	o.get("/console/events/" + ev + "/files/nothing.exe").must(404)
	// Cancelling a meeting that took place is refused.
	o.post(meeting+"/cancel", url.Values{}).must(409)
}

// TestConsoleNewEventErrors: each bad field beside its input, in the page's
// language, what was typed kept.
func TestConsoleNewEventErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.organiserBrowser(t)
	form := url.Values{"kind": {"fair"}, "name": {""}, "venue": {"Mỹ Đình"}, "starts_at": {"15/10/2030"},
		"ends_at": {"14/10/2030 17:00"}, "slot_minutes": {"ba mươi"}, "tables": {"0"},
		"max_meetings_per_participant": {"4"}, "breaks": {"trưa"}}
	o.post("/console/events", form).must(400, "Vui lòng sửa các trường",
		`id="f-starts_at-error">phải là ngày và giờ`, `id="f-slot_minutes-error">phải là một số nguyên`,
		`id="f-breaks-error">mỗi dòng phải là một khoảng nghỉ`, `value="ba mươi"`, `value="15/10/2030"`, `>trưa</textarea>`,
		`<option value="fair" selected>`)
	// The API's own checks, once the form reads.
	form.Set("starts_at", "15/10/2030 08:00")
	form.Set("slot_minutes", "30")
	form.Set("breaks", "")
	o.post("/console/events", form).must(400, `id="f-name-error">`, `id="f-tables-error">`, `id="f-ends_at-error">`)
	if strings.Contains(o.body, `id="f-name-error">is required`) {
		t.Error("an API message came back in English on a Vietnamese page")
	}
	o.get("/console/events/new?lang=en").must(200)
	o.post("/console/events", form).must(400, `id="f-name-error">`)
	if !regexp.MustCompile(`id="f-name-error">[a-z ]+<`).MatchString(o.body) {
		t.Errorf("no English message on the English page: %.2000s", o.body)
	}

	// Firms may not open the organiser's pages.
	_, email := e.firmUser("supplier", supplierBody("Cơ khí Gia Lâm"))
	b := newBrowser(t, e.url)
	b.signIn(email, "correct horse battery").must(200)
	b.get("/console/events/new").must(403)
	b.post("/console/events", form).must(403)
}

var inviteLinkRE = regexp.MustCompile(`id="invite-link" type="text" readonly value="([^"]+)"`)

// TestConsoleOrganiserFirm: a firm's page shows its history, records a
// key-product recognition (bad fields beside their inputs) and makes an
// invitation whose one-time link signs a new user up; the buyer list and
// the demand board list what the API lists.
func TestConsoleOrganiserFirm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, _ := e.firmUser("supplier", supplierBody("Cơ khí Thăng Long"))
	buy, buyTok := e.signup("buyer", buyerBody("Canon Việt Nam"))
	pos := e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", buyTok, demandBody("Giá đỡ thép dập")), 201).num(t, "position")
	// The console reads the read models as they are: wait until the
	// directory's list has caught up with the writes above.
	for _, list := range []string{"/v1/suppliers?q=thang+long", "/v1/buyers?q=canon", "/v1/demands?q=thep"} {
		e.must(e.read(fmt.Sprintf("%s&after=%d", list, pos), e.organiser), 200)
	}

	o := e.organiserBrowser(t)
	o.get("/console/directory?q=thang+long").must(200, `href="/console/firms/`+sup+`"`)
	o.get("/console/firms/"+sup).must(200, "Cơ khí Thăng Long", "Mã số thuế", "Lịch sử", "Ghi nhận công nhận sản phẩm chủ lực",
		`href="/console/suppliers/`+sup+`"`)
	if !strings.Contains(o.body, `<td class="nowrap">`) {
		t.Fatalf("no history line: %.3000s", o.body)
	}

	path := "/console/firms/" + sup + "/key-products"
	o.post(path, url.Values{"product": {""}, "recognized_year": {"năm nay"}, "decision_no": {"2156/QĐ-UBND"}}).
		must(400, `id="f-recognized_year-error">phải là một số nguyên`, `value="năm nay"`, `value="2156/QĐ-UBND"`)
	o.post(path, url.Values{"product": {""}, "recognized_year": {"2024"}, "decision_no": {"2156/QĐ-UBND"}}).
		must(400, `id="f-product-error">`)
	o.post(path, url.Values{"product": {"Bóng đèn LED"}, "recognized_year": {"2024"}, "decision_no": {"2156/QĐ-UBND"}}).
		must(200, "Đã ghi nhận công nhận sản phẩm chủ lực.", "<td>Bóng đèn LED</td>")
	o.post(path, url.Values{"product": {"bóng đèn led"}, "recognized_year": {"2024"}, "decision_no": {"1/QĐ"}}).
		must(409, `class="problem"`)

	// An invitation: the link is shown once, on the console's own host.
	o.get("/console/firms/" + sup).must(200)
	o.post("/console/firms/"+sup+"/invitations", url.Values{"email": {"khong-phai-email"}}).
		must(400, `id="f-email-error">`, `value="khong-phai-email"`)
	o.post("/console/firms/"+sup+"/invitations", url.Values{"email": {"ke-toan@example.vn"}}).
		must(201, "Đã tạo lời mời cho", "ke-toan@example.vn")
	m := inviteLinkRE.FindStringSubmatch(o.body)
	if m == nil || !strings.HasPrefix(m[1], e.url+"/console/invitations/accept?token=") {
		t.Fatalf("no invitation link: %v", m)
	}
	token, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	e.must(e.do("POST", "/v1/invitations/accept", "", map[string]any{
		"token": token.Query().Get("token"), "password": "correct horse battery"}), 201)
	// The history now tells of the recognition and the invitation.
	o.get("/console/firms/"+sup).must(200, "Bóng đèn LED")

	// A buyer's page; the buyer list and the demand board.
	o.get("/console/firms/"+buy).must(200, "Canon Việt Nam", "Bên mua", "Giá đỡ thép dập", "Tạo đường dẫn mời")
	if strings.Contains(o.body, "Ghi nhận công nhận sản phẩm chủ lực") {
		t.Error("a buyer's page offers key-product recognitions")
	}
	o.get("/console/buyers?q=canon").must(200, "Canon Việt Nam", `href="/console/firms/`+buy+`"`)
	o.get("/console/demands?industry_group=mechanical").must(200, "Giá đỡ thép dập", "20.000 pcs", "01/03/2027")
	o.get("/console/demands?country=Nhật").must(200, `class="problem"`)
	o.get("/console/firms/" + uuidZero).must(404)
	o.get("/console/firms/"+sup+"?cursor=not-a-cursor").must(400, `class="problem"`, "cursor")

	// The pages are the organisers' only.
	c := newBrowser(t, e.url)
	_, email := e.firmUser("supplier", supplierBody("Nhựa Bắc Ninh"))
	c.signIn(email, "correct horse battery").must(200)
	c.get("/console/firms/" + sup).must(403)
	c.get("/console/demands").must(403)
	c.post("/console/firms/"+sup+"/invitations", url.Values{"email": {"x@example.vn"}}).must(403)
}

const uuidZero = "00000000-0000-7000-8000-000000000000"

// upload posts a multipart form with a file, the CSRF token of the last
// page added.
func (b *browser) upload(path string, fields url.Values, name string, file []byte) *browser {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fields.Set("csrf", b.csrf())
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	if name != "" {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			b.t.Fatal(err)
		}
		_, _ = fw.Write(file)
	}
	_ = w.Close()
	req, err := http.NewRequest("POST", b.base+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.send(req)
}

// TestConsoleImports: the upload page checks a file (dry run), lists every
// row error with its row and column in the page's language, and imports.
func TestConsoleImports(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.organiserBrowser(t)
	o.get("/console/imports").must(200, "Nhập dữ liệu từ Excel", `enctype="multipart/form-data"`, `name="dry_run" type="checkbox" value="true" checked`)
	bad := "Tên doanh nghiệp;Mã số thuế;Quận/Huyện;Loại hình;Người liên hệ;Email;Số lao động\n" +
		"Công ty A;0100300001;Đông Anh;domestic;An;a@example.vn;10\n" +
		"Công ty B;0100300002;Đông Anh;domestic;Bình;b@example.vn;mười\n"
	o.upload("/console/imports", url.Values{"kind": {"suppliers"}, "dry_run": {"true"}}, "doanh-nghiep.csv", []byte(bad)).
		must(200, "Tệp có lỗi nên chưa ghi dữ liệu nào.", `<td class="num">3</td><td>Số lao động</td><td>phải là một số nguyên</td>`,
			`<option value="suppliers" selected>`)
	// The sample workbook: a dry run writes nothing, then the import does.
	before := e.eventCount()
	o.get("/console/imports")
	o.upload("/console/imports", url.Values{"kind": {"suppliers"}, "dry_run": {"true"}}, "suppliers.xlsx", sample(t, "suppliers.xlsx")).
		must(200, "Kiểm tra thử: tệp hợp lệ", `id="count-errors">0<`)
	if e.eventCount() != before {
		t.Fatal("a dry run wrote")
	}
	o.upload("/console/imports", url.Values{"kind": {"suppliers"}}, "suppliers.xlsx", sample(t, "suppliers.xlsx")).
		must(200, "Đã nhập dữ liệu từ tệp.", `id="count-created">`)
	if e.eventCount() == before {
		t.Fatal("the import wrote nothing")
	}
	// Bad requests: no file, registrations without an event, not a table.
	o.upload("/console/imports", url.Values{"kind": {"suppliers"}}, "", nil).must(400, `id="f-file-error">hãy chọn một tệp`)
	o.upload("/console/imports", url.Values{"kind": {"registrations"}, "event_id": {""}}, "r.csv", []byte("a;b\n1;2\n")).
		must(400, `id="f-event_id-error">`, `<option value="registrations" selected>`)
	o.upload("/console/imports", url.Values{"kind": {"suppliers"}}, "x.xlsx", []byte("PK\x03\x04 not a zip")).
		must(400, `id="f-file-error">`)
	// In English, the row errors are English.
	o.get("/console/imports?lang=en").must(200, "Import from Excel")
	o.upload("/console/imports", url.Values{"kind": {"suppliers"}, "dry_run": {"true"}}, "firms.csv", []byte(bad)).
		must(200, `<td>Số lao động</td><td>must be a whole number</td>`)
}

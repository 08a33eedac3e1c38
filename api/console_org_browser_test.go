package api_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleOrganiserJourneyInBrowser: an organiser signs in with a token,
// creates an event through the form, registers a supplier and a buyer,
// proposes and publishes the schedule, records an outcome and finds it in
// the report, in a real browser; no page fetches anything off the host,
// and every field has a label. Screenshots of the pages are kept under the
// test's temporary directory (and in $KEYLINK_CONSOLE_SHOTS when set, to
// refresh the ones in docs/).
func TestConsoleOrganiserJourneyInBrowser(t *testing.T) {
	t.Parallel()
	clk := &clock{t: eventStart.AddDate(0, -1, 0)}
	e := newClockEnv(t, clk)
	sup, _ := e.signup("supplier", supplierBody("Công ty Cơ khí Rạng Đông"))
	buy, buyTok := e.signup("buyer", buyerBody("Canon Việt Nam"))
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", e.organiser, capabilityBody("Dập và hàn khung thép")), 201)
	e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", buyTok, demandBody("Giá đỡ thép dập cho máy in")), 201)
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/key-products", e.organiser,
		map[string]any{"product": "Khung thép dập", "recognized_year": 2025, "decision_no": "2156/QĐ-UBND"}), 201)

	ctx, requests := newChrome(t)
	shots := t.TempDir()
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
			t.Fatalf("%s: %v; the page:\n%.3000s", what, err, page)
		}
	}
	text := func(what, sel string) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		v, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	var unlabelledFields []string
	labels := func(page string) {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](unlabelled))
		if err != nil {
			t.Fatalf("labels of %s: %v", page, err)
		}
		for _, f := range v {
			unlabelledFields = append(unlabelledFields, page+": "+f)
		}
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		path := filepath.Join(shots, name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		if dir := os.Getenv("KEYLINK_CONSOLE_SHOTS"); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}

	run("sign in with the organiser's token", chromedp.Navigate(e.url+"/"), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), e.organiser),
		chromedp.Click(chromedp.CSS("#signin-token button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("table.list")))
	shot("console-org-directory")

	run("open the new-event form", chromedp.Navigate(e.url+"/console/events/new"), chromedp.WaitVisible(chromedp.ID("new-event")))
	labels("new event")
	run("create an event",
		chromedp.SetValue(chromedp.ID("f-kind"), "conference"),
		chromedp.SendKeys(chromedp.ID("f-name"), "Hội nghị kết nối cung cầu 2030"),
		chromedp.SendKeys(chromedp.ID("f-venue"), "Trung tâm Hội nghị Quốc gia, Mỹ Đình"),
		chromedp.SetValue(chromedp.ID("f-starts_at"), "15/10/2030 08:00"),
		chromedp.SetValue(chromedp.ID("f-ends_at"), "15/10/2030 12:00"),
		chromedp.SetValue(chromedp.ID("f-tables"), "4"),
		chromedp.SetValue(chromedp.ID("f-breaks"), "10:00-10:30"),
		chromedp.Click(chromedp.CSS("#new-event button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("registrations")))
	for _, firm := range []string{"Rạng Đông", "Canon"} {
		run("find "+firm,
			chromedp.SendKeys(chromedp.ID("reg-q"), firm),
			chromedp.Click(chromedp.CSS("#registrations form.search button")),
			chromedp.WaitVisible(chromedp.CSS("#firm-hits button")))
		run("register "+firm, chromedp.Click(chromedp.CSS("#firm-hits button")), chromedp.WaitVisible(chromedp.CSS(".saved")))
	}
	registered := text("registrations", "#registrations table")
	run("propose a draft", chromedp.Click(chromedp.ID("propose")), chromedp.WaitVisible(chromedp.ID("publish")))
	labels("event")
	shot("console-org-draft")
	run("publish", chromedp.Click(chromedp.ID("publish")), chromedp.WaitVisible(chromedp.CSS("#outcomes table")))
	grid := text("schedule", "#schedule")

	clk.set(eventStart.Add(12 * time.Hour)) // the meetings are over
	run("open a meeting", chromedp.Click(chromedp.CSS("td.m a")), chromedp.WaitVisible(chromedp.ID("f-status")))
	labels("meeting")
	run("record its outcome",
		chromedp.SetValue(chromedp.ID("f-status"), "held"),
		chromedp.SetValue(chromedp.ID("f-result"), "contract"),
		chromedp.SendKeys(chromedp.ID("f-value_usd"), "120.000"),
		chromedp.Click(chromedp.ID("save-outcome")),
		chromedp.WaitVisible(chromedp.CSS(".saved")))
	saved := text("confirmation", ".saved")
	shot("console-org-meeting")
	run("back to the event", chromedp.Click(chromedp.CSS(".crumbs a:nth-of-type(2)")), chromedp.WaitVisible(chromedp.CSS("#outcomes table")))
	outcomes := text("outcomes", "#outcomes")
	shot("console-org-event")
	run("open the report", chromedp.Click(chromedp.CSS(`.files a[href$="report.html"]`)),
		chromedp.WaitVisible(chromedp.CSS("h1")))
	report := text("report", "body")
	shot("console-org-report")

	run("open the import page", chromedp.Navigate(e.url+"/console/imports"), chromedp.WaitVisible(chromedp.ID("upload")))
	labels("imports")
	csv := filepath.Join(t.TempDir(), "doanh-nghiep.csv")
	if err := os.WriteFile(csv, []byte("DANH SÁCH DOANH NGHIỆP CÔNG NGHIỆP HỖ TRỢ,,,,,,\n,,,,,,\n"+
		"Tên doanh nghiệp,Mã số thuế,Quận/Huyện,Loại hình,Người liên hệ,Email,Số lao động\n"+
		"Công ty TNHH Nhựa Sóc Sơn,0100400001,Sóc Sơn,domestic,Lê Thị Hoa,hoa@nhuasocson.vn,120\n"+
		"Công ty CP Điện tử Hòa Lạc,01004,Thạch Thất,domestic,Trần Văn Minh,minh@hoalac.vn,85\n"+
		"Công ty Cơ khí Gia Lâm,0100400003,Gia Lâm,domestic,Phạm Đức,duc@gialam.vn,ba trăm\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("check a file", chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{csv}),
		chromedp.Click(chromedp.ID("import")), chromedp.WaitVisible(chromedp.ID("import-errors")))
	importErrors := text("import errors", "#import-errors")
	shot("console-org-imports")
	run("open the firm's page", chromedp.Navigate(e.url+"/console/firms/"+sup), chromedp.WaitVisible(chromedp.ID("history")))
	labels("firm")
	shot("console-org-firm")

	if !strings.Contains(registered, "Công ty Cơ khí Rạng Đông") || !strings.Contains(registered, "Canon Việt Nam") {
		t.Errorf("registrations: %q", registered)
	}
	if !strings.Contains(grid, "Công ty Cơ khí Rạng Đông") || !strings.Contains(grid, "15/10/2030") {
		t.Errorf("the schedule lacks the meeting: %q", grid)
	}
	if !strings.Contains(saved, "Đã ghi kết quả") {
		t.Errorf("no confirmation of the outcome: %q", saved)
	}
	if !strings.Contains(outcomes, "đã ký hợp đồng") || !strings.Contains(outcomes, "120.000 USD") {
		t.Errorf("the outcome is not on the event page: %q", outcomes)
	}
	if !strings.Contains(report, "Hội nghị kết nối cung cầu 2030") || !strings.Contains(report, "120.000") {
		t.Errorf("the report lacks the outcome: %.2000s", report)
	}
	if !strings.Contains(importErrors, "Mã số thuế") || !strings.Contains(importErrors, "phải là một số nguyên") {
		t.Errorf("the import's row errors: %q", importErrors)
	}
	if len(unlabelledFields) > 0 {
		t.Errorf("fields without a label: %v", unlabelledFields)
	}
	for _, u := range requests() {
		if !strings.HasPrefix(u, e.url+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s, off the host", u)
		}
	}
	t.Logf("screenshots of the organiser's pages: %s", shots)
}

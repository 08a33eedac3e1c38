package api_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleFirmJourneyInBrowser: in a real browser, an invited supplier
// sets its password, declares a capability and sees the buyer's demand in
// its match list with the reasons; it registers for an event and asks the
// buyer for a meeting; after the event the buyer records its feedback. No
// page fetches anything off the host and every field has a label. The
// screenshots are kept in the test's temporary directory, and also in
// $KEYLINK_SCREENSHOTS when set (docs/ holds a few).
func TestConsoleFirmJourneyInBrowser(t *testing.T) {
	t.Parallel()
	clk := &clock{t: eventStart.AddDate(0, -1, 0)}
	e := newClockEnv(t, clk)
	buy, buyEmail := e.firmUser("buyer", buyerBody("Canon Việt Nam"))
	did := e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", e.organiser, demandBody("Giá đỡ thép dập cho máy in")), 201).str(t, "id")
	d2 := demandBody("Vỏ hộp điện bằng thép sơn tĩnh điện")
	d2["required_certifications"], d2["processes"] = []string{"ISO 9001"}, []string{"bending", "powder coating"}
	e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", e.organiser, d2), 201)
	sup := e.newSupplier("Công ty Cơ khí Rạng Đông")
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/key-products", e.organiser, map[string]any{
		"product": "Khung thép dập cho xe máy", "recognized_year": 2025, "decision_no": "1234/QĐ-UBND"}), 201)
	link := e.inviteLink(sup, "kinhdoanh@rangdong.vn")
	ev := e.newEvent("Hội nghị kết nối cung ứng 2030")
	e.register(ev, buy)

	ctx, requests := newChrome(t)
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
			t.Fatalf("%s: %v; the page:\n%.2000s", what, err, page)
		}
	}
	text := func(what string, sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
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
	dir, keep := t.TempDir(), os.Getenv("KEYLINK_SCREENSHOTS")
	shot := func(name string) string {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		if keep != "" {
			if err := os.WriteFile(filepath.Join(keep, name), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return path
	}

	run("open the invitation", chromedp.Navigate(e.url+link), chromedp.WaitVisible(chromedp.ID("f-password")))
	labels("invitation")
	shot("console-invite.png")
	run("set the password",
		chromedp.SendKeys(chromedp.ID("f-password"), "mật khẩu đủ dài 2030"),
		chromedp.SendKeys(chromedp.ID("f-password2"), "mật khẩu đủ dài 2030"),
		chromedp.Click(chromedp.CSS("#accept button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("declare")))
	labels("supplier page")
	run("declare a capability",
		chromedp.SendKeys(chromedp.ID("f-title"), "Dập và hàn khung thép"),
		chromedp.SetValue(chromedp.ID("f-industry_group"), "mechanical"),
		chromedp.SendKeys(chromedp.ID("f-capacity-quantity"), "50.000"),
		chromedp.SendKeys(chromedp.ID("f-lead_time_days"), "30"),
		chromedp.SendKeys(chromedp.ID("f-moq"), "1.000"),
		chromedp.SendKeys(chromedp.ID("f-vsic"), "2592"),
		chromedp.SendKeys(chromedp.ID("f-hs_codes"), "7326.90"),
		chromedp.SendKeys(chromedp.ID("f-processes"), "stamping, welding"),
		chromedp.SendKeys(chromedp.ID("f-materials"), "steel"),
		chromedp.SendKeys(chromedp.ID("f-certifications-standard"), "IATF 16949"),
		chromedp.SetValue(chromedp.ID("f-certifications-valid_until"), "2031-06-30"),
		chromedp.SendKeys(chromedp.ID("f-export_markets"), "JP"),
		chromedp.Click(chromedp.CSS("#declare button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".saved")))
	if saved := text("confirmation", ".saved"); !strings.Contains(saved, "Đã khai báo năng lực") {
		t.Errorf("no confirmation after declaring: %q", saved)
	}
	if m := text("match list", "#matches"); !strings.Contains(m, "Canon Việt Nam") || !strings.Contains(m, "Có đủ chứng nhận yêu cầu") {
		t.Errorf("the match list lacks the buyer and its reasons: %q", m)
	}
	shot("console-supplier.png")

	run("open the demand board", chromedp.Navigate(e.url+"/console/suppliers/"+sup+"/board"), chromedp.WaitVisible(chromedp.CSS(".match")))
	labels("demand board")
	if b := text("board", "main"); !strings.Contains(b, "Giá đỡ thép dập cho máy in") || !strings.Contains(b, "Mức phù hợp") {
		t.Errorf("the board lacks the demand and its match: %q", b)
	}
	shot("console-supplier-board.png")

	evPage := e.url + "/console/suppliers/" + sup + "/events/" + ev
	run("register for the event",
		chromedp.Navigate(evPage), chromedp.WaitVisible(chromedp.ID("registration")),
		chromedp.Click(chromedp.CSS(`#registration input[value="5"]`)),
		chromedp.Click(chromedp.CSS("#registration button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".saved")))
	labels("supplier's event")
	run("ask the buyer for a meeting",
		chromedp.SetValue(chromedp.ID("f-to"), buy+"/"+did),
		chromedp.Click(chromedp.CSS("#requests button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".saved")))
	e.register(ev, e.newSupplier("Công ty Nhựa Tiền Phong"))
	pos := e.must(e.do("POST", "/v1/events/"+ev+"/schedule", e.organiser, nil), 200).num(t, "position")
	run("see the agenda", chromedp.Navigate(fmt.Sprintf("%s?after=%d", evPage, pos)), chromedp.WaitVisible(chromedp.CSS("#agenda .meeting")))
	if a := text("agenda", "#agenda"); !strings.Contains(a, "Canon Việt Nam") {
		t.Errorf("the agenda lacks the meeting: %q", a)
	}
	shot("console-supplier-event.png")
	run("on a phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(e.url+"/console/suppliers/"+sup),
		chromedp.WaitVisible(chromedp.ID("declare")))
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > 390 {
		t.Errorf("the supplier page is %d px wide on a 390 px phone (%v)", width, err)
	}
	shot("console-supplier-phone.png")
	run("sign out", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/console/suppliers/"+sup), chromedp.WaitVisible(chromedp.ID("declare")),
		chromedp.Click(chromedp.CSS(`form[action="/console/signout"] button`)), chromedp.WaitVisible(chromedp.ID("email")))

	run("the buyer signs in",
		chromedp.SendKeys(chromedp.ID("email"), buyEmail),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"),
		chromedp.Click(chromedp.CSS("#signin button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("demands")))
	labels("buyer page")
	run("open a demand", chromedp.Navigate(e.url+"/console/buyers/"+buy+"/demands/"+did), chromedp.WaitVisible(chromedp.CSS("#matches ol")))
	labels("demand page")
	if m := text("ranked matches", "#matches"); !strings.Contains(m, "Công ty Cơ khí Rạng Đông") {
		t.Errorf("the demand's matches lack the supplier: %q", m)
	}
	shot("console-buyer-demand.png")

	clk.set(eventStart.Add(4 * time.Hour))
	run("give feedback",
		chromedp.Navigate(e.url+"/console/buyers/"+buy+"/events/"+ev), chromedp.WaitVisible(chromedp.CSS("form.feedback")),
		chromedp.SetValue(chromedp.CSS(`form.feedback select[name="took_place"]`), "yes"),
		chromedp.SetValue(chromedp.CSS(`form.feedback select[name="rating"]`), "cooperation_possible"),
		chromedp.Click(chromedp.CSS("form.feedback button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".saved")))
	labels("buyer's event")
	if saved := text("feedback confirmation", ".saved"); !strings.Contains(saved, "đã ghi nhận phản hồi") {
		t.Errorf("no confirmation after the feedback: %q", saved)
	}
	last := shot("console-buyer-feedback.png")
	t.Logf("screenshot of the last page: %s", last)

	agenda := string(e.must(e.read("/v1/events/"+ev+"/agenda?organisation_id="+buy, e.organiser), 200).body)
	if !strings.Contains(agenda, `"rating":"cooperation_possible"`) {
		t.Errorf("the feedback is not recorded: %s", agenda)
	}
	if len(unlabelledFields) > 0 {
		t.Errorf("fields without a label: %v", unlabelledFields)
	}
	for _, u := range requests() {
		if !strings.HasPrefix(u, e.url+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("a page requested %s, off the host", u)
		}
	}
}

package api_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// newChrome starts Debian's headless Chromium under chromedp, off the
// network's background services and away from the user's profile, and
// records the URL of every request the pages make.
func newChrome(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "vi-VN"), chromedp.Flag("accept-lang", "vi-VN,vi"),
		chromedp.Env("HOME="+t.TempDir()))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	var (
		mu   sync.Mutex
		urls []string
	)
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		if r, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			urls = append(urls, r.Request.URL)
			mu.Unlock()
		}
	}))
	t.Cleanup(func() { bcancel(); acancel(); cancel() })
	// The first run starts the browser, which lives as long as the context
	// that run gets: start it here, on the test's context, not on a step's.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return bctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), urls...)
	}
}

// unlabelled lists the form fields of the page that no label names.
const unlabelled = `Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
  .filter(el => !(el.labels && el.labels.length && el.labels[0].textContent.trim()))
  .map(el => el.name || el.id)`

// TestConsoleJourneyInBrowser: a supplier signs in, declares a capability
// through the form and sees the buyer's demand in its match list, in a real
// browser; no page fetches anything off the host, and every field has a
// label.
func TestConsoleJourneyInBrowser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	buy, buyTok := e.signup("buyer", buyerBody("Canon Việt Nam"))
	e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", buyTok, demandBody("Giá đỡ thép dập cho máy in")), 201)
	_, email := e.firmUser("supplier", supplierBody("Công ty Cơ khí Rạng Đông"))

	ctx, requests := newChrome(t)
	// Each step has a minute; a failed one reports the page it stopped on.
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
			t.Fatalf("%s: %v; the page:\n%.2000s", what, err, page)
		}
	}
	value := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	missing := func(what string) []string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](unlabelled))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}

	run("open the sign-in page", chromedp.Navigate(e.url+"/"), chromedp.WaitVisible(chromedp.ID("email")))
	signInMissing := missing("labels of the sign-in page")
	run("sign in",
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"),
		chromedp.Click(chromedp.CSS("#signin button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("declare")))
	formMissing := missing("labels of the supplier page")
	run("declare a capability",
		chromedp.SendKeys(chromedp.ID("f-title"), "Dập và hàn khung thép"),
		chromedp.SetValue(chromedp.ID("f-industry_group"), "mechanical"),
		chromedp.SendKeys(chromedp.ID("f-capacity-quantity"), "50.000"),
		chromedp.SendKeys(chromedp.ID("f-lead_time_days"), "30"),
		chromedp.SendKeys(chromedp.ID("f-vsic"), "2592"),
		chromedp.SendKeys(chromedp.ID("f-hs_codes"), "7326.90"),
		chromedp.SendKeys(chromedp.ID("f-processes"), "stamping, welding"),
		chromedp.SendKeys(chromedp.ID("f-materials"), "steel"),
		chromedp.SendKeys(chromedp.ID("f-certifications-standard"), "IATF 16949"),
		chromedp.SetValue(chromedp.ID("f-certifications-valid_until"), "2027-06-30"),
		chromedp.SendKeys(chromedp.ID("f-export_markets"), "JP"),
		chromedp.Click(chromedp.CSS("#declare button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".saved")))
	saved := value("confirmation", chromedp.Text(chromedp.CSS(".saved")))
	matches := value("match list", chromedp.Text(chromedp.ID("matches")))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if len(signInMissing) > 0 || len(formMissing) > 0 {
		t.Errorf("fields without a label: sign-in %v, supplier page %v", signInMissing, formMissing)
	}
	if !strings.Contains(saved, "Đã khai báo năng lực") {
		t.Errorf("no confirmation after declaring: %q", saved)
	}
	if !strings.Contains(matches, "Canon Việt Nam") || !strings.Contains(matches, "Có đủ chứng nhận yêu cầu") {
		t.Errorf("the match list lacks the buyer and its reasons: %q", matches)
	}
	urls := requests()
	if len(urls) < 4 {
		t.Errorf("only %d requests recorded: %v", len(urls), urls)
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, e.url+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s, off the host", u)
		}
	}
	path := filepath.Join(t.TempDir(), "console-supplier.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the last page: %s", path)
}

package api_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// chromiumPath finds Debian's chromium. It is a failure, never a skip, when
// it is missing: make test installs it through scripts/test-deps.sh.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is not installed: run scripts/test-deps.sh as root (make test does), or 'apt-get install chromium'; " +
		"the HTML report is checked by rendering it in headless Chromium")
	return ""
}

// chromium runs headless Chromium with args added to the flags that keep it
// off the network and away from the user's profile, and returns stdout.
func chromium(t *testing.T, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, chromiumPath(t), append(flags, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// checkReportPage serves the report page from a test server, as the API
// does, and has Chromium dump its DOM and take a screenshot: the three
// charts must be in the DOM as inline SVG with their bars, the page must
// fetch nothing, and the screenshot must show the charts' colours.
func checkReportPage(t *testing.T, page []byte, csp, eventName string) {
	t.Helper()
	var (
		mu    sync.Mutex
		paths []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		if r.URL.Path != "/report.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", csp)
		_, _ = w.Write(page)
	}))
	defer srv.Close()
	url := srv.URL + "/report.html"

	checkSelfContained(t, string(page))
	dom := string(chromium(t, "--dump-dom", url))
	if !strings.Contains(dom, eventName) {
		t.Fatalf("the rendered page lacks the event's name; DOM:\n%.2000s", dom)
	}
	for _, id := range []string{"chart-industry", "chart-slots", "chart-funnel"} {
		fig := regexp.MustCompile(`(?s)<figure class="chart" id="` + id + `">(.*?)</figure>`).FindStringSubmatch(dom)
		if fig == nil || !strings.Contains(fig[1], "<svg") || strings.Count(fig[1], "<rect") < 3 {
			t.Errorf("chart %s is not an SVG with bars in the rendered DOM", id)
		}
	}

	shot := filepath.Join(t.TempDir(), "report.png")
	chromium(t, "--screenshot="+shot, "--window-size=1200,1800", url)
	checkScreenshot(t, shot)
	// KEYLINK_KEEP_SCREENSHOT=/tmp/report.png keeps the screenshot and the
	// page to look at.
	if d := os.Getenv("KEYLINK_KEEP_SCREENSHOT"); d != "" {
		raw, _ := os.ReadFile(shot)
		_ = os.WriteFile(d, raw, 0o644)
		_ = os.WriteFile(d+".html", page, 0o644)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range paths {
		if p != "/report.html" && p != "/favicon.ico" {
			t.Errorf("the page fetched %s", p)
		}
	}
}

// checkSelfContained: no scripts and no reference to anything outside the
// page (the SVG namespace is a name, not a fetch).
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	page = strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
	for _, bad := range []string{"<script", "src=", "href=", "url(", "@import", "http://", "https://", "<link", "<img", "<iframe"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("the report page contains %q", bad)
		}
	}
}

// checkScreenshot decodes the PNG and counts pixels: the page must not be
// blank and each chart colour must cover a visible area.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	colours := map[string][3]uint8{"matches": {0x9e, 0xca, 0xe1}, "scheduled": {0x31, 0x82, 0xbd},
		"held": {0x31, 0xa3, 0x54}, "funnel": {0xe6, 0x55, 0x0d}}
	counts := map[string]int{}
	nonWhite, total := 0, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			total++
			r, g, bl := rgb(img, x, y)
			if r < 245 || g < 245 || bl < 245 {
				nonWhite++
			}
			for name, c := range colours {
				if near(r, c[0]) && near(g, c[1]) && near(bl, c[2]) {
					counts[name]++
				}
			}
		}
	}
	if b.Dx() != 1200 || nonWhite < total/50 {
		t.Errorf("screenshot %v has %d of %d pixels not white", b, nonWhite, total)
	}
	for name := range colours {
		if counts[name] < 200 {
			t.Errorf("the screenshot shows %d pixels of the %s colour; the chart is missing", counts[name], name)
		}
	}
}

func rgb(img image.Image, x, y int) (uint8, uint8, uint8) {
	r, g, b, _ := img.At(x, y).RGBA()
	return uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)
}

func near(a, b uint8) bool { d := int(a) - int(b); return d >= -6 && d <= 6 }

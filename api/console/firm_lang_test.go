package console

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
)

// TestTemplateKeys: every catalogue key a template names literally has an
// English and a Vietnamese text.
func TestTemplateKeys(t *testing.T) {
	keyRE := regexp.MustCompile(`\.T "([^"]+)"`)
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		raw, err := fs.ReadFile(templateFS, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(raw), -1) {
			if _, ok := enText[m[1]]; !ok {
				t.Errorf("%s: %q has no English text", n, m[1])
			}
			if _, ok := viText[m[1]]; !ok {
				t.Errorf("%s: %q has no Vietnamese text", n, m[1])
			}
		}
	}
	// Keys the firms' pages build: statuses, ratings, done messages.
	for _, k := range []string{"request.pending", "request.accepted", "request.declined", "rating.none",
		"rating.no_interest", "rating.informative", "rating.cooperation_possible", "event.accepted", "event.declined",
		"status.open", "status.fulfilled", "status.cancelled", "kind.conference", "kind.fair"} {
		if _, ok := viText[k]; !ok {
			t.Errorf("%q has no Vietnamese text", k)
		}
	}
}

func TestDoneMessage(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"capability.revised", "Đã cập nhật năng lực."},
		{"event.feedback", "Cảm ơn bạn: đã ghi nhận phản hồi."},
		{"signin.bad", ""},
		{"<script>", ""},
		{"", ""},
	} {
		req := &request{l: vi, r: httptestRequest("/?done=" + url.QueryEscape(tc.key))}
		if got := doneMessage(req); got != tc.want {
			t.Errorf("done=%q: %q, want %q", tc.key, got, tc.want)
		}
	}
}

func httptestRequest(target string) *http.Request { return httptest.NewRequest("GET", target, nil) }

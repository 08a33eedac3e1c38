package api

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/eventstore/projector"
)

func TestICSFolding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value string
	}{
		{"short", "Hội nghị"},
		{"exactly 75 octets", strings.Repeat("a", 75-len("X:"))},
		{"76 octets", strings.Repeat("a", 76-len("X:"))},
		{"Vietnamese across the fold", strings.Repeat("ệ", 60)}, // 3 octets each
		{"mixed", "Hội nghị kết nối doanh nghiệp công nghiệp chủ lực với doanh nghiệp FDI năm 2030 – Trung tâm Hội nghị Quốc gia"},
	}
	for _, tt := range tests {
		var w icsWriter
		w.prop("X", tt.value)
		out := w.b.String()
		if !strings.HasSuffix(out, "\r\n") {
			t.Errorf("%s: no CRLF at the end: %q", tt.name, out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
		for i, l := range lines {
			if len(l) > icsLineOctets || !utf8.ValidString(l) || i > 0 && !strings.HasPrefix(l, " ") {
				t.Errorf("%s: line %d %q (%d octets)", tt.name, i, l, len(l))
			}
		}
		if got := strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n ", ""); got != "X:"+tt.value {
			t.Errorf("%s: unfolds to %q", tt.name, got)
		}
		// The first line holds 75 octets, each continuation a space and 74.
		if wantLines := 1 + (max(0, len("X:"+tt.value)-75)+73)/74; utf8.RuneCountInString(tt.value) == len(tt.value) && len(lines) != wantLines {
			t.Errorf("%s: %d lines, want %d", tt.name, len(lines), wantLines)
		}
	}
}

func TestICSText(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Panasonic, Co.; Ltd":      `Panasonic\, Co.\; Ltd`,
		`C:\path`:                  `C:\\path`,
		"line one\r\nline two\nx":  `line one\nline two\nx`,
		"bell\a and tab\t gone":    "bell and tab gone",
		"Công ty Cơ khí Rạng Đông": "Công ty Cơ khí Rạng Đông",
	}
	for in, want := range tests {
		if got := icsText(in); got != want {
			t.Errorf("icsText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVCellGuardsFormulas(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+84 24 3826":              "'+84 24 3826",
		"-1":                       "'-1",
		"@SUM(A1)":                 "'@SUM(A1)",
		"Nhựa Tiền Phong":          "Nhựa Tiền Phong",
		"":                         "",
	}
	for in, want := range tests {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNiceStep(t *testing.T) {
	t.Parallel()
	for peak, want := range map[int]int{0: 1, 1: 1, 5: 1, 6: 2, 10: 2, 11: 5, 25: 5, 26: 10, 640: 200} {
		if got := niceStep(peak); got != want {
			t.Errorf("niceStep(%d) = %d, want %d", peak, got, want)
		}
	}
}

// TestConferenceOperationsMatchRoutes keeps the OpenAPI description of the
// conference routes in step with conferenceRoutes.
func TestConferenceOperationsMatchRoutes(t *testing.T) {
	t.Parallel()
	proj, err := projector.New(nil, projector.Config{})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	(&Server{proj: proj}).conferenceRoutes(e.Group("/v1"))
	var routes, described []string
	for _, r := range e.Routes() {
		path := regexp.MustCompile(`:(\w+)`).ReplaceAllString(r.Path, "{$1}")
		routes = append(routes, r.Method+" "+path)
	}
	for _, op := range conferenceOperations() {
		described = append(described, op.method+" "+op.path)
	}
	slices.Sort(routes)
	slices.Sort(described)
	if !slices.Equal(routes, described) {
		t.Fatalf("routes\n %q\ndescribed\n %q", routes, described)
	}
}

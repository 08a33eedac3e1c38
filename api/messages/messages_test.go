package messages_test

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/domain"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		header string
		want   messages.Lang
		ok     bool
	}{
		{"", "", false},
		{"vi", messages.VI, true},
		{"vi-VN", messages.VI, true},
		{"VI-vn", messages.VI, true},
		{"en", messages.EN, true},
		{"en-US", messages.EN, true},
		{"en-GB,en;q=0.9", messages.EN, true},
		{"vi;q=0.9,en;q=0.8", messages.VI, true},
		{"en;q=0.5, vi", messages.VI, true},
		{"fr-FR,fr;q=0.9,vi;q=0.5", messages.VI, true},
		{"fr-FR,en;q=0.3,vi;q=0.2", messages.EN, true},
		{"fr", "", false},
		{"ja-JP", "", false},
		{"*", "", false},
		{";;;q=x", "", false},
		{"vi;q=0", "", false},
	}
	for _, tt := range tests {
		got, ok := messages.Negotiate(tt.header)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Negotiate(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

var (
	verbRE  = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)
	indexRE = regexp.MustCompile(`\[\d+\]`)
	dotted  = regexp.MustCompile(`^[a-z_]+\.[a-z_.]*$`)
)

// verbs lists a format's verbs without explicit argument indexes, sorted,
// so that a translation may reorder its arguments.
func verbs(s string) []string {
	var out []string
	for _, v := range verbRE.FindAllString(s, -1) {
		out = append(out, indexRE.ReplaceAllString(v, ""))
	}
	slices.Sort(out)
	return out
}

// TestCataloguesAgree: every key is in both languages with the same verbs,
// and no text is empty.
func TestCataloguesAgree(t *testing.T) {
	en, vi := messages.Keys(messages.EN), messages.Keys(messages.VI)
	for _, k := range en {
		if !messages.VI.Has(k) {
			t.Errorf("%q is missing in vi", k)
		}
	}
	for _, k := range vi {
		if !messages.EN.Has(k) {
			t.Errorf("%q is missing in en", k)
		}
	}
	for _, k := range en {
		e, v := messages.EN.T(k), messages.VI.T(k)
		if strings.TrimSpace(e) == "" || strings.TrimSpace(v) == "" {
			t.Errorf("%q has an empty text", k)
		}
		ke, ee, ve := verbs(k), verbs(e), verbs(v)
		if !slices.Equal(ee, ve) {
			t.Errorf("%q: en verbs %v, vi verbs %v", k, ee, ve)
		}
		if !isSymbolic(k) && !slices.Equal(ke, ee) {
			t.Errorf("%q: the key's verbs %v differ from its English text's %v", k, ke, ee)
		}
	}
}

// isSymbolic reports whether a key is a dotted name ("csv.totals") rather
// than an English format.
func isSymbolic(k string) bool { return dotted.MatchString(k) }

func TestRender(t *testing.T) {
	day := domain.Date{Time: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)}
	m := domain.Msgf("Holds %s, valid on %s.", "ISO 9001", day)
	if got, want := messages.EN.Render(m), "Holds ISO 9001, valid on 2026-12-04."; got != want || got != m.String() {
		t.Errorf("en: %q, want %q (String %q)", got, want, m.String())
	}
	if got, want := messages.VI.Render(m), "Có chứng nhận ISO 9001, còn hiệu lực vào ngày 04/12/2026."; got != want {
		t.Errorf("vi: %q, want %q", got, want)
	}
	q := domain.Msgf("Minimum order of %s is within the monthly volume.", domain.Quantity{Value: 1234567, Unit: domain.Unit("pcs")})
	if got, want := messages.VI.Render(q), "Đơn hàng tối thiểu 1.234.567 pcs nằm trong sản lượng hằng tháng."; got != want {
		t.Errorf("vi: %q, want %q", got, want)
	}
	if got, want := messages.EN.Render(q), "Minimum order of 1,234,567 pcs is within the monthly volume."; got != want || got != q.String() {
		t.Errorf("en: %q, want %q", got, want)
	}
	nested := domain.Msgf("Offers %d of %d requested %s: %s.", 1, 2, domain.Msgf("processes"), "hàn")
	if got, want := messages.VI.Render(nested), "Đáp ứng 1/2 quy trình được yêu cầu: hàn."; got != want {
		t.Errorf("vi: %q, want %q", got, want)
	}
	if got := messages.VI.Render(domain.Msgf("a text no catalogue has %d", 3)); got != "a text no catalogue has 3" {
		t.Errorf("fallback: %q", got)
	}
	if got, want := messages.VI.Tf("Shares the terms %s (similarity %.2f).", "thép", 0.4512), "Có chung các từ thép (độ tương đồng 0,45)."; got != want {
		t.Errorf("vi float: %q, want %q", got, want)
	}
	if got, want := messages.VI.Number(2.5), "2,5"; got != want {
		t.Errorf("Number: %q, want %q", got, want)
	}
}

func TestError(t *testing.T) {
	err := domain.Errorf(domain.ErrNotFound, "supplier %s not found", "x")
	wrapped := fmt.Errorf("load: %w", err)
	joined := errors.Join(errors.New("missing or invalid bearer token"), errors.New("wrong e-mail or password"))
	tests := []struct {
		err    error
		en, vi string
	}{
		{err, "supplier x not found", "không tìm thấy nhà cung cấp x"},
		{wrapped, "load: supplier x not found", "không tìm thấy nhà cung cấp x"},
		{joined, "missing or invalid bearer token\nwrong e-mail or password",
			"thiếu mã truy cập (bearer token) hoặc mã không hợp lệ\nsai e-mail hoặc mật khẩu"},
		{errors.New("something else"), "something else", "something else"},
	}
	for _, tt := range tests {
		if got := messages.EN.Error(tt.err); got != tt.en {
			t.Errorf("en %v: %q", tt.err, got)
		}
		if got := messages.VI.Error(tt.err); got != tt.vi {
			t.Errorf("vi %v: %q", tt.err, got)
		}
	}
}

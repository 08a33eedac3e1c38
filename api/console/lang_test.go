package console

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		v      float64
		vi, en string
	}{
		{0, "0", "0"},
		{7, "7", "7"},
		{1234567, "1.234.567", "1,234,567"},
		{999, "999", "999"},
		{1000, "1.000", "1,000"},
		{-25000, "-25.000", "-25,000"},
		{1234.5, "1.234,5", "1,234.5"},
		{0.05, "0,05", "0.05"},
		{2.999, "3", "3"},
	} {
		if got := vi.Number(tc.v); got != tc.vi {
			t.Errorf("vi.Number(%v) = %q, want %q", tc.v, got, tc.vi)
		}
		if got := en.Number(tc.v); got != tc.en {
			t.Errorf("en.Number(%v) = %q, want %q", tc.v, got, tc.en)
		}
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2026, 12, 4, 9, 5, 0, 0, time.UTC)
	if got, want := vi.Date(d), "04/12/2026"; got != want {
		t.Errorf("vi.Date = %q, want %q", got, want)
	}
	if got, want := en.Date(d), "2026-12-04"; got != want {
		t.Errorf("en.Date = %q, want %q", got, want)
	}
	if got, want := vi.DateTime(d), "04/12/2026 09:05"; got != want {
		t.Errorf("vi.DateTime = %q, want %q", got, want)
	}
}

func TestPickLang(t *testing.T) {
	for _, tc := range []struct {
		url, accept, cookie string
		want                lang
	}{
		{"/", "", "", vi},
		{"/", "en-US,en;q=0.9", "", en},
		{"/", "fr-FR", "", vi},
		{"/", "vi-VN,en;q=0.5", "", vi},
		{"/?lang=en", "vi", "", en},
		{"/?lang=xx", "", "en", en},
		{"/", "vi", "en", en},
	} {
		r := httptest.NewRequest("GET", tc.url, nil)
		if tc.accept != "" {
			r.Header.Set("Accept-Language", tc.accept)
		}
		if tc.cookie != "" {
			r.Header.Set("Cookie", langCookie+"="+tc.cookie)
		}
		if got := pickLang(httptest.NewRecorder(), r); got != tc.want {
			t.Errorf("%s Accept-Language %q cookie %q: %s, want %s", tc.url, tc.accept, tc.cookie, got, tc.want)
		}
	}
}

func TestCatalogues(t *testing.T) {
	for k := range enText {
		if _, ok := viText[k]; !ok && k != "app" {
			t.Errorf("%q has no Vietnamese text", k)
		}
	}
	for k := range viText {
		if _, ok := enText[k]; !ok {
			t.Errorf("%q has no English text", k)
		}
	}
}

package api_test

import (
	"encoding/json"
	"testing"
)

// TestHistoryInCallersLanguage: the summaries of a history follow
// Accept-Language (English without it); names typed by people stay as
// written.
func TestHistoryInCallersLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup := e.newSupplier("Cơ khí Hà Đông")
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", e.organiser, capabilityBody("Dập khung thép")), 201)
	summaries := func(lang string) []string {
		t.Helper()
		headers := []string{}
		if lang != "" {
			headers = append(headers, "Accept-Language", lang)
		}
		r := e.must(e.do("GET", "/v1/suppliers/"+sup+"/history", e.organiser, nil, headers...), 200)
		var h struct{ Items []struct{ Summary string } }
		if err := json.Unmarshal(r.body, &h); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range h.Items {
			out = append(out, it.Summary)
		}
		return out
	}
	vi, en := summaries("vi"), summaries("")
	if len(vi) != 2 || len(en) != 2 {
		t.Fatalf("histories %q, %q", vi, en)
	}
	if want := `Đã khai báo năng lực "Dập khung thép" (mechanical)`; vi[1] != want {
		t.Errorf("vi: %q, want %q", vi[1], want)
	}
	if want := `Capability "Dập khung thép" declared (mechanical)`; en[1] != want {
		t.Errorf("en: %q, want %q", en[1], want)
	}
}

package console

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/keylink/keylink/domain"
)

func TestCapabilityForm(t *testing.T) {
	form := url.Values{"title": {" Dập "}, "industry_group": {"mechanical"}, "capacity.quantity": {"50.000,5"},
		"capacity.unit": {"pcs"}, "lead_time_days": {"30"}, "moq": {""}, "hs_codes": {"7326.90, 8708; "},
		"certifications.standard": {"ISO 9001"}, "certifications.valid_until": {"4/12/2026"}}
	r := httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	in, f := capability(vi, r)
	if f.Bad() {
		t.Fatalf("errors %v", f.Errors)
	}
	if in.Title != "Dập" || in.Capacity.Quantity != 50000.5 || in.Capacity.Per != "month" || in.MOQ != nil || in.LeadTimeDays != 30 {
		t.Errorf("read %+v", in)
	}
	if len(in.HSCodes) != 2 || in.HSCodes[1] != "8708" {
		t.Errorf("HS codes %q", in.HSCodes)
	}
	if len(in.Certifications) != 1 || in.Certifications[0].ValidUntil != "2026-12-04" {
		t.Errorf("certifications %+v", in.Certifications)
	}

	form.Set("capacity.quantity", "nhiều")
	form.Set("lead_time_days", "3,5")
	r = httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, f = capability(vi, r)
	if f.E("capacity.quantity") != "phải là một số" || f.E("lead_time_days") != "phải là một số nguyên" {
		t.Errorf("errors %v", f.Errors)
	}
	if f.V("capacity.quantity") != "nhiều" {
		t.Errorf("typed value lost: %q", f.V("capacity.quantity"))
	}
}

func TestAddDomain(t *testing.T) {
	f := newForm(nil)
	err := &domain.ValidationError{Fields: []domain.FieldError{
		{Field: "certifications[0].valid_until", Message: "must be a real date YYYY-MM-DD"},
		{Field: "hs_codes[1]", Message: "must be an HS code of 4 to 10 digits, dots allowed between digits"},
		{Field: "hs_codes[2]", Message: "something else"},
		{Field: "title", Message: "a message nobody translated"},
	}}
	if !f.addDomain(vi, err) {
		t.Fatal("a validation error was not taken")
	}
	want := map[string]string{
		"certifications.valid_until": "phải là một ngày có thật (ngày/tháng/năm)",
		"hs_codes":                   "phải là mã HS gồm 4 đến 10 chữ số",
		"title":                      "không hợp lệ: a message nobody translated",
	}
	for k, v := range want {
		if f.E(k) != v {
			t.Errorf("%s: %q, want %q", k, f.E(k), v)
		}
	}
	if f.addDomain(vi, errors.New("boom")) {
		t.Error("another error was taken as a validation error")
	}
}

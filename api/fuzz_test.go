package api

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/account"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/supplier"
)

// The decoders and validators behind every write endpoint must turn any
// bytes into either a command or a *domain.ValidationError, never a panic or
// another kind of error (which would be a 500). The seeds run as ordinary
// tests under `go test`; `go test -fuzz FuzzX ./api` explores further.

func seeds(f *testing.F, extra ...string) {
	for _, s := range append([]string{
		``, `{}`, `null`, `[]`, `"x"`, `{"title":`, `{"title":"x"} {}`, "{\"title\":\"\xff\"}",
		`{"title": 5}`, `{"unknown": 1}`, `{"capacity":{"quantity":1e400}}`, `{"title":"\u0000"}`,
	}, extra...) {
		f.Add([]byte(s))
	}
}

// checkDecodeError fails unless err is nil or a validation error.
func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	var v *domain.ValidationError
	if err != nil && !errors.As(err, &v) {
		t.Fatalf("error %v (%T) is not a validation error", err, err)
	}
	if err != nil && len(v.Fields) == 0 {
		t.Fatal("a validation error without fields")
	}
}

func FuzzCapabilityBody(f *testing.F) {
	ok, _ := json.Marshal(map[string]any{
		"title": "Giá đỡ thép", "industry_group": "mechanical", "lead_time_days": 30,
		"certifications": []map[string]any{{"standard": "IATF 16949", "valid_until": "2027-02-29"}},
		"capacity":       map[string]any{"quantity": 100, "unit": "pcs", "per": "month"}, "hs_codes": []string{"7326.90"},
	})
	seeds(f, string(ok))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var in supplier.Capability
		err := decodeJSON(raw, &in)
		checkDecodeError(t, err)
		if err != nil {
			return
		}
		sup := registeredSupplier(t)
		err = sup.DeclareCapability(uuid.New(), in)
		checkDecodeError(t, err)
	})
}

func FuzzDemandBody(f *testing.F) {
	ok, _ := json.Marshal(map[string]any{
		"title": "Stamped brackets", "industry_group": "mechanical", "needed_by": "2027-03-01",
		"volume": map[string]any{"quantity": 20000, "unit": "pcs", "per": "month"}, "required_certifications": []string{"IATF 16949"},
	})
	seeds(f, string(ok), `{"needed_by":"2025-02-30"}`)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var in buyer.Demand
		err := decodeJSON(raw, &in)
		checkDecodeError(t, err)
		if err != nil {
			return
		}
		b, err := buyer.Register(uuid.New(), buyer.Registration{Name: "Canon", Country: "JP",
			Contact: domain.Contact{Name: "T", Email: "t@canon.jp"}})
		if err != nil {
			t.Fatal(err)
		}
		checkDecodeError(t, b.PostDemand(uuid.New(), in))
	})
}

func FuzzSupplierRegistration(f *testing.F) {
	seeds(f, `{"name":"Rạng Đông","tax_code":"0101234567-001","district":"Đông Anh","ownership":"domestic","contact":{"name":"A","email":"a@b.vn"}}`,
		`{"name":"Rạng Đông","tax_code":"0101234567","ward":"phuong thanh xuan","ownership":"domestic","contact":{"name":"A","email":"a@b.vn"}}`)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var in supplier.Registration
		err := decodeJSON(raw, &in)
		checkDecodeError(t, err)
		if err == nil {
			_, err = supplier.Register(uuid.New(), in)
			checkDecodeError(t, err)
		}
	})
}

func FuzzSignupBody(f *testing.F) {
	seeds(f, `{"role":"buyer","email":"a@b.jp","password":"correct horse battery","organisation":{"name":"X","country":"JP","contact":{"name":"A","email":"a@b.jp"}}}`)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var in signupRequest
		err := decodeJSON(raw, &in)
		checkDecodeError(t, err)
		if err != nil || len(in.Organisation) == 0 {
			return
		}
		for _, role := range []string{"supplier", "buyer"} {
			_, _, _, err := newOrganisation(accountRole(role), uuid.New(), in.Organisation)
			checkDecodeError(t, err)
		}
	})
}

func FuzzInvitationBody(f *testing.F) {
	seeds(f, `{"email":"hoa@rangdong.vn"}`, `{"email":"hoa\u202e@rangdong.vn"}`, `{"email":" "}`)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var in inviteRequest
		err := decodeJSON(raw, &in)
		checkDecodeError(t, err)
		if err == nil {
			checkDecodeError(t, in.validate())
		}
	})
}

func FuzzAcceptBody(f *testing.F) {
	seeds(f, `{"token":"kli_abc","password":"correct horse battery"}`, `{"token":"kli_\u0000","password":"x"}`,
		`{"token":"","password":""}`, `{"token":7}`)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var in acceptRequest
		err := decodeJSON(raw, &in)
		checkDecodeError(t, err)
		if err == nil {
			checkDecodeError(t, in.validate())
		}
	})
}

func registeredSupplier(t *testing.T) *supplier.Supplier {
	s, err := supplier.Register(uuid.New(), supplier.Registration{Name: "Rạng Đông", TaxCode: "0101234567",
		District: "Đông Anh", Ownership: domain.Domestic, Contact: domain.Contact{Name: "A", Email: "a@rangdong.vn"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func accountRole(r string) account.Role { return account.Role(r) }

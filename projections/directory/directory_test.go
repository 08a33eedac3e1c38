package directory_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/projections/directory"
	"github.com/keylink/keylink/projections/search"
)

func TestGetSupplier(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	sid, c1, c2, c3 := newID(t), newID(t), newID(t), newID(t)
	reg := registration(1, "Công ty CP Bóng đèn Phích nước Rạng Đông", "Thanh Xuân")
	reg.IndustrialZone, reg.Employees = "Thượng Đình", ptr(2800)
	reg.Contact.Phone = "+84 24 3858 4310"
	e.RegisterSupplier(sid, reg)
	full := supplier.Capability{
		Title:          "LED lighting",
		Description:    "Bóng đèn LED và đèn huỳnh quang",
		IndustryGroup:  domain.ElectricalElectronics,
		VSIC:           "27400",
		HSCodes:        []string{"8539.50"},
		Processes:      []string{"SMT assembly", "ép nhựa"},
		Materials:      []string{"aluminium", "PC"},
		Certifications: []supplier.CertificationInput{{Standard: "ISO 9001", ValidUntil: "2027-06-30"}},
		Capacity:       domain.Rate{Quantity: 1.5e6, Unit: domain.Pieces, Per: "month"},
		MOQ:            ptr(5000.0),
		LeadTimeDays:   21,
		ExportMarkets:  []string{"jp", "KR"},
	}
	e.Supplier(sid, func(s *supplier.Supplier) error { return s.DeclareCapability(c1, full) })
	e.Supplier(sid, func(s *supplier.Supplier) error {
		return s.DeclareCapability(c2, capability("Thermos flasks", domain.ChemRubberPlasticPharma))
	})
	e.Supplier(sid, func(s *supplier.Supplier) error {
		return s.DeclareCapability(c3, capability("Glass", domain.BuildingMaterials))
	})
	e.Supplier(sid, func(s *supplier.Supplier) error {
		return s.ReviseCapability(c2, capability("Vacuum flasks", domain.Handicrafts))
	})
	e.Supplier(sid, func(s *supplier.Supplier) error { return s.WithdrawCapability(c3) })
	e.Supplier(sid, func(s *supplier.Supplier) error {
		return s.RecogniseKeyProduct(supplier.KeyProduct{Product: "Bóng đèn LED", RecognizedYear: 2022, DecisionNo: "4303/QĐ-UBND"})
	})
	e.Supplier(sid, func(s *supplier.Supplier) error {
		return s.RecogniseKeyProduct(supplier.KeyProduct{Product: "Phích nước", RecognizedYear: 2023, DecisionNo: "12/QĐ-UBND"})
	})
	e.Rebuild(&directory.Directory{}, &search.DirectorySearch{})

	got, err := directory.GetSupplier(ctx, e.Pool, sid)
	if err != nil {
		t.Fatal(err)
	}
	want := directory.Supplier{
		ID: sid, Name: reg.Name, TaxCode: reg.TaxCode, District: "Thanh Xuân", IndustrialZone: "Thượng Đình",
		Ownership: domain.Domestic, Employees: ptr(2800), Contact: reg.Contact,
		Capabilities: []directory.Capability{
			{
				ID: c1, Title: "LED lighting", Description: full.Description, IndustryGroup: domain.ElectricalElectronics,
				VSIC: "27400", HSCodes: []string{"853950"}, Processes: full.Processes, Materials: full.Materials,
				Certifications: []supplier.Certification{{Standard: "ISO 9001", ValidUntil: date(t, "2027-06-30")}},
				Capacity:       full.Capacity, MOQ: ptr(5000.0), LeadTimeDays: 21, ExportMarkets: []string{"JP", "KR"},
			},
			{
				ID: c2, Title: "Vacuum flasks", IndustryGroup: domain.Handicrafts, HSCodes: []string{}, Processes: []string{},
				Materials: []string{}, Certifications: []supplier.Certification{},
				Capacity: domain.Rate{Quantity: 1000, Unit: domain.Pieces, Per: "month"}, LeadTimeDays: 30,
				ExportMarkets: []string{},
			},
		},
		KeyProducts: []supplier.KeyProduct{
			{Product: "Bóng đèn LED", RecognizedYear: 2022, DecisionNo: "4303/QĐ-UBND"},
			{Product: "Phích nước", RecognizedYear: 2023, DecisionNo: "12/QĐ-UBND"},
		},
		Version: 8,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetSupplier:\n got %+v\nwant %+v", got, want)
	}
	if v, err := directory.SupplierVersion(ctx, e.Pool, sid); err != nil || v != 8 {
		t.Errorf("SupplierVersion = %d, %v; want 8", v, err)
	}

	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var shape map[string]any
	if err := json.Unmarshal(b, &shape); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "name", "tax_code", "district", "industrial_zone", "ownership", "employees",
		"contact", "capabilities", "key_products", "version"} {
		if _, ok := shape[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	for _, s := range []string{`"valid_until":"2027-06-30"`, `"capacity":{"quantity":1500000,"unit":"pcs","per":"month"}`,
		`"hs_codes":[]`, `"certifications":[]`, `"moq":null`, `"recognized_year":2022`, `"decision_no":"4303/QĐ-UBND"`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JSON lacks %s: %s", s, b)
		}
	}
}

func TestGetSupplierEmptyListsAndNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	sid := newID(t)
	e.RegisterSupplier(sid, registration(2, "Vicostone", "Thạch Thất"))
	e.Rebuild(&directory.Directory{}, &search.DirectorySearch{})
	got, err := directory.GetSupplier(ctx, e.Pool, sid)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	for _, s := range []string{`"capabilities":[]`, `"key_products":[]`, `"employees":null`, `"industrial_zone":""`, `"version":1`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JSON lacks %s: %s", s, b)
		}
	}
	if _, err := directory.GetSupplier(ctx, e.Pool, uuid.New()); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown supplier: %v, want ErrNotFound", err)
	}
	if _, err := directory.SupplierVersion(ctx, e.Pool, uuid.New()); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown supplier version: %v, want ErrNotFound", err)
	}
}

func TestProfileRevisionRenamesAndKeepsCapabilities(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	wait := e.Live(&directory.Directory{}, &search.DirectorySearch{})
	sid := newID(t)
	e.RegisterSupplier(sid, registration(3, "Old Name", "Đông Anh"))
	e.Supplier(sid, func(s *supplier.Supplier) error {
		return s.DeclareCapability(newID(t), capability("Đúc gang", domain.Mechanical))
	})
	e.Supplier(sid, func(s *supplier.Supplier) error {
		r := registration(3, "Cơ khí Việt-Tiệp", "Sóc Sơn")
		return s.ReviseProfile(r)
	})
	wait()
	for q, want := range map[string]int{"old": 0, "viet tiep": 1, "duc gang": 1} {
		page, err := search.SearchSuppliers(ctx, e.Pool, search.SupplierQuery{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != want {
			t.Errorf("q=%q: %d items, want %d", q, len(page.Items), want)
		}
	}
	page, err := search.SearchSuppliers(ctx, e.Pool, search.SupplierQuery{District: "soc son"})
	if err != nil || len(page.Items) != 1 || page.Items[0].CapabilityCount != 1 || page.Items[0].District != "Sóc Sơn" {
		t.Errorf("district soc son: %+v, %v", page, err)
	}
}

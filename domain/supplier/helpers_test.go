package supplier_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
)

// scenario is one "given events, when command, then events or error" case.
type scenario struct {
	name   string
	given  []domain.Event
	when   func(*supplier.Supplier) error
	then   []domain.Event
	kind   error    // the error kind expected, nil for success
	fields []string // the exact field names of a validation error
}

func run(t *testing.T, tests []scenario) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &supplier.Supplier{}
			for _, e := range tt.given {
				s.Apply(e)
			}
			s.Loaded(int64(len(tt.given)))
			err := tt.when(s)
			checkErr(t, err, tt.kind, tt.fields)
			if got := s.Changes(); !reflect.DeepEqual(got, tt.then) {
				t.Errorf("events:\n got %#v\nwant %#v", got, tt.then)
			}
		})
	}
}

func checkErr(t *testing.T, err, kind error, fields []string) {
	t.Helper()
	if kind == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v, want kind %q", err, kind)
	}
	var v *domain.ValidationError
	if !errors.As(err, &v) {
		if fields != nil {
			t.Fatalf("error = %v, want a *domain.ValidationError on %q", err, fields)
		}
		return
	}
	got := make([]string, len(v.Fields))
	for i, f := range v.Fields {
		got[i] = f.Field
		if f.Message == "" {
			t.Errorf("field %q has no message", f.Field)
		}
	}
	if !reflect.DeepEqual(got, fields) {
		t.Errorf("invalid fields = %q, want %q (%v)", got, fields, err)
	}
}

func ptr[T any](v T) *T { return &v }

func date(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

var (
	sid  = uuid.MustParse("0193a1b2-0000-7000-8000-000000000001")
	cid  = uuid.MustParse("0193a1b2-0000-7000-8000-0000000000c1")
	cid2 = uuid.MustParse("0193a1b2-0000-7000-8000-0000000000c2")
)

func registration() supplier.Registration {
	return supplier.Registration{
		Name:           "Công ty CP Bóng đèn Phích nước Rạng Đông",
		TaxCode:        "0101526991",
		District:       "Thanh Xuân",
		IndustrialZone: "KCN Thạch Thất - Quốc Oai",
		Ownership:      domain.Domestic,
		Employees:      ptr(2500),
		Contact:        domain.Contact{Name: "Nguyễn Thị Lan", Email: "sales@rangdong.com.vn", Phone: "+84 24 3858 4310"},
	}
}

var registered = supplier.Registered{SupplierID: sid, Registration: registration()}

func capability() supplier.Capability {
	return supplier.Capability{
		Title:          " LED bulbs and tubes ",
		Description:    "Bulbs, tubes and panels.\nOEM for export.",
		IndustryGroup:  domain.ElectricalElectronics,
		VSIC:           " 27400 ",
		HSCodes:        []string{"8539.52", "853950"},
		Processes:      []string{" SMT assembly ", "injection moulding"},
		Materials:      []string{"aluminium"},
		Certifications: []supplier.CertificationInput{{Standard: " ISO 9001:2015 ", ValidUntil: " 2027-06-30 "}},
		Capacity:       domain.Rate{Quantity: 500000, Unit: domain.Pieces, Per: "month"},
		MOQ:            ptr(1000.0),
		LeadTimeDays:   30,
		ExportMarkets:  []string{"jp", " KR "},
	}
}

// spec is capability() as the events carry it.
func spec() supplier.CapabilitySpec {
	return supplier.CapabilitySpec{
		Title:          "LED bulbs and tubes",
		Description:    "Bulbs, tubes and panels.\nOEM for export.",
		IndustryGroup:  domain.ElectricalElectronics,
		VSIC:           "27400",
		HSCodes:        []string{"853952", "853950"},
		Processes:      []string{"SMT assembly", "injection moulding"},
		Materials:      []string{"aluminium"},
		Certifications: []supplier.Certification{{Standard: "ISO 9001:2015", ValidUntil: date("2027-06-30")}},
		Capacity:       domain.Rate{Quantity: 500000, Unit: domain.Pieces, Per: "month"},
		MOQ:            ptr(1000.0),
		LeadTimeDays:   30,
		ExportMarkets:  []string{"JP", "KR"},
	}
}

func minimalCapability() supplier.Capability {
	return supplier.Capability{
		Title:         "Steel brackets",
		IndustryGroup: domain.Mechanical,
		Capacity:      domain.Rate{Quantity: 20, Unit: domain.Tonnes, Per: "month"},
		LeadTimeDays:  14,
	}
}

func minimalSpec() supplier.CapabilitySpec {
	return supplier.CapabilitySpec{
		Title:         "Steel brackets",
		IndustryGroup: domain.Mechanical,
		Capacity:      domain.Rate{Quantity: 20, Unit: domain.Tonnes, Per: "month"},
		LeadTimeDays:  14,
	}
}

func declared(id uuid.UUID) supplier.CapabilityDeclared {
	return supplier.CapabilityDeclared{SupplierID: sid, CapabilityID: id, CapabilitySpec: spec()}
}

func withdrawn(id uuid.UUID) supplier.CapabilityWithdrawn {
	return supplier.CapabilityWithdrawn{SupplierID: sid, CapabilityID: id}
}

func keyProduct() supplier.KeyProduct {
	return supplier.KeyProduct{Product: "Bóng đèn LED", RecognizedYear: 2022, DecisionNo: "4303/QĐ-UBND"}
}

func events(es ...domain.Event) []domain.Event { return es }

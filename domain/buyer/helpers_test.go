package buyer_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
)

// scenario is one "given events, when command, then events or error" case.
type scenario struct {
	name   string
	given  []domain.Event
	when   func(*buyer.Buyer) error
	then   []domain.Event
	kind   error    // the error kind expected, nil for success
	fields []string // the exact field names of a validation error
}

func run(t *testing.T, tests []scenario) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &buyer.Buyer{}
			for _, e := range tt.given {
				b.Apply(e)
			}
			b.Loaded(int64(len(tt.given)))
			err := tt.when(b)
			checkErr(t, err, tt.kind, tt.fields)
			if got := b.Changes(); !reflect.DeepEqual(got, tt.then) {
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

func date(s string) *domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func with[T any](v T, change func(*T)) T {
	change(&v)
	return v
}

func events(es ...domain.Event) []domain.Event { return es }

var (
	bid  = uuid.MustParse("0193a1b2-0000-7000-8000-0000000000b1")
	did  = uuid.MustParse("0193a1b2-0000-7000-8000-0000000000d1")
	did2 = uuid.MustParse("0193a1b2-0000-7000-8000-0000000000d2")
)

func registration() buyer.Registration {
	return buyer.Registration{
		Name:        "Canon Vietnam Co., Ltd.",
		Country:     "JP",
		ParentGroup: "Canon Inc.",
		District:    "Đông Anh",
		Contact:     domain.Contact{Name: "Sato Kenji", Email: "procurement@canon.com.vn"},
	}
}

var registered = buyer.Registered{BuyerID: bid, Registration: registration()}

func demand() buyer.Demand {
	return buyer.Demand{
		Title:                  " Precision plastic parts for printers ",
		Description:            "Injection-moulded ABS housings.\nTolerance ±0.05 mm.",
		IndustryGroup:          domain.ChemRubberPlasticPharma,
		VSIC:                   "22201",
		HSCodes:                []string{"3926.90.99"},
		Processes:              []string{"injection moulding"},
		Materials:              []string{"ABS", " PC "},
		RequiredCertifications: []string{"ISO 9001", "ISO 14001"},
		Volume:                 domain.Rate{Quantity: 200000, Unit: domain.Pieces, Per: "month"},
		MaxLeadTimeDays:        ptr(45),
		NeededBy:               " 2026-03-31 ",
	}
}

// spec is demand() as the events carry it.
func spec() buyer.DemandSpec {
	return buyer.DemandSpec{
		Title:                  "Precision plastic parts for printers",
		Description:            "Injection-moulded ABS housings.\nTolerance ±0.05 mm.",
		IndustryGroup:          domain.ChemRubberPlasticPharma,
		VSIC:                   "22201",
		HSCodes:                []string{"39269099"},
		Processes:              []string{"injection moulding"},
		Materials:              []string{"ABS", "PC"},
		RequiredCertifications: []string{"ISO 9001", "ISO 14001"},
		Volume:                 domain.Rate{Quantity: 200000, Unit: domain.Pieces, Per: "month"},
		MaxLeadTimeDays:        ptr(45),
		NeededBy:               date("2026-03-31"),
	}
}

func minimalDemand() buyer.Demand {
	return buyer.Demand{
		Title:         "Cotton fabric",
		IndustryGroup: domain.TextileLeather,
		Volume:        domain.Rate{Quantity: 30000, Unit: domain.Metres, Per: "month"},
	}
}

func minimalSpec() buyer.DemandSpec {
	return buyer.DemandSpec{
		Title:         "Cotton fabric",
		IndustryGroup: domain.TextileLeather,
		Volume:        domain.Rate{Quantity: 30000, Unit: domain.Metres, Per: "month"},
	}
}

func posted(id uuid.UUID) buyer.DemandPosted {
	return buyer.DemandPosted{BuyerID: bid, DemandID: id, DemandSpec: spec()}
}

func closed(id uuid.UUID, r buyer.Status) buyer.DemandClosed {
	return buyer.DemandClosed{BuyerID: bid, DemandID: id, Reason: r}
}

package support_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/support"
)

func TestRecord(t *testing.T) {
	id, sup := uuid.MustParse("0193a1f2-0000-7000-8000-000000000001"), uuid.MustParse("0193a1f2-0000-7000-8000-000000000002")
	at := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	amount := int64(150_000_000)
	for _, tc := range []struct {
		name   string
		in     support.Grant
		want   []domain.Event
		fields []string
	}{
		{"an interest subsidy", support.Grant{Programme: " Hỗ trợ lãi suất ", Year: 2026, Kind: support.InterestSubsidy, AmountVND: &amount},
			[]domain.Event{support.Granted{SupportID: id, SupplierID: sup, At: at,
				Grant: support.Grant{Programme: "Hỗ trợ lãi suất", Year: 2026, Kind: support.InterestSubsidy, AmountVND: &amount}}}, nil},
		{"training without an amount", support.Grant{Programme: "Đào tạo", Year: 2025, Kind: support.Training},
			[]domain.Event{support.Granted{SupportID: id, SupplierID: sup, At: at, Grant: support.Grant{Programme: "Đào tạo", Year: 2025, Kind: support.Training}}}, nil},
		{"everything wrong", support.Grant{Programme: "a\u202eb", Year: 1999, Kind: "gift", AmountVND: ptr(int64(-5))}, nil,
			[]string{"programme", "year", "kind", "amount_vnd"}},
		{"no programme", support.Grant{Year: 2026, Kind: support.Other}, nil, []string{"programme"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := support.Record(id, sup, tc.in, at)
			var v *domain.ValidationError
			var fields []string
			if errors.As(err, &v) {
				for _, f := range v.Fields {
					fields = append(fields, f.Field)
				}
			}
			if !reflect.DeepEqual(fields, tc.fields) || (tc.fields == nil) != (err == nil) {
				t.Fatalf("err %v, want problems with %v", err, tc.fields)
			}
			if err == nil && !reflect.DeepEqual(s.Changes(), tc.want) {
				t.Fatalf("events\n got %+v\nwant %+v", s.Changes(), tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

package rates_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/rates"
)

func TestReplace(t *testing.T) {
	usd := map[string]float64{"USD": 25400, "JPY": 170}
	for _, tc := range []struct {
		name  string
		given []domain.Event
		year  int
		in    map[string]float64
		want  []domain.Event
		err   error
	}{
		{"a first table", nil, 2026, usd, []domain.Event{rates.Set{Year: 2026, VNDPer: usd}}, nil},
		{"the same table again records nothing", []domain.Event{rates.Set{Year: 2026, VNDPer: map[string]float64{"JPY": 170, "USD": 25400}}}, 2026, usd, nil, nil},
		{"a new rate replaces the table", []domain.Event{rates.Set{Year: 2026, VNDPer: usd}}, 2026, map[string]float64{"USD": 25500},
			[]domain.Event{rates.Set{Year: 2026, VNDPer: map[string]float64{"USD": 25500}}}, nil},
		{"dong is not rated", nil, 2026, map[string]float64{"VND": 1}, nil, domain.ErrInvalid},
		{"a negative rate", nil, 2026, map[string]float64{"EUR": -1}, nil, domain.ErrInvalid},
		{"no rates", nil, 2026, map[string]float64{}, nil, domain.ErrInvalid},
		{"a year out of range", nil, 1990, usd, nil, domain.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := &rates.Table{}
			for _, e := range tc.given {
				tb.Apply(e)
			}
			err := tb.Replace(tc.year, tc.in)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if got := tb.Changes(); !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Fatalf("events %+v, want %+v", got, tc.want)
			}
		})
	}
	if rates.StreamID(2026) != rates.StreamID(2026) || rates.StreamID(2026) == rates.StreamID(2025) {
		t.Error("a year's stream id is not stable and its own")
	}
}

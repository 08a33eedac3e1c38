package domain_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/keylink/keylink/domain"
)

func TestDateJSON(t *testing.T) {
	d, err := domain.ParseDate("2027-06-30")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(struct {
		D domain.Date  `json:"d"`
		P *domain.Date `json:"p,omitempty"`
	}{D: d})
	if err != nil || string(b) != `{"d":"2027-06-30"}` {
		t.Fatalf("Marshal = %s, %v; want {\"d\":\"2027-06-30\"}", b, err)
	}
	var got struct{ D, N domain.Date }
	if err := json.Unmarshal([]byte(`{"D":"2027-06-30","N":null}`), &got); err != nil || got.D != d || !got.N.IsZero() {
		t.Fatalf("Unmarshal = %+v, %v", got, err)
	}
	for _, in := range []string{`"2025-02-30"`, `"2027-06-30T00:00:00Z"`, `20270630`, `""`} {
		var x domain.Date
		if err := json.Unmarshal([]byte(in), &x); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("Unmarshal(%s) = %v, want ErrInvalid", in, err)
		}
	}
}

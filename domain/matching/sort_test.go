package matching_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain/matching"
)

func id(n int) uuid.UUID { return uuid.MustParse(fmt.Sprintf("00000000-0000-0000-0000-%012x", n)) }

func TestSortOrder(t *testing.T) {
	ms := []matching.Match{
		{SupplierID: id(2), CapabilityID: id(20), Score: 80},
		{SupplierID: id(1), CapabilityID: id(11), Score: 80},
		{SupplierID: id(3), CapabilityID: id(30), Score: 95},
		{SupplierID: id(1), CapabilityID: id(10), Score: 80},
		{SupplierID: id(0xa0), CapabilityID: id(1), Score: 80}, // "…a0" sorts after "…02" as bytes and as text
	}
	matching.Sort(ms)
	var got []string
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%d/%s/%s", m.Score, m.SupplierID.String()[34:], m.CapabilityID.String()[34:]))
	}
	want := []string{"95/03/1e", "80/01/0a", "80/01/0b", "80/02/14", "80/a0/01"}
	if !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

// The same matches in any input order come out in one order, and that
// order agrees with the UUIDs' string form.
func TestSortIsDeterministic(t *testing.T) {
	var ms []matching.Match
	for i := range 200 {
		ms = append(ms, matching.Match{
			DemandID:     id(i % 3),
			SupplierID:   uuid.NewSHA1(uuid.NameSpaceOID, []byte{byte(i % 40)}),
			CapabilityID: uuid.NewSHA1(uuid.NameSpaceURL, []byte{byte(i)}),
			Score:        50 + i%7,
		})
	}
	want := slices.Clone(ms)
	matching.Sort(want)
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		got := slices.Clone(ms)
		r.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
		matching.Sort(got)
		if !slices.EqualFunc(got, want, func(a, b matching.Match) bool {
			return a.SupplierID == b.SupplierID && a.CapabilityID == b.CapabilityID && a.DemandID == b.DemandID
		}) {
			t.Fatal("Sort depends on input order")
		}
	}
	for i := 1; i < len(want); i++ {
		a, b := want[i-1], want[i]
		if a.Score < b.Score || a.Score == b.Score && a.SupplierID.String() > b.SupplierID.String() {
			t.Fatalf("position %d: %d %s before %d %s", i, a.Score, a.SupplierID, b.Score, b.SupplierID)
		}
	}
}

func TestBestPerSupplier(t *testing.T) {
	in := []matching.Match{
		{DemandID: id(1), SupplierID: id(1), CapabilityID: id(12), Score: 70},
		{DemandID: id(1), SupplierID: id(1), CapabilityID: id(11), Score: 90},
		{DemandID: id(1), SupplierID: id(2), CapabilityID: id(22), Score: 60},
		{DemandID: id(1), SupplierID: id(2), CapabilityID: id(21), Score: 60}, // tie: lower capability id wins
		{DemandID: id(2), SupplierID: id(1), CapabilityID: id(12), Score: 40}, // another demand stays apart
	}
	orig := slices.Clone(in)
	got := matching.BestPerSupplier(in)
	want := []matching.Match{in[1], in[3], in[4]}
	if len(got) != len(want) {
		t.Fatalf("got %d matches, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].SupplierID != want[i].SupplierID || got[i].CapabilityID != want[i].CapabilityID || got[i].DemandID != want[i].DemandID {
			t.Errorf("got[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	for i := range in {
		if in[i].CapabilityID != orig[i].CapabilityID {
			t.Fatal("BestPerSupplier changed its input")
		}
	}
	if out := matching.BestPerSupplier(nil); len(out) != 0 {
		t.Errorf("BestPerSupplier(nil) = %v", out)
	}
}

// Ranking the whole eval set twice, and from reversed input, gives the same
// lists: what the projection stores does not depend on event order.
func TestRankingIsDeterministic(t *testing.T) {
	set, caps, demands := loadEval(t)
	rev := slices.Clone(caps)
	slices.Reverse(rev)
	for _, d := range demands {
		a, b := rank(d, caps, set.Today), rank(d, rev, set.Today)
		if len(a) != len(b) {
			t.Fatalf("lengths differ: %d, %d", len(a), len(b))
		}
		for i := range a {
			if a[i].SupplierID != b[i].SupplierID || a[i].CapabilityID != b[i].CapabilityID || a[i].Score != b[i].Score ||
				!reflect.DeepEqual(a[i].Reasons, b[i].Reasons) || !reflect.DeepEqual(a[i].Gaps, b[i].Gaps) {
				t.Fatalf("demand %s position %d differs", d.DemandID, i)
			}
		}
	}
}

package buyer_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
)

// samples has one filled-in value of every event type.
func samples() []domain.Event {
	return events(
		registered,
		posted(did),
		buyer.DemandRevised{BuyerID: bid, DemandID: did, DemandSpec: minimalSpec()},
		closed(did, buyer.Fulfilled),
	)
}

func TestEventsRoundTripThroughJSON(t *testing.T) {
	for _, e := range append(buyer.Events(), samples()...) {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("marshal %s: %v", e.EventType(), err)
		}
		// Decode the way the codec does: into a new value of the registered type.
		p := reflect.New(reflect.TypeOf(e))
		if err := json.Unmarshal(b, p.Interface()); err != nil {
			t.Fatalf("unmarshal %s: %v", e.EventType(), err)
		}
		if got := p.Elem().Interface(); !reflect.DeepEqual(got, e) {
			t.Errorf("%s round trip:\n got %#v\nwant %#v", e.EventType(), got, e)
		}
	}
}

func TestEventTypes(t *testing.T) {
	var names []string
	for _, e := range buyer.Events() {
		if reflect.TypeOf(e).Kind() != reflect.Struct {
			t.Errorf("%T: events are values, not pointers", e)
		}
		if e.SchemaVersion() != 1 {
			t.Errorf("%s: schema version %d, want 1", e.EventType(), e.SchemaVersion())
		}
		names = append(names, e.EventType())
	}
	want := []string{"BuyerRegistered", "DemandPosted", "DemandRevised", "DemandClosed"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("event types = %q, want %q", names, want)
	}
	slices.Sort(names)
	if len(slices.Compact(names)) != len(want) {
		t.Errorf("event type names are not unique")
	}
}

// TestEventJSONFields pins the stored shape: renaming a Go field must not
// rename a stored one.
func TestEventJSONFields(t *testing.T) {
	want := map[string][]string{
		"BuyerRegistered": {"buyer_id", "contact", "country", "district", "name", "parent_group"},
		"DemandPosted": {"buyer_id", "demand_id", "description", "hs_codes", "industry_group", "materials",
			"max_lead_time_days", "needed_by", "processes", "required_certifications", "title", "volume", "vsic"},
		"DemandRevised": {"buyer_id", "demand_id", "industry_group", "title", "volume"},
		"DemandClosed":  {"buyer_id", "demand_id", "reason"},
	}
	for _, e := range samples() {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if keys := slices.Sorted(maps.Keys(m)); !reflect.DeepEqual(keys, want[e.EventType()]) {
			t.Errorf("%s fields = %q, want %q", e.EventType(), keys, want[e.EventType()])
		}
		if e.EventType() == "DemandPosted" && string(m["needed_by"]) != `"2026-03-31"` {
			t.Errorf("needed_by = %s, want \"2026-03-31\"", m["needed_by"])
		}
	}
}

type unknownEvent struct{}

func (unknownEvent) EventType() string  { return "SomethingElse" }
func (unknownEvent) SchemaVersion() int { return 1 }

func TestStateFromEvents(t *testing.T) {
	b := &buyer.Buyer{}
	if b.ID() != uuid.Nil || b.HasOpenDemand(did) || b.DemandIDs() != nil || b.DemandStatus(did) != "" {
		t.Fatalf("zero buyer is not empty")
	}
	stream := events(
		registered,
		unknownEvent{},
		posted(did),
		posted(did2),
		buyer.DemandRevised{BuyerID: bid, DemandID: did2, DemandSpec: minimalSpec()},
		closed(did, buyer.Cancelled),
	)
	for _, e := range stream {
		b.Apply(e)
	}
	b.Loaded(int64(len(stream)))

	if b.ID() != bid || b.Name() != "Canon Vietnam Co., Ltd." || b.Country() != "JP" || b.Version() != 6 {
		t.Errorf("ID, Name, Country, Version = %v, %q, %q, %d", b.ID(), b.Name(), b.Country(), b.Version())
	}
	if got := b.Profile(); got != registration() {
		t.Errorf("Profile = %+v", got)
	}
	if b.HasOpenDemand(did) || !b.HasOpenDemand(did2) {
		t.Errorf("HasOpenDemand(closed, open) = %v, %v", b.HasOpenDemand(did), b.HasOpenDemand(did2))
	}
	if b.DemandStatus(did) != buyer.Cancelled || b.DemandStatus(did2) != buyer.Open {
		t.Errorf("DemandStatus = %q, %q", b.DemandStatus(did), b.DemandStatus(did2))
	}
	if got, ok := b.Demand(did); !ok || !reflect.DeepEqual(got, spec()) {
		t.Errorf("Demand(closed) = %+v, %v", got, ok)
	}
	if got, ok := b.Demand(did2); !ok || !reflect.DeepEqual(got, minimalSpec()) {
		t.Errorf("Demand(revised) = %+v, %v", got, ok)
	}
	if _, ok := b.Demand(uuid.New()); ok {
		t.Errorf("Demand(unknown) found")
	}
	if got := b.DemandIDs(); !reflect.DeepEqual(got, []uuid.UUID{did, did2}) {
		t.Errorf("DemandIDs = %v", got)
	}
	if len(b.Changes()) != 0 {
		t.Errorf("applying stored events recorded changes")
	}
}

func TestDemandReturnsACopy(t *testing.T) {
	b := &buyer.Buyer{}
	b.Apply(registered)
	b.Apply(posted(did))
	d, _ := b.Demand(did)
	d.HSCodes[0], *d.MaxLeadTimeDays = "0000", 1
	*d.NeededBy = domain.Date{}
	if got, _ := b.Demand(did); !reflect.DeepEqual(got, spec()) {
		t.Errorf("changing a returned demand changed the aggregate: %+v", got)
	}
}

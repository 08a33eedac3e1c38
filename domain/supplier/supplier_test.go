package supplier_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
)

// samples has one filled-in value of every event type.
func samples() []domain.Event {
	return events(
		registered,
		supplier.ProfileRevised{SupplierID: sid, Registration: registration()},
		declared(cid),
		supplier.CapabilityRevised{SupplierID: sid, CapabilityID: cid, CapabilitySpec: minimalSpec()},
		withdrawn(cid),
		recognised(keyProduct()),
	)
}

func TestEventsRoundTripThroughJSON(t *testing.T) {
	all := append(supplier.Events(), samples()...)
	for _, e := range all {
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
	for _, e := range supplier.Events() {
		if reflect.TypeOf(e).Kind() != reflect.Struct {
			t.Errorf("%T: events are values, not pointers", e)
		}
		if e.SchemaVersion() != 1 {
			t.Errorf("%s: schema version %d, want 1", e.EventType(), e.SchemaVersion())
		}
		names = append(names, e.EventType())
	}
	want := []string{"SupplierRegistered", "SupplierProfileRevised", "CapabilityDeclared",
		"CapabilityRevised", "CapabilityWithdrawn", "KeyProductRecognised"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("event types = %q, want %q", names, want)
	}
	slices.Sort(names)
	if len(slices.Compact(names)) != len(want) {
		t.Errorf("event type names are not unique")
	}
	var sampled []string
	for _, e := range samples() {
		sampled = append(sampled, e.EventType())
	}
	if slices.Sort(sampled); !reflect.DeepEqual(sampled, names) {
		t.Errorf("samples cover %q, want every event type", sampled)
	}
}

// TestEventJSONFields pins the stored shape: renaming a Go field must not
// rename a stored one.
func TestEventJSONFields(t *testing.T) {
	want := map[string][]string{
		"SupplierRegistered": {"contact", "district", "employees", "industrial_zone", "name", "ownership",
			"supplier_id", "tax_code"},
		"SupplierProfileRevised": {"contact", "district", "employees", "industrial_zone", "name", "ownership",
			"supplier_id", "tax_code"},
		"CapabilityDeclared": {"capability_id", "capacity", "certifications", "description", "export_markets",
			"hs_codes", "industry_group", "lead_time_days", "materials", "moq", "processes", "supplier_id",
			"title", "vsic"},
		"CapabilityRevised": {"capability_id", "capacity", "industry_group", "lead_time_days", "supplier_id",
			"title"},
		"CapabilityWithdrawn":  {"capability_id", "supplier_id"},
		"KeyProductRecognised": {"decision_no", "product", "recognized_year", "supplier_id"},
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
	}
	b, _ := json.Marshal(declared(cid))
	var c struct {
		Certifications []map[string]string `json:"certifications"`
		Capacity       map[string]any      `json:"capacity"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if got := c.Certifications[0]["valid_until"]; got != "2027-06-30" {
		t.Errorf("valid_until = %q, want 2027-06-30", got)
	}
	if got := c.Capacity["unit"]; got != "pcs" {
		t.Errorf("capacity.unit = %v, want pcs", got)
	}
}

type unknownEvent struct{}

func (unknownEvent) EventType() string  { return "SomethingElse" }
func (unknownEvent) SchemaVersion() int { return 1 }

func TestStateFromEvents(t *testing.T) {
	s := &supplier.Supplier{}
	if s.ID() != uuid.Nil || s.HasCapability(cid) || s.CapabilityIDs() != nil || s.KeyProducts() != nil {
		t.Fatalf("zero supplier is not empty")
	}
	renamed := with(registration(), func(r *supplier.Registration) { r.Name = "Rạng Đông JSC" })
	stream := events(
		registered,
		unknownEvent{},
		declared(cid),
		declared(cid2),
		supplier.CapabilityRevised{SupplierID: sid, CapabilityID: cid2, CapabilitySpec: minimalSpec()},
		withdrawn(cid),
		supplier.ProfileRevised{SupplierID: sid, Registration: renamed},
		recognised(keyProduct()),
	)
	for _, e := range stream {
		s.Apply(e)
	}
	s.Loaded(int64(len(stream)))

	if s.ID() != sid || s.Name() != "Rạng Đông JSC" || s.TaxCode() != "0101526991" || s.Version() != 8 {
		t.Errorf("ID, Name, TaxCode, Version = %v, %q, %q, %d", s.ID(), s.Name(), s.TaxCode(), s.Version())
	}
	if got := s.Profile(); !reflect.DeepEqual(got, renamed) {
		t.Errorf("Profile = %+v, want %+v", got, renamed)
	}
	if s.HasCapability(cid) || !s.HasCapability(cid2) {
		t.Errorf("HasCapability(withdrawn, active) = %v, %v", s.HasCapability(cid), s.HasCapability(cid2))
	}
	if _, ok := s.Capability(cid); ok {
		t.Errorf("Capability returned a withdrawn capability")
	}
	if got, ok := s.Capability(cid2); !ok || !reflect.DeepEqual(got, minimalSpec()) {
		t.Errorf("Capability = %+v, %v; want the revision", got, ok)
	}
	if got := s.CapabilityIDs(); !reflect.DeepEqual(got, []uuid.UUID{cid2}) {
		t.Errorf("CapabilityIDs = %v", got)
	}
	if got := s.KeyProducts(); !reflect.DeepEqual(got, []supplier.KeyProduct{keyProduct()}) {
		t.Errorf("KeyProducts = %+v", got)
	}
	if len(s.Changes()) != 0 {
		t.Errorf("applying stored events recorded changes")
	}
}

func TestAccessorsReturnCopies(t *testing.T) {
	s, err := supplier.Register(sid, registration())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeclareCapability(cid, capability()); err != nil {
		t.Fatal(err)
	}
	c, _ := s.Capability(cid)
	c.HSCodes[0], *c.MOQ, c.Certifications[0].Standard = "0000", 1, "changed"
	p := s.Profile()
	*p.Employees = 1
	if got, _ := s.Capability(cid); !reflect.DeepEqual(got, spec()) {
		t.Errorf("changing a returned capability changed the aggregate: %+v", got)
	}
	if got := s.Profile(); *got.Employees != 2500 {
		t.Errorf("changing a returned profile changed the aggregate")
	}
}

func TestSMEFollowsDecree80HeadCount(t *testing.T) {
	t.Parallel()
	n := func(v int) *int { return &v }
	tests := []struct {
		name       string
		employees  *int
		sme, known bool
	}{
		{"no head count", nil, false, false},
		{"none employed", n(0), true, true},
		{"a workshop", n(35), true, true},
		{"the threshold itself", n(200), true, true},
		{"one above", n(201), false, true},
		{"a large plant", n(4500), false, true},
	}
	for _, tc := range tests {
		sme, known := supplier.Registration{Employees: tc.employees}.SME()
		if sme != tc.sme || known != tc.known {
			t.Errorf("%s: SME() = %v, %v; want %v, %v", tc.name, sme, known, tc.sme, tc.known)
		}
	}
}

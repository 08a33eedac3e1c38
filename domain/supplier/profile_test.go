package supplier_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
)

func TestRegister(t *testing.T) {
	padded := registration()
	padded.Name = "  " + padded.Name + "\t"
	padded.TaxCode = " 0101526991-001 "
	padded.District = " Thanh Xuân "
	padded.Contact = domain.Contact{Name: " Lan ", Email: " Lan@RangDong.com.vn ", Phone: " 0243 858 4310 "}
	trimmed := registration()
	trimmed.TaxCode = "0101526991-001"
	trimmed.Contact = domain.Contact{Name: "Lan", Email: "Lan@RangDong.com.vn", Phone: "0243 858 4310"}

	minimal := supplier.Registration{Name: "Việt-Tiệp", TaxCode: "0100100079", District: "Đông Anh",
		Ownership: domain.JointVenture, Contact: domain.Contact{Name: "An", Email: "an@viettiep.vn"}}
	zeroStaff := minimal
	zeroStaff.Employees = ptr(0)

	tests := []struct {
		name   string
		id     uuid.UUID
		in     supplier.Registration
		then   []domain.Event
		kind   error
		fields []string
	}{
		{name: "full profile", id: sid, in: registration(), then: events(registered)},
		{name: "trims and keeps a branch tax code", id: sid, in: padded,
			then: events(supplier.Registered{SupplierID: sid, Registration: trimmed})},
		{name: "optional fields absent", id: sid, in: minimal,
			then: events(supplier.Registered{SupplierID: sid, Registration: minimal})},
		{name: "no employees is allowed", id: sid, in: zeroStaff,
			then: events(supplier.Registered{SupplierID: sid, Registration: zeroStaff})},
		{name: "a ward is stored by its canonical name", id: sid,
			in: with(registration(), func(r *supplier.Registration) { r.Ward = " phuong thanh xuan " }),
			then: events(supplier.Registered{SupplierID: sid,
				Registration: with(registration(), func(r *supplier.Registration) { r.Ward = "Phường Thanh Xuân" })})},
		{name: "a ward without a district gives the former district", id: sid,
			in: with(minimal, func(r *supplier.Registration) { r.District, r.Ward = "", "Thiên Lộc" }),
			then: events(supplier.Registered{SupplierID: sid,
				Registration: with(minimal, func(r *supplier.Registration) { r.District, r.Ward = "Đông Anh", "Xã Thiên Lộc" })})},
		{name: "an unknown ward", id: sid, kind: domain.ErrInvalid,
			in:     with(registration(), func(r *supplier.Registration) { r.Ward = "Quận Thanh Xuân" }),
			fields: []string{"ward"}},
		{name: "an unknown ward does not excuse a missing district", id: sid, kind: domain.ErrInvalid,
			in:     with(registration(), func(r *supplier.Registration) { r.District, r.Ward = "", "Atlantis" }),
			fields: []string{"ward", "district"}},
		{name: "a ward with control characters", id: sid, kind: domain.ErrInvalid,
			in:     with(registration(), func(r *supplier.Registration) { r.District, r.Ward = "", "Hoàn\x00Kiếm" }),
			fields: []string{"ward", "district"}},
		{name: "nil id", id: uuid.Nil, in: registration(), kind: domain.ErrInvalid},
		{name: "empty input lists every required field", id: sid, in: supplier.Registration{}, kind: domain.ErrInvalid,
			fields: []string{"name", "tax_code", "district", "ownership", "contact.name", "contact.email"}},
		{name: "every field bad", id: sid, kind: domain.ErrInvalid, in: supplier.Registration{
			Name: "Rạng\x00Đông", TaxCode: "01015269", District: strings.Repeat("x", 201),
			IndustrialZone: "zone\u202E", Ownership: "state", Employees: ptr(-1),
			Contact: domain.Contact{Name: " ", Email: "sales at rangdong", Phone: "ext. 12"},
		}, fields: []string{"name", "tax_code", "district", "industrial_zone", "ownership", "employees",
			"contact.name", "contact.email", "contact.phone"}},
		{name: "too many employees", id: sid, kind: domain.ErrInvalid,
			in:     with(registration(), func(r *supplier.Registration) { r.Employees = ptr(supplier.MaxEmployees + 1) }),
			fields: []string{"employees"}},
		{name: "tax code with a bad branch", id: sid, kind: domain.ErrInvalid,
			in:     with(registration(), func(r *supplier.Registration) { r.TaxCode = "0101526991-01" }),
			fields: []string{"tax_code"}},
		{name: "name of 200 runes is fine", id: sid,
			in: with(registration(), func(r *supplier.Registration) { r.Name = strings.Repeat("Đ", 200) }),
			then: events(supplier.Registered{SupplierID: sid,
				Registration: with(registration(), func(r *supplier.Registration) { r.Name = strings.Repeat("Đ", 200) })})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := supplier.Register(tt.id, tt.in)
			checkErr(t, err, tt.kind, tt.fields)
			if err != nil {
				if s != nil {
					t.Errorf("got a supplier with an error")
				}
				return
			}
			if got := s.Changes(); !reflect.DeepEqual(got, tt.then) {
				t.Errorf("events:\n got %#v\nwant %#v", got, tt.then)
			}
			if s.ID() != tt.id || s.Version() != 0 {
				t.Errorf("ID, Version = %v, %d; want %v, 0", s.ID(), s.Version(), tt.id)
			}
		})
	}
}

func with[T any](v T, change func(*T)) T {
	change(&v)
	return v
}

func TestReviseProfile(t *testing.T) {
	renamed := with(registration(), func(r *supplier.Registration) {
		r.Name = "Rạng Đông Light Source and Vacuum Flask JSC"
		r.Employees = nil
		r.IndustrialZone = ""
	})
	run(t, []scenario{
		{
			name:  "replaces the profile",
			given: events(registered),
			when:  func(s *supplier.Supplier) error { return s.ReviseProfile(renamed) },
			then:  events(supplier.ProfileRevised{SupplierID: sid, Registration: renamed}),
		},
		{
			name:  "same tax code with spaces",
			given: events(registered),
			when: func(s *supplier.Supplier) error {
				return s.ReviseProfile(with(registration(), func(r *supplier.Registration) { r.TaxCode = " 0101526991 " }))
			},
			then: events(supplier.ProfileRevised{SupplierID: sid, Registration: registration()}),
		},
		{
			name:  "unchanged profile still records a revision",
			given: events(registered, supplier.ProfileRevised{SupplierID: sid, Registration: renamed}),
			when:  func(s *supplier.Supplier) error { return s.ReviseProfile(renamed) },
			then:  events(supplier.ProfileRevised{SupplierID: sid, Registration: renamed}),
		},
		{
			name:  "tax code may not change",
			given: events(registered),
			when: func(s *supplier.Supplier) error {
				return s.ReviseProfile(with(registration(), func(r *supplier.Registration) { r.TaxCode = "0100100079" }))
			},
			kind: domain.ErrInvalid, fields: []string{"tax_code"},
		},
		{
			name:  "every bad field at once",
			given: events(registered),
			when: func(s *supplier.Supplier) error {
				return s.ReviseProfile(with(registration(), func(r *supplier.Registration) {
					r.Name, r.TaxCode, r.Contact.Email = "", "0100100079", "a@b"
				}))
			},
			kind: domain.ErrInvalid, fields: []string{"name", "tax_code", "contact.email"},
		},
		{
			name: "not registered",
			when: func(s *supplier.Supplier) error { return s.ReviseProfile(registration()) },
			kind: domain.ErrNotFound,
		},
	})
}

// TestEventsWithoutWardStillDecode: events recorded before wards existed
// carry no "ward"; they decode with none, and encoding one without a ward
// gives the old shape back (schema version 1 unchanged).
func TestEventsWithoutWardStillDecode(t *testing.T) {
	old := `{"supplier_id":"` + sid.String() + `","name":"Rạng Đông","tax_code":"0101526991","district":"Thanh Xuân",` +
		`"ownership":"domestic","contact":{"name":"Lan","email":"lan@rangdong.com.vn"}}`
	var e supplier.Registered
	if err := json.Unmarshal([]byte(old), &e); err != nil {
		t.Fatal(err)
	}
	if e.Ward != "" || e.District != "Thanh Xuân" || e.SchemaVersion() != 1 {
		t.Errorf("decoded %+v", e)
	}
	back, err := json.Marshal(e)
	if err != nil || string(back) != old {
		t.Errorf("re-encoded %s, %v; want %s", back, err, old)
	}
	var s supplier.Supplier
	s.Apply(e)
	if s.Profile().Ward != "" || s.Profile().District != "Thanh Xuân" {
		t.Errorf("profile %+v", s.Profile())
	}
}

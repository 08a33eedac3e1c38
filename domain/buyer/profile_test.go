package buyer_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
)

func TestRegister(t *testing.T) {
	minimal := buyer.Registration{Name: "TOTO Vietnam", Country: "JP",
		Contact: domain.Contact{Name: "An", Email: "an@toto.vn"}}

	tests := []struct {
		name   string
		id     uuid.UUID
		in     buyer.Registration
		then   []domain.Event
		kind   error
		fields []string
	}{
		{name: "full profile", id: bid, in: registration(), then: events(registered)},
		{name: "trims and upper-cases the country", id: bid,
			in: with(registration(), func(r *buyer.Registration) {
				r.Name, r.Country, r.District = " Canon Vietnam Co., Ltd. ", " jp ", "Đông Anh\n"
			}),
			then: events(registered)},
		{name: "optional fields absent", id: bid, in: minimal,
			then: events(buyer.Registered{BuyerID: bid, Registration: minimal})},
		{name: "a ward is canonical and gives the former district", id: bid,
			in: with(minimal, func(r *buyer.Registration) { r.Ward = "xa quang minh" }),
			then: events(buyer.Registered{BuyerID: bid,
				Registration: with(minimal, func(r *buyer.Registration) { r.Ward, r.District = "Xã Quang Minh", "Mê Linh" })})},
		{name: "an unknown ward", id: bid, kind: domain.ErrInvalid,
			in:     with(minimal, func(r *buyer.Registration) { r.Ward = "Khu công nghiệp Thăng Long" }),
			fields: []string{"ward"}},
		{name: "nil id", id: uuid.Nil, in: registration(), kind: domain.ErrInvalid},
		{name: "empty input lists every required field", id: bid, in: buyer.Registration{}, kind: domain.ErrInvalid,
			fields: []string{"name", "country", "contact.name", "contact.email"}},
		{name: "every field bad", id: bid, kind: domain.ErrInvalid, in: buyer.Registration{
			Name: "Canon\x1b", Country: "JPN", ParentGroup: strings.Repeat("g", 201), District: "a\u2066b",
			Contact: domain.Contact{Name: "x", Email: "x@y@z.jp", Phone: "+"},
		}, fields: []string{"name", "country", "parent_group", "district", "contact.email", "contact.phone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := buyer.Register(tt.id, tt.in)
			checkErr(t, err, tt.kind, tt.fields)
			if err != nil {
				if b != nil {
					t.Errorf("got a buyer with an error")
				}
				return
			}
			if got := b.Changes(); !reflect.DeepEqual(got, tt.then) {
				t.Errorf("events:\n got %#v\nwant %#v", got, tt.then)
			}
			if b.ID() != tt.id || b.Version() != 0 {
				t.Errorf("ID, Version = %v, %d; want %v, 0", b.ID(), b.Version(), tt.id)
			}
		})
	}
}

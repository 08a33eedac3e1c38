package buyer

import (
	"strings"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// Registration is a buyer's profile as the contract's POST /v1/buyers body
// carries it. Optional strings are empty when absent. Events carry it
// normalised: strings trimmed, the country upper-case.
type Registration struct {
	Name        string         `json:"name"`
	Country     string         `json:"country"`
	ParentGroup string         `json:"parent_group,omitempty"`
	District    string         `json:"district,omitempty"`
	Ward        string         `json:"ward,omitempty"`
	Contact     domain.Contact `json:"contact"`
}

// Register starts a buyer. It checks every field and returns a
// *domain.ValidationError naming all bad ones.
func Register(id uuid.UUID, in Registration) (*Buyer, error) {
	if id == uuid.Nil {
		return nil, domain.Errorf(domain.ErrInvalid, "buyer id must not be nil")
	}
	r, err := in.clean()
	if err != nil {
		return nil, err
	}
	b := &Buyer{}
	b.Record(b.Apply, Registered{BuyerID: id, Registration: r})
	return b, nil
}

func (in Registration) clean() (Registration, error) {
	var p domain.Problems
	var r Registration
	r.Name = p.Line("name", in.Name, true)
	r.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	switch {
	case r.Country == "":
		p.Add("country", "is required")
	case !domain.ValidCountry(r.Country):
		p.Add("country", "must be an ISO 3166-1 alpha-2 country code")
	}
	r.ParentGroup = p.Line("parent_group", in.ParentGroup, false)
	r.District = p.Line("district", in.District, false)
	r.Ward = p.Ward("ward", in.Ward)
	if w, ok := domain.LookupWard(r.Ward); ok && r.District == "" && w.FullName() == r.Ward {
		r.District = w.FormerDistrict
	}
	r.Contact = p.Contact("contact", in.Contact)
	return r, p.Err()
}

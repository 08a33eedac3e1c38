package supplier_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
)

func declare(id uuid.UUID, in supplier.Capability) func(*supplier.Supplier) error {
	return func(s *supplier.Supplier) error { return s.DeclareCapability(id, in) }
}

func revise(id uuid.UUID, in supplier.Capability) func(*supplier.Supplier) error {
	return func(s *supplier.Supplier) error { return s.ReviseCapability(id, in) }
}

func withdraw(id uuid.UUID) func(*supplier.Supplier) error {
	return func(s *supplier.Supplier) error { return s.WithdrawCapability(id) }
}

// badCapability gets every field wrong.
func badCapability() supplier.Capability {
	return supplier.Capability{
		Title:         "   ",
		Description:   strings.Repeat("d", domain.MaxTextLen+1),
		IndustryGroup: "semiconductors",
		VSIC:          "274",
		HSCodes:       []string{"84", "8471.30", "8471-30"},
		Processes:     []string{"welding", "\x07"},
		Materials:     make([]string, domain.MaxListLen+1),
		Certifications: []supplier.CertificationInput{
			{Standard: "", ValidUntil: "2027-01-01"},
			{Standard: "ISO 14001", ValidUntil: "2025-02-30"},
		},
		Capacity:      domain.Rate{Quantity: 0, Unit: "boxes", Per: "week"},
		MOQ:           ptr(0.0),
		LeadTimeDays:  0,
		ExportMarkets: []string{"JPN", "us"},
	}
}

func TestDeclareCapability(t *testing.T) {
	many := events(registered)
	for i := range supplier.MaxCapabilities {
		many = append(many, declared(uuid.NewSHA1(sid, fmt.Append(nil, i))))
	}
	manyWithOneWithdrawn := append(events(), many...)
	manyWithOneWithdrawn = append(manyWithOneWithdrawn, withdrawn(uuid.NewSHA1(sid, fmt.Append(nil, 0))))

	run(t, []scenario{
		{
			name:  "full capability is normalised",
			given: events(registered),
			when:  declare(cid, capability()),
			then:  events(declared(cid)),
		},
		{
			name:  "only required fields",
			given: events(registered),
			when:  declare(cid, minimalCapability()),
			then:  events(supplier.CapabilityDeclared{SupplierID: sid, CapabilityID: cid, CapabilitySpec: minimalSpec()}),
		},
		{
			name:  "empty lists are dropped",
			given: events(registered),
			when: declare(cid, with(minimalCapability(), func(c *supplier.Capability) {
				c.HSCodes, c.Processes, c.Certifications, c.ExportMarkets = []string{}, []string{}, []supplier.CertificationInput{}, []string{}
			})),
			then: events(supplier.CapabilityDeclared{SupplierID: sid, CapabilityID: cid, CapabilitySpec: minimalSpec()}),
		},
		{
			name:  "bounds of lead time and a 4-digit VSIC",
			given: events(registered),
			when: declare(cid, with(minimalCapability(), func(c *supplier.Capability) {
				c.LeadTimeDays, c.VSIC = 3650, "2740"
			})),
			then: events(supplier.CapabilityDeclared{SupplierID: sid, CapabilityID: cid,
				CapabilitySpec: with(minimalSpec(), func(c *supplier.CapabilitySpec) { c.LeadTimeDays, c.VSIC = 3650, "2740" })}),
		},
		{
			name:  "a second capability",
			given: events(registered, declared(cid)),
			when:  declare(cid2, capability()),
			then:  events(declared(cid2)),
		},
		{
			name:  "every bad field at once",
			given: events(registered),
			when:  declare(cid, badCapability()),
			kind:  domain.ErrInvalid,
			fields: []string{"title", "description", "industry_group", "vsic", "hs_codes[0]", "hs_codes[2]",
				"processes[1]", "materials", "certifications[0].standard", "certifications[1].valid_until",
				"capacity.quantity", "capacity.unit", "capacity.per", "moq", "lead_time_days", "export_markets[0]"},
		},
		{
			name:  "lead time above ten years",
			given: events(registered),
			when:  declare(cid, with(minimalCapability(), func(c *supplier.Capability) { c.LeadTimeDays = 3651 })),
			kind:  domain.ErrInvalid, fields: []string{"lead_time_days"},
		},
		{
			name:  "negative moq and a too-long hs code",
			given: events(registered),
			when: declare(cid, with(minimalCapability(), func(c *supplier.Capability) {
				c.MOQ, c.HSCodes = ptr(-5.0), []string{"8471.30.20.001"}
			})),
			kind: domain.ErrInvalid, fields: []string{"hs_codes[0]", "moq"},
		},
		{
			name:  "too many certifications, hs codes and markets",
			given: events(registered),
			when: declare(cid, with(minimalCapability(), func(c *supplier.Capability) {
				c.Certifications = make([]supplier.CertificationInput, domain.MaxListLen+1)
				c.HSCodes = make([]string, domain.MaxListLen+1)
				c.ExportMarkets = make([]string, domain.MaxListLen+1)
			})),
			kind: domain.ErrInvalid, fields: []string{"hs_codes", "certifications", "export_markets"},
		},
		{
			name:  "certification without a date",
			given: events(registered),
			when: declare(cid, with(minimalCapability(), func(c *supplier.Capability) {
				c.Certifications = []supplier.CertificationInput{{Standard: "IATF 16949"}}
			})),
			kind: domain.ErrInvalid, fields: []string{"certifications[0].valid_until"},
		},
		{
			name:  "id already declared",
			given: events(registered, declared(cid)),
			when:  declare(cid, minimalCapability()),
			kind:  domain.ErrConflict,
		},
		{
			name:  "id of a withdrawn capability",
			given: events(registered, declared(cid), withdrawn(cid)),
			when:  declare(cid, minimalCapability()),
			kind:  domain.ErrConflict,
		},
		{
			name:  "too many capabilities",
			given: many,
			when:  declare(cid, minimalCapability()),
			kind:  domain.ErrConflict,
		},
		{
			name:  "withdrawn ones do not count towards the limit",
			given: manyWithOneWithdrawn,
			when:  declare(cid, capability()),
			then:  events(declared(cid)),
		},
		{
			name:  "nil id",
			given: events(registered),
			when:  declare(uuid.Nil, capability()),
			kind:  domain.ErrInvalid,
		},
		{
			name: "not registered",
			when: declare(cid, capability()),
			kind: domain.ErrNotFound,
		},
	})
}

func TestReviseCapability(t *testing.T) {
	revised := supplier.CapabilityRevised{SupplierID: sid, CapabilityID: cid, CapabilitySpec: minimalSpec()}
	run(t, []scenario{
		{
			name:  "carries the whole replacement",
			given: events(registered, declared(cid)),
			when:  revise(cid, minimalCapability()),
			then:  events(revised),
		},
		{
			name:  "revised again",
			given: events(registered, declared(cid), revised),
			when:  revise(cid, capability()),
			then:  events(supplier.CapabilityRevised{SupplierID: sid, CapabilityID: cid, CapabilitySpec: spec()}),
		},
		{
			name:  "bad input",
			given: events(registered, declared(cid)),
			when: revise(cid, with(capability(), func(c *supplier.Capability) {
				c.Capacity.Per, c.Certifications[0].ValidUntil = "day", "30/06/2027"
			})),
			kind: domain.ErrInvalid, fields: []string{"certifications[0].valid_until", "capacity.per"},
		},
		{
			name:  "unknown capability",
			given: events(registered, declared(cid)),
			when:  revise(cid2, capability()),
			kind:  domain.ErrNotFound,
		},
		{
			name:  "withdrawn capability",
			given: events(registered, declared(cid), withdrawn(cid)),
			when:  revise(cid, capability()),
			kind:  domain.ErrConflict,
		},
		{
			name: "not registered",
			when: revise(cid, capability()),
			kind: domain.ErrNotFound,
		},
	})
}

func TestWithdrawCapability(t *testing.T) {
	run(t, []scenario{
		{
			name:  "withdraws",
			given: events(registered, declared(cid), declared(cid2)),
			when:  withdraw(cid),
			then:  events(withdrawn(cid)),
		},
		{
			name:  "unknown capability",
			given: events(registered, declared(cid)),
			when:  withdraw(cid2),
			kind:  domain.ErrNotFound,
		},
		{
			name:  "already withdrawn",
			given: events(registered, declared(cid), withdrawn(cid)),
			when:  withdraw(cid),
			kind:  domain.ErrConflict,
		},
		{
			name: "not registered",
			when: withdraw(cid),
			kind: domain.ErrNotFound,
		},
	})
}

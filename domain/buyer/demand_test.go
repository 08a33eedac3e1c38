package buyer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
)

func post(id uuid.UUID, in buyer.Demand) func(*buyer.Buyer) error {
	return func(b *buyer.Buyer) error { return b.PostDemand(id, in) }
}

func revise(id uuid.UUID, in buyer.Demand) func(*buyer.Buyer) error {
	return func(b *buyer.Buyer) error { return b.ReviseDemand(id, in) }
}

func closeDemand(id uuid.UUID, reason string) func(*buyer.Buyer) error {
	return func(b *buyer.Buyer) error { return b.CloseDemand(id, reason) }
}

func TestPostDemand(t *testing.T) {
	full := events(registered)
	for i := range buyer.MaxOpenDemands {
		full = append(full, posted(uuid.NewSHA1(bid, fmt.Append(nil, i))))
	}
	oneClosed := append(append(events(), full...), closed(uuid.NewSHA1(bid, fmt.Append(nil, 7)), buyer.Fulfilled))

	run(t, []scenario{
		{
			name:  "full demand is normalised",
			given: events(registered),
			when:  post(did, demand()),
			then:  events(posted(did)),
		},
		{
			name:  "only required fields",
			given: events(registered),
			when:  post(did, minimalDemand()),
			then:  events(buyer.DemandPosted{BuyerID: bid, DemandID: did, DemandSpec: minimalSpec()}),
		},
		{
			name:  "empty lists are dropped and bounds hold",
			given: events(registered),
			when: post(did, with(minimalDemand(), func(d *buyer.Demand) {
				d.HSCodes, d.RequiredCertifications, d.MaxLeadTimeDays = []string{}, []string{}, ptr(3650)
			})),
			then: events(buyer.DemandPosted{BuyerID: bid, DemandID: did,
				DemandSpec: with(minimalSpec(), func(d *buyer.DemandSpec) { d.MaxLeadTimeDays = ptr(3650) })}),
		},
		{
			name:  "every bad field at once",
			given: events(registered),
			when: post(did, buyer.Demand{
				Title:                  strings.Repeat("t", 201),
				Description:            "nul\x00",
				IndustryGroup:          "",
				VSIC:                   "C",
				HSCodes:                []string{"3926.90.99", "39"},
				Processes:              []string{""},
				Materials:              make([]string, domain.MaxListLen+1),
				RequiredCertifications: []string{"ISO 9001", " "},
				Volume:                 domain.Rate{Quantity: -1, Unit: domain.Pieces, Per: "month"},
				MaxLeadTimeDays:        ptr(0),
				NeededBy:               "2026-02-29",
			}),
			kind: domain.ErrInvalid,
			fields: []string{"title", "description", "industry_group", "vsic", "hs_codes[1]", "processes[0]",
				"materials", "required_certifications[1]", "volume.quantity", "max_lead_time_days", "needed_by"},
		},
		{
			name:  "too many hs codes, a bad unit and a US-style date",
			given: events(registered),
			when: post(did, with(minimalDemand(), func(d *buyer.Demand) {
				d.HSCodes, d.Volume.Unit, d.NeededBy = make([]string, domain.MaxListLen+1), "dozen", "03/31/2026"
			})),
			kind: domain.ErrInvalid, fields: []string{"hs_codes", "volume.unit", "needed_by"},
		},
		{
			name:  "id already posted",
			given: events(registered, posted(did)),
			when:  post(did, minimalDemand()),
			kind:  domain.ErrConflict,
		},
		{
			name:  "id of a closed demand",
			given: events(registered, posted(did), closed(did, buyer.Cancelled)),
			when:  post(did, minimalDemand()),
			kind:  domain.ErrConflict,
		},
		{
			name:  "too many open demands",
			given: full,
			when:  post(did, demand()),
			kind:  domain.ErrConflict,
		},
		{
			name:  "closed demands do not count towards the limit",
			given: oneClosed,
			when:  post(did, demand()),
			then:  events(posted(did)),
		},
		{
			name:  "nil id",
			given: events(registered),
			when:  post(uuid.Nil, demand()),
			kind:  domain.ErrInvalid,
		},
		{
			name: "not registered",
			when: post(did, demand()),
			kind: domain.ErrNotFound,
		},
	})
}

func TestReviseDemand(t *testing.T) {
	revised := buyer.DemandRevised{BuyerID: bid, DemandID: did, DemandSpec: minimalSpec()}
	run(t, []scenario{
		{
			name:  "carries the whole replacement",
			given: events(registered, posted(did)),
			when:  revise(did, minimalDemand()),
			then:  events(revised),
		},
		{
			name:  "revised again",
			given: events(registered, posted(did), revised),
			when:  revise(did, demand()),
			then:  events(buyer.DemandRevised{BuyerID: bid, DemandID: did, DemandSpec: spec()}),
		},
		{
			name:  "bad input",
			given: events(registered, posted(did)),
			when:  revise(did, with(demand(), func(d *buyer.Demand) { d.Title, d.Volume.Per = "", "year" })),
			kind:  domain.ErrInvalid, fields: []string{"title", "volume.per"},
		},
		{
			name:  "unknown demand",
			given: events(registered, posted(did)),
			when:  revise(did2, demand()),
			kind:  domain.ErrNotFound,
		},
		{
			name:  "fulfilled demand",
			given: events(registered, posted(did), closed(did, buyer.Fulfilled)),
			when:  revise(did, demand()),
			kind:  domain.ErrConflict,
		},
		{
			name:  "cancelled demand",
			given: events(registered, posted(did), closed(did, buyer.Cancelled)),
			when:  revise(did, demand()),
			kind:  domain.ErrConflict,
		},
		{
			name: "not registered",
			when: revise(did, demand()),
			kind: domain.ErrNotFound,
		},
	})
}

func TestCloseDemand(t *testing.T) {
	run(t, []scenario{
		{
			name:  "fulfilled",
			given: events(registered, posted(did), posted(did2)),
			when:  closeDemand(did, "fulfilled"),
			then:  events(closed(did, buyer.Fulfilled)),
		},
		{
			name:  "cancelled after a revision",
			given: events(registered, posted(did), buyer.DemandRevised{BuyerID: bid, DemandID: did, DemandSpec: minimalSpec()}),
			when:  closeDemand(did, " cancelled "),
			then:  events(closed(did, buyer.Cancelled)),
		},
		{
			name:  "unknown reason",
			given: events(registered, posted(did)),
			when:  closeDemand(did, "open"),
			kind:  domain.ErrInvalid, fields: []string{"reason"},
		},
		{
			name:  "no reason",
			given: events(registered, posted(did)),
			when:  closeDemand(did, ""),
			kind:  domain.ErrInvalid, fields: []string{"reason"},
		},
		{
			name:  "reason is case-sensitive",
			given: events(registered, posted(did)),
			when:  closeDemand(did, "Fulfilled"),
			kind:  domain.ErrInvalid, fields: []string{"reason"},
		},
		{
			name:  "unknown demand",
			given: events(registered, posted(did)),
			when:  closeDemand(did2, "fulfilled"),
			kind:  domain.ErrNotFound,
		},
		{
			name:  "already closed",
			given: events(registered, posted(did), closed(did, buyer.Cancelled)),
			when:  closeDemand(did, "fulfilled"),
			kind:  domain.ErrConflict,
		},
		{
			name: "not registered",
			when: closeDemand(did, "fulfilled"),
			kind: domain.ErrNotFound,
		},
	})
}

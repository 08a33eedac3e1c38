package board_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/projections/board"
)

func TestGetBuyerWithDemands(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	wait := e.Live(&board.Board{})
	bid, d1, d2, d3 := newID(t), newID(t), newID(t), newID(t)
	e.RegisterBuyer(bid, canon())
	e.Buyer(bid, func(b *buyer.Buyer) error { return b.PostDemand(d1, plastics()) })
	e.Buyer(bid, func(b *buyer.Buyer) error { return b.PostDemand(d2, fabric()) })
	e.Buyer(bid, func(b *buyer.Buyer) error { return b.PostDemand(d3, fabric()) })
	revised := plastics()
	revised.Title, revised.Volume.Quantity, revised.NeededBy = "Plastic housings", 250000, ""
	e.Buyer(bid, func(b *buyer.Buyer) error { return b.ReviseDemand(d1, revised) })
	e.Buyer(bid, func(b *buyer.Buyer) error { return b.CloseDemand(d2, "fulfilled") })
	e.Buyer(bid, func(b *buyer.Buyer) error { return b.CloseDemand(d3, "cancelled") })
	wait()

	got, err := board.GetBuyer(ctx, e.Pool, bid)
	if err != nil {
		t.Fatal(err)
	}
	empty := []string{}
	fab := func(id uuid.UUID, s buyer.Status) board.Demand {
		return board.Demand{ID: id, BuyerID: bid, Status: s, Title: "Cotton fabric",
			IndustryGroup: domain.TextileLeather, HSCodes: empty, Processes: empty, Materials: empty,
			RequiredCertifications: empty, Volume: domain.Rate{Quantity: 30000, Unit: domain.Metres, Per: "month"}}
	}
	want := board.Buyer{
		ID: bid, Name: "Canon Vietnam Co., Ltd.", Country: "JP", ParentGroup: "Canon Inc.", District: "Đông Anh",
		Contact: canon().Contact,
		Demands: []board.Demand{
			{ID: d1, BuyerID: bid, Status: buyer.Open, Title: "Plastic housings", Description: revised.Description,
				IndustryGroup: domain.ChemRubberPlasticPharma, VSIC: "22201", HSCodes: []string{"39269099"},
				Processes: []string{"injection moulding"}, Materials: []string{"ABS"},
				RequiredCertifications: []string{"ISO 9001"},
				Volume:                 domain.Rate{Quantity: 250000, Unit: domain.Pieces, Per: "month"}, MaxLeadTimeDays: ptr(45)},
			fab(d2, buyer.Fulfilled),
			fab(d3, buyer.Cancelled),
		},
		Version: 7,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetBuyer:\n got %+v\nwant %+v", got, want)
	}
	if v, err := board.BuyerVersion(ctx, e.Pool, bid); err != nil || v != 7 {
		t.Errorf("BuyerVersion = %d, %v; want 7", v, err)
	}
	b, _ := json.Marshal(got)
	for _, s := range []string{`"demands":[{"id":"`, `"status":"open"`, `"status":"fulfilled"`, `"status":"cancelled"`,
		`"needed_by":null`, `"required_certifications":[]`, `"max_lead_time_days":null`, `"parent_group":"Canon Inc."`,
		`"volume":{"quantity":250000,"unit":"pcs","per":"month"}`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JSON lacks %s: %s", s, b)
		}
	}

	d, err := board.GetDemand(ctx, e.Pool, d2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, fab(d2, buyer.Fulfilled)) {
		t.Errorf("GetDemand = %+v", d)
	}
	for _, f := range []func() error{
		func() error { _, err := board.GetBuyer(ctx, e.Pool, uuid.New()); return err },
		func() error { _, err := board.GetDemand(ctx, e.Pool, uuid.New()); return err },
		func() error { _, err := board.BuyerVersion(ctx, e.Pool, uuid.New()); return err },
	} {
		if err := f(); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("unknown id: %v, want ErrNotFound", err)
		}
	}
}

func TestGetDemandCarriesDates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	bid, did := newID(t), newID(t)
	e.RegisterBuyer(bid, buyer.Registration{Name: "TOTO Vietnam", Country: "JP",
		Contact: domain.Contact{Name: "An", Email: "an@toto.vn"}})
	e.Buyer(bid, func(b *buyer.Buyer) error { return b.PostDemand(did, plastics()) })
	e.Rebuild(&board.Board{})
	d, err := board.GetDemand(ctx, e.Pool, did)
	if err != nil {
		t.Fatal(err)
	}
	if d.NeededBy == nil || d.NeededBy.String() != "2026-03-31" || d.Status != buyer.Open || d.BuyerID != bid {
		t.Errorf("GetDemand = %+v", d)
	}
	b, _ := json.Marshal(d)
	if !strings.Contains(string(b), `"needed_by":"2026-03-31"`) {
		t.Errorf("JSON = %s", b)
	}
	got, err := board.GetBuyer(ctx, e.Pool, bid)
	if err != nil {
		t.Fatal(err)
	}
	if got.ParentGroup != "" || got.District != "" || len(got.Demands) != 1 || got.Version != 2 {
		t.Errorf("GetBuyer = %+v", got)
	}
}

package programme_test

import (
	"context"
	"testing"
	"time"

	"github.com/keylink/keylink/domain/deal"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/programme"
)

func TestDealReadModel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wait := e.Live(&programme.Programme{})
	sup, buy, id := newID(t), newID(t), newID(t)
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	d, err := deal.Open(id, deal.AsFirm(buy), deal.Parties{SupplierID: sup, BuyerID: buy}, nil, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.MoveTo(deal.AsFirm(sup), deal.Change{Stage: deal.Contract, Value: &deal.Money{Minor: 1250, Currency: deal.EUR}}, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := d.MoveTo(deal.AsOrganiser(), deal.Change{Stage: deal.Lost, Note: "giá cao"}, at.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	e.Append(eventstore.StreamOf(deal.StreamType, id), eventstore.NoStream, d.Changes()...)
	wait()
	got, err := programme.GetDeal(context.Background(), e.Pool, id, sup, at.AddDate(0, 2, 0))
	if err != nil {
		t.Fatal(err)
	}
	if got.Stage != deal.Lost || got.Contract != nil || got.Amount == nil || got.Value != 12.5 || got.Currency != "EUR" || got.Stale ||
		len(got.History) != 3 || got.History[2].Note != "giá cao" || got.Version != 3 || !got.UpdatedAt.Equal(at.Add(48*time.Hour)) {
		t.Fatalf("deal %+v", got)
	}
	if _, err := programme.GetDeal(context.Background(), e.Pool, id, newID(t), at); err == nil {
		t.Fatal("a firm not party to the deal sees it")
	}
}

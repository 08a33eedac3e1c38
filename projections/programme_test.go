package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/deal"
	"github.com/keylink/keylink/domain/rates"
	"github.com/keylink/keylink/domain/support"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections"
)

// programme runs one random deal, support or rates command, and reports
// whether it did (it needs a supplier and a buyer).
func (w *world) programme(t *testing.T, e *env, n int) bool {
	if len(w.suppliers) == 0 || len(w.buyers) == 0 {
		return false
	}
	at := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
	pick := func(ids []uuid.UUID) uuid.UUID { return ids[w.rng.IntN(len(ids))] }
	switch k := w.rng.IntN(6); {
	case k == 0 || len(w.deals) == 0:
		id := newID(t)
		d, err := deal.Open(id, deal.AsOrganiser(), deal.Parties{SupplierID: pick(w.suppliers), BuyerID: pick(w.buyers)}, []uuid.UUID{newID(t)}, at)
		if err != nil {
			t.Fatal(err)
		}
		e.append(eventstore.StreamOf(deal.StreamType, id), eventstore.NoStream, d.Changes()...)
		w.deals = append(w.deals, id)
	case k <= 2:
		stage := deal.Stages[w.rng.IntN(len(deal.Stages))]
		c := deal.Change{Stage: stage, Note: w.text(2)}
		if stage != deal.Lost && w.rng.IntN(2) == 0 {
			c.Value = &deal.Money{Minor: int64(w.rng.IntN(1e9)), Currency: deal.Currencies[w.rng.IntN(len(deal.Currencies))]}
		}
		w.deal(t, e, pick(w.deals), func(d *deal.Deal) error { return d.MoveTo(deal.AsOrganiser(), c, at) })
	case k == 3:
		v := float64(w.rng.IntN(100000))
		o := deal.Outcome{EventID: newID(t), MeetingID: newID(t), Result: []string{"follow_up", "mou", "contract"}[w.rng.IntN(3)],
			ValueUSD: &v, On: domain.Date{Time: at.Truncate(24 * time.Hour)}}
		w.deal(t, e, pick(w.deals), func(d *deal.Deal) error { return d.RecordMeeting(o, at) })
	case k == 4:
		id := newID(t)
		amount := int64(w.rng.IntN(1e9))
		s, err := support.Record(id, pick(w.suppliers), support.Grant{Programme: w.text(2), Year: 2024 + w.rng.IntN(3),
			Kind: support.Kinds[w.rng.IntN(len(support.Kinds))], AmountVND: &amount}, at)
		if err != nil {
			t.Fatal(err)
		}
		e.append(eventstore.StreamOf(support.StreamType, id), eventstore.NoStream, s.Changes()...)
	default:
		year := 2024 + w.rng.IntN(3)
		tb := &rates.Table{}
		if err := e.update(eventstore.StreamOf(rates.StreamType, rates.StreamID(year)), tb, func() error {
			return tb.Replace(year, map[string]float64{"USD": float64(24000 + w.rng.IntN(2000)), "JPY": 170})
		}); err != nil {
			t.Fatal(err)
		}
	}
	return true
}

func (w *world) deal(t *testing.T, e *env, id uuid.UUID, cmd func(*deal.Deal) error) {
	t.Helper()
	d := &deal.Deal{}
	if err := e.update(eventstore.StreamOf(deal.StreamType, id), d, func() error { return cmd(d) }); err != nil {
		t.Fatal(err)
	}
}

func TestDealReadModel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wait := e.live(&projections.Programme{})
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
	e.append(eventstore.StreamOf(deal.StreamType, id), eventstore.NoStream, d.Changes()...)
	wait()
	got, err := projections.GetDeal(context.Background(), e.pool, id, sup, at.AddDate(0, 2, 0))
	if err != nil {
		t.Fatal(err)
	}
	if got.Stage != deal.Lost || got.Contract != nil || got.Amount == nil || got.Value != 12.5 || got.Currency != "EUR" || got.Stale ||
		len(got.History) != 3 || got.History[2].Note != "giá cao" || got.Version != 3 || !got.UpdatedAt.Equal(at.Add(48*time.Hour)) {
		t.Fatalf("deal %+v", got)
	}
	if _, err := projections.GetDeal(context.Background(), e.pool, id, newID(t), at); err == nil {
		t.Fatal("a firm not party to the deal sees it")
	}
}

package projections_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/deal"
	"github.com/keylink/keylink/domain/rates"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/domain/support"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/projections"
	"github.com/keylink/keylink/projections/board"
	"github.com/keylink/keylink/projections/directory"
	"github.com/keylink/keylink/projections/search"
)

var readModelTables = []string{"directory_suppliers", "directory_capabilities", "directory_key_products",
	"directory_search", "directory_search_capabilities",
	"board_buyers", "board_demands", "deals", "deal_history", "programme_support", "programme_rates"}

// world remembers what exists so that random commands are mostly valid.
type world struct {
	rng          *rand.Rand
	suppliers    []uuid.UUID
	capabilities map[uuid.UUID][]uuid.UUID // active, by supplier
	buyers       []uuid.UUID
	demands      map[uuid.UUID][]uuid.UUID // open, by buyer
	deals        []uuid.UUID
}

var (
	words  = []string{"Rạng Đông", "cơ khí", "Đúc", "nhựa", "LED", "Thạch Thất", "gỗ", "dệt", "ISO", "điện tử"}
	groups = domain.IndustryGroups
)

func (w *world) text(n int) string {
	s := words[w.rng.IntN(len(words))]
	for range n - 1 {
		s += " " + words[w.rng.IntN(len(words))]
	}
	return s
}

func (w *world) capability() supplier.Capability {
	c := capability(w.text(2), groups[w.rng.IntN(len(groups))])
	c.Description = w.text(w.rng.IntN(4))
	if w.rng.IntN(2) == 0 {
		c.Processes = []string{w.text(1), w.text(1)}
		c.Certifications = []supplier.CertificationInput{{Standard: []string{"ISO 9001", "iso 14001", "IATF 16949"}[w.rng.IntN(3)],
			ValidUntil: "2027-01-31"}}
		c.MOQ = ptr(float64(w.rng.IntN(1000) + 1))
	}
	return c
}

func (w *world) demand() buyer.Demand {
	d := fabric()
	d.Title, d.IndustryGroup = w.text(2), groups[w.rng.IntN(len(groups))]
	if w.rng.IntN(2) == 0 {
		d.RequiredCertifications, d.NeededBy, d.MaxLeadTimeDays = []string{"ISO 9001"}, "2026-12-01", ptr(30)
	}
	return d
}

// ward is one of Hanoi's wards and communes, or none half of the time.
func (w *world) ward() string {
	ws := domain.HanoiWards()
	if w.rng.IntN(2) == 0 {
		return ""
	}
	return ws[w.rng.IntN(len(ws))].FullName()
}

// step runs one random command.
func (w *world) step(t *testing.T, e *env, n int) {
	if w.rng.IntN(5) == 0 && w.programme(t, e, n) {
		return
	}
	pick := func(ids []uuid.UUID) uuid.UUID { return ids[w.rng.IntN(len(ids))] }
	switch k := w.rng.IntN(10); {
	case k == 0 || len(w.suppliers) == 0:
		id := newID(t)
		w.suppliers = append(w.suppliers, id)
		r := registration(n, w.text(2), w.text(1))
		r.Ward = w.ward()
		e.RegisterSupplier(id, r)
	case k == 1 || len(w.buyers) == 0:
		id := newID(t)
		w.buyers = append(w.buyers, id)
		e.RegisterBuyer(id, buyer.Registration{Name: w.text(1), Country: "KR", District: w.text(1), Ward: w.ward(),
			Contact: domain.Contact{Name: "Kim", Email: "kim@example.kr"}})
	case k == 2:
		sid := pick(w.suppliers)
		e.Supplier(sid, func(s *supplier.Supplier) error {
			r := registration(0, w.text(3), w.text(1))
			r.TaxCode, r.Ward = s.TaxCode(), w.ward()
			return s.ReviseProfile(r)
		})
	case k == 3 && len(w.capabilities) > 0:
		{
			sid := pick(keys(w.capabilities))
			cs := w.capabilities[sid]
			cid := pick(cs)
			if w.rng.IntN(2) == 0 {
				e.Supplier(sid, func(s *supplier.Supplier) error { return s.ReviseCapability(cid, w.capability()) })
			} else {
				e.Supplier(sid, func(s *supplier.Supplier) error { return s.WithdrawCapability(cid) })
				w.capabilities[sid] = remove(cs, cid)
				if len(w.capabilities[sid]) == 0 {
					delete(w.capabilities, sid)
				}
			}
			return
		}
	case k == 4:
		sid := pick(w.suppliers)
		e.Supplier(sid, func(s *supplier.Supplier) error {
			return s.RecogniseKeyProduct(supplier.KeyProduct{Product: fmt.Sprintf("%s %d", w.text(1), n),
				RecognizedYear: 2018 + w.rng.IntN(7), DecisionNo: fmt.Sprintf("%d/QĐ-UBND", n)})
		})
	case k <= 6:
		sid, cid := pick(w.suppliers), newID(t)
		e.Supplier(sid, func(s *supplier.Supplier) error { return s.DeclareCapability(cid, w.capability()) })
		w.capabilities[sid] = append(w.capabilities[sid], cid)
	case k == 7 && len(w.demands) > 0:
		{
			bid := pick(keys(w.demands))
			ds := w.demands[bid]
			did := pick(ds)
			if w.rng.IntN(2) == 0 {
				e.Buyer(bid, func(b *buyer.Buyer) error { return b.ReviseDemand(did, w.demand()) })
			} else {
				reason := []string{"fulfilled", "cancelled"}[w.rng.IntN(2)]
				e.Buyer(bid, func(b *buyer.Buyer) error { return b.CloseDemand(did, reason) })
				w.demands[bid] = remove(ds, did)
				if len(w.demands[bid]) == 0 {
					delete(w.demands, bid)
				}
			}
			return
		}
	default:
		bid, did := pick(w.buyers), newID(t)
		e.Buyer(bid, func(b *buyer.Buyer) error { return b.PostDemand(did, w.demand()) })
		w.demands[bid] = append(w.demands[bid], did)
	}
}

// keys returns m's keys in a fixed order, so that a seed replays the same
// commands.
func keys(m map[uuid.UUID][]uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	return out
}

func remove(ids []uuid.UUID, id uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ids))
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

func TestLiveProjectionEqualsRebuild(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	w := &world{rng: rand.New(rand.NewPCG(seed, 7)), capabilities: map[uuid.UUID][]uuid.UUID{},
		demands: map[uuid.UUID][]uuid.UUID{}}
	wait := e.Live(projections.All()...)
	for i := range 300 {
		w.step(t, e, 1000+i)
	}
	wait()
	live := dump(t, e.Pool, readModelTables...)
	e.Rebuild(projections.All()...)
	rebuilt := dump(t, e.Pool, readModelTables...)
	if live != rebuilt {
		t.Errorf("live and rebuilt read models differ (seed %d)\nlive:\n%s\nrebuilt:\n%s", seed, live, rebuilt)
	}
	var suppliers, demands int
	if err := e.Pool.QueryRow(context.Background(),
		`SELECT (SELECT count(*) FROM directory_suppliers), (SELECT count(*) FROM board_demands)`).Scan(&suppliers, &demands); err != nil {
		t.Fatal(err)
	}
	if suppliers != len(w.suppliers) || suppliers == 0 || demands == 0 || len(w.deals) == 0 {
		t.Errorf("%d suppliers (want %d), %d demands", suppliers, len(w.suppliers), demands)
	}
	// The live projection carries on after a rebuild.
	w.step(t, e, 2000)
	wait()
}

// BenchmarkRebuild measures projection throughput, in events applied per
// second by a rebuild, over about 11k supplier and 10k buyer events. The
// tables are analyzed while empty first, the worst case for cached plans.
func BenchmarkRebuild(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	if _, err := e.Pool.Exec(ctx, `ANALYZE directory_suppliers, directory_capabilities, directory_key_products,
  board_buyers, board_demands`); err != nil {
		b.Fatal(err)
	}
	supplierEvents := benchSuppliers(b, e, 1000)
	buyerEvents := benchBuyers(b, e, 500)
	for _, bench := range []struct {
		p      eventstore.Projection
		events int
	}{{&directory.Directory{}, supplierEvents}, {&search.DirectorySearch{}, supplierEvents}, {&board.Board{}, buyerEvents}} {
		b.Run(bench.p.Name(), func(b *testing.B) {
			start := time.Now()
			for range b.N {
				if err := projector.Rebuild(ctx, e.Store, bench.p, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(bench.events*b.N)/time.Since(start).Seconds(), "events/s")
		})
	}
}

// benchSuppliers appends n suppliers of 11 events each: a registration,
// nine capabilities and a withdrawal.
func benchSuppliers(b *testing.B, e *env, n int) int {
	events := 0
	for i := range n {
		id := newID(b)
		s, err := supplier.Register(id, registration(i, fmt.Sprintf("Công ty Cơ khí %d", i), "Đông Anh"))
		if err != nil {
			b.Fatal(err)
		}
		caps := make([]uuid.UUID, 9)
		for j := range caps {
			caps[j] = newID(b)
			c := capability(fmt.Sprintf("Gia công chính xác %d", j), groups[j%len(groups)])
			c.Processes, c.Materials = []string{"tiện CNC", "phay"}, []string{"thép", "nhôm"}
			c.Certifications = []supplier.CertificationInput{{Standard: "ISO 9001", ValidUntil: "2027-01-31"}}
			if err := s.DeclareCapability(caps[j], c); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.WithdrawCapability(caps[0]); err != nil {
			b.Fatal(err)
		}
		events += len(s.Changes())
		e.Append(eventstore.StreamOf(supplier.StreamType, id), eventstore.NoStream, s.Changes()...)
	}
	return events
}

// benchBuyers appends n buyers of 20 events each: a registration, ten
// demands, five revisions and four closures.
func benchBuyers(b *testing.B, e *env, n int) int {
	events := 0
	for range n {
		id := newID(b)
		by, err := buyer.Register(id, canon())
		if err != nil {
			b.Fatal(err)
		}
		ds := make([]uuid.UUID, 10)
		for j := range ds {
			ds[j] = newID(b)
			if err := by.PostDemand(ds[j], plastics()); err != nil {
				b.Fatal(err)
			}
		}
		for j := range 5 {
			if err := by.ReviseDemand(ds[j], fabric()); err != nil {
				b.Fatal(err)
			}
		}
		for j := range 4 {
			if err := by.CloseDemand(ds[j], "fulfilled"); err != nil {
				b.Fatal(err)
			}
		}
		events += len(by.Changes())
		e.Append(eventstore.StreamOf(buyer.StreamType, id), eventstore.NoStream, by.Changes()...)
	}
	return events
}

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
		e.Append(eventstore.StreamOf(deal.StreamType, id), eventstore.NoStream, d.Changes()...)
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
		e.Append(eventstore.StreamOf(support.StreamType, id), eventstore.NoStream, s.Changes()...)
	default:
		year := 2024 + w.rng.IntN(3)
		tb := &rates.Table{}
		if err := e.Update(eventstore.StreamOf(rates.StreamType, rates.StreamID(year)), tb, func() error {
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
	if err := e.Update(eventstore.StreamOf(deal.StreamType, id), d, func() error { return cmd(d) }); err != nil {
		t.Fatal(err)
	}
}

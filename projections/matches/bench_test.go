package matches_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/projections/matches"
)

// Sizes of BenchmarkMatches' data set. The figure is for 10,000
// suppliers and 2,000 demands:
//
//	go test -run '^$' -bench Matches -timeout 1h ./projections -matches.suppliers 10000 -matches.demands 2000
var (
	mbSuppliers = flag.Int("matches.suppliers", 1000, "BenchmarkMatches: suppliers, 4 capabilities each")
	mbDemands   = flag.Int("matches.demands", 200, "BenchmarkMatches: open demands")
	mbOrder     = flag.String("matches.order", "interleaved",
		"BenchmarkMatches: event order, interleaved (demands posted among the suppliers) or suppliers-first")
)

// mbEval is the part of domain/matching/testdata/eval.json the generator
// draws on: real-looking profiles of all eight industry groups.
type mbEval struct {
	Suppliers []struct {
		Name           string `json:"name"`
		District       string `json:"district"`
		IndustrialZone string `json:"industrial_zone"`
		KeyProducts    int    `json:"key_products"`
		Capabilities   []struct {
			supplier.Capability
			Certifications []struct {
				Standard string `json:"standard"`
			} `json:"certifications"`
			MOQ float64 `json:"moq"`
		} `json:"capabilities"`
	} `json:"suppliers"`
	Demands []struct {
		Buyer         string `json:"buyer"`
		BuyerCountry  string `json:"buyer_country"`
		BuyerDistrict string `json:"buyer_district"`
		buyer.Demand
		MaxLeadTimeDays int    `json:"max_lead_time_days"`
		NeededBy        string `json:"needed_by"`
	} `json:"demands"`
}

// mbGen makes the data set: suppliers modelled on the eval set's (each
// with four capabilities of its own group drawn from the set's), demands
// modelled on its demands, with quantities, dates and certificates varied.
type mbGen struct {
	rng    *rand.Rand
	now    time.Time
	eval   mbEval
	byGrp  map[domain.IndustryGroup][]int // eval capability templates by group, as supplier*100+capability
	buyers []uuid.UUID
	open   map[uuid.UUID]int // open demands per buyer
}

func newMBGen(b *testing.B) *mbGen {
	raw, err := os.ReadFile("../domain/matching/testdata/eval.json")
	if err != nil {
		b.Fatal(err)
	}
	g := &mbGen{rng: rand.New(rand.NewPCG(1, 2)), now: time.Now().UTC(), byGrp: map[domain.IndustryGroup][]int{},
		open: map[uuid.UUID]int{}}
	if err := json.Unmarshal(raw, &g.eval); err != nil {
		b.Fatal(err)
	}
	for i, s := range g.eval.Suppliers {
		for j, c := range s.Capabilities {
			g.byGrp[c.IndustryGroup] = append(g.byGrp[c.IndustryGroup], i*100+j)
		}
	}
	return g
}

func (g *mbGen) scale(q float64, lo, hi float64) float64 {
	return float64(int(q*(lo+g.rng.Float64()*(hi-lo)))) + 1
}

// capability varies a template of group grp: capacity, lead time, one
// process or material dropped now and then, certificates valid for months
// to years, a fifth of them lapsed.
func (g *mbGen) capability(grp domain.IndustryGroup) supplier.Capability {
	ts := g.byGrp[grp]
	t := ts[g.rng.IntN(len(ts))]
	tc := g.eval.Suppliers[t/100].Capabilities[t%100]
	c := tc.Capability
	c.HSCodes, c.Processes, c.Materials = slices.Clone(c.HSCodes), slices.Clone(c.Processes), slices.Clone(c.Materials)
	c.Capacity.Quantity = g.scale(c.Capacity.Quantity, 0.3, 3)
	c.LeadTimeDays = max(1, c.LeadTimeDays+g.rng.IntN(21)-10)
	if tc.MOQ > 0 {
		c.MOQ = ptr(g.scale(tc.MOQ, 0.5, 2))
	}
	if len(c.Processes) > 1 && g.rng.IntN(3) == 0 {
		c.Processes = slices.Delete(c.Processes, 0, 1)
	}
	if len(c.Materials) > 1 && g.rng.IntN(3) == 0 {
		c.Materials = slices.Delete(c.Materials, 0, 1)
	}
	c.Certifications = nil
	for _, x := range tc.Certifications {
		if g.rng.IntN(8) == 0 {
			continue
		}
		until := g.now.AddDate(0, 0, 30+g.rng.IntN(900))
		if g.rng.IntN(5) == 0 {
			until = g.now.AddDate(0, 0, -10-g.rng.IntN(400))
		}
		c.Certifications = append(c.Certifications, mtCert(x.Standard, until))
	}
	return c
}

// supplierEvents registers supplier n, declares four capabilities of one
// group and recognises a key product for one supplier in ten.
func (g *mbGen) supplierEvents(b *testing.B, n int) (uuid.UUID, []domain.Event) {
	ts := g.eval.Suppliers[g.rng.IntN(len(g.eval.Suppliers))]
	r := registration(n, fmt.Sprintf("%s %d", ts.Name, n), ts.District)
	r.IndustrialZone = ts.IndustrialZone
	id := newID(b)
	s, err := supplier.Register(id, r)
	if err != nil {
		b.Fatal(err)
	}
	grp := ts.Capabilities[0].IndustryGroup
	for range 4 {
		if err := s.DeclareCapability(newID(b), g.capability(grp)); err != nil {
			b.Fatal(err)
		}
	}
	if g.rng.IntN(10) == 0 {
		if err := s.RecogniseKeyProduct(supplier.KeyProduct{Product: "Sản phẩm " + string(grp), RecognizedYear: 2025, DecisionNo: "1/QĐ-UBND"}); err != nil {
			b.Fatal(err)
		}
	}
	return id, s.Changes()
}

// demand varies an eval demand: volume, a needed_by day for half of them.
func (g *mbGen) demand() (buyer.Demand, int) {
	i := g.rng.IntN(len(g.eval.Demands))
	t := g.eval.Demands[i]
	d := t.Demand
	d.Volume.Quantity = g.scale(d.Volume.Quantity, 0.5, 2)
	d.NeededBy = ""
	if t.MaxLeadTimeDays > 0 {
		d.MaxLeadTimeDays = ptr(t.MaxLeadTimeDays)
	}
	if g.rng.IntN(2) == 0 {
		d.NeededBy = g.now.AddDate(0, 0, 30+g.rng.IntN(300)).Format(time.DateOnly)
	}
	return d, i
}

// mbData is the generated data set, appended.
type mbData struct {
	events  int
	caps    [][2]uuid.UUID // supplier, capability
	demands []uuid.UUID
}

// fill appends the data set in transactions of about 100 streams.
func (g *mbGen) fill(b *testing.B, e *env, nSup, nDem int) mbData {
	ctx := context.Background()
	var data mbData
	type appendOp struct {
		stream eventstore.Stream
		events []domain.Event
	}
	var ops []appendOp
	for i := range max(1, nDem/10) {
		t := g.eval.Demands[i%len(g.eval.Demands)]
		id := newID(b)
		by, err := buyer.Register(id, buyer.Registration{Name: fmt.Sprintf("%s %d", t.Buyer, i), Country: t.BuyerCountry,
			District: t.BuyerDistrict, Contact: domain.Contact{Name: "Procurement", Email: fmt.Sprintf("p%d@example.com", i)}})
		if err != nil {
			b.Fatal(err)
		}
		g.buyers = append(g.buyers, id)
		ops = append(ops, appendOp{eventstore.StreamOf(buyer.StreamType, id), by.Changes()})
	}
	post := func() {
		bid := g.buyers[len(data.demands)%len(g.buyers)]
		d, _ := g.demand()
		by := &buyer.Buyer{}
		by.Apply(buyer.Registered{BuyerID: bid}) // enough state to post
		did := newID(b)
		if err := by.PostDemand(did, d); err != nil {
			b.Fatal(err)
		}
		data.demands = append(data.demands, did)
		ops = append(ops, appendOp{eventstore.StreamOf(buyer.StreamType, bid), by.Changes()})
	}
	every := max(1, nSup/max(1, nDem))
	for i := range nSup {
		id, evs := g.supplierEvents(b, i)
		for _, ev := range evs {
			if c, ok := ev.(supplier.CapabilityDeclared); ok {
				data.caps = append(data.caps, [2]uuid.UUID{id, c.CapabilityID})
			}
		}
		ops = append(ops, appendOp{eventstore.StreamOf(supplier.StreamType, id), evs})
		if *mbOrder == "interleaved" && i%every == every-1 && len(data.demands) < nDem {
			post()
		}
	}
	for len(data.demands) < nDem {
		post()
	}
	for lo := 0; lo < len(ops); lo += 100 {
		err := e.Store.Update(ctx, func(ctx context.Context, tx *eventstore.Tx) error {
			for _, op := range ops[lo:min(lo+100, len(ops))] {
				res, err := tx.Append(ctx, op.stream, eventstore.Any, op.events...)
				if err != nil {
					return err
				}
				e.Last = res.Position
				data.events += len(op.events)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return data
}

// BenchmarkMatches builds the data set, then measures: a rebuild of every
// match list from the events (seconds, events/s); how long a capability
// revision takes to show in the lists through the live projector (append
// to WaitFor, 200 samples); and the demand and supplier list queries.
func BenchmarkMatches(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	g := newMBGen(b)
	start := time.Now()
	data := g.fill(b, e, *mbSuppliers, *mbDemands)
	b.Logf("%d suppliers, %d capabilities, %d open demands (%s): %d events appended in %s",
		*mbSuppliers, len(data.caps), len(data.demands), *mbOrder, data.events, time.Since(start).Round(time.Millisecond))

	b.Run("rebuild", func(b *testing.B) {
		for range b.N {
			if err := projector.Rebuild(ctx, e.Store, &matches.Matches{}, nil); err != nil {
				b.Fatal(err)
			}
		}
		secs := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(secs, "s/rebuild")
		b.ReportMetric(float64(data.events)/secs, "events/s")
		var rows, cut int
		if err := e.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM matches), (SELECT count(*) FROM match_demands WHERE NOT list_complete)`).Scan(&rows, &cut); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rows), "rows")
		b.ReportMetric(float64(cut), "cut-lists")
	})

	b.Run("revision", func(b *testing.B) {
		timed := &mbTimed{Projection: &matches.Matches{}}
		pr, err := projector.New(e.Store, projector.Config{PollInterval: 5 * time.Millisecond}, timed)
		if err != nil {
			b.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- pr.Run(runCtx) }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				b.Error(err)
			}
		}()
		// Measure a settled server, not the checkpoint flushing the
		// gigabyte the rebuild just wrote: that stalls any write for tens of
		// milliseconds. CHECKPOINT needs a superuser or pg_checkpoint.
		if _, err := e.Pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
			b.Fatal(err)
		}
		if _, err := e.Pool.Exec(ctx, "CHECKPOINT"); err != nil {
			b.Logf("no checkpoint before measuring (%v): expect slower tails", err)
		}
		// The first event loads the projection's tables into memory.
		load := mbRevise(b, e, pr, g, data.caps[0])
		b.ReportMetric(load.Seconds(), "s/load")
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
		timed.take()
		for range b.N {
			lat := make([]time.Duration, 200)
			for i := range lat {
				lat[i] = mbRevise(b, e, pr, g, data.caps[g.rng.IntN(len(data.caps))])
			}
			mbReportPercentiles(b, lat)
			applied := timed.take()
			slices.Sort(applied)
			b.ReportMetric(float64(applied[len(applied)/2].Microseconds())/1000, "apply-p50-ms")
			b.ReportMetric(float64(applied[len(applied)*99/100].Microseconds())/1000, "apply-p99-ms")
		}
	})

	b.Run("demand-query", func(b *testing.B) {
		for range b.N {
			lat := make([]time.Duration, 1000)
			for i := range lat {
				did := data.demands[g.rng.IntN(len(data.demands))]
				t0 := time.Now()
				if _, err := matches.DemandMatches(ctx, e.Pool, did, matches.DefaultMatchLimit, time.Now()); err != nil {
					b.Fatal(err)
				}
				lat[i] = time.Since(t0)
			}
			mbReportPercentiles(b, lat)
		}
	})

	b.Run("supplier-query", func(b *testing.B) {
		for range b.N {
			lat := make([]time.Duration, 1000)
			for i := range lat {
				sid := data.caps[g.rng.IntN(len(data.caps))][0]
				t0 := time.Now()
				if _, err := matches.SupplierMatches(ctx, e.Pool, sid, matches.DefaultMatchLimit, time.Now()); err != nil {
					b.Fatal(err)
				}
				lat[i] = time.Since(t0)
			}
			mbReportPercentiles(b, lat)
		}
	})
}

// mbTimed times the projection's Apply of each capability revision: the
// projection's share of the latency, without the polling around it.
type mbTimed struct {
	eventstore.Projection
	mu      sync.Mutex
	applies []time.Duration
}

func (t *mbTimed) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	t0 := time.Now()
	err := t.Projection.Apply(ctx, tx, r)
	if _, ok := r.Event.(supplier.CapabilityRevised); ok {
		t.mu.Lock()
		t.applies = append(t.applies, time.Since(t0))
		t.mu.Unlock()
	}
	return err
}

func (t *mbTimed) take() []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := t.applies
	t.applies = nil
	return out
}

// mbRevise revises one capability like a command handler (load, revise),
// then times its append until the live projection has applied it.
func mbRevise(b *testing.B, e *env, pr *projector.Projector, g *mbGen, sc [2]uuid.UUID) time.Duration {
	ctx := context.Background()
	stream := eventstore.StreamOf(supplier.StreamType, sc[0])
	recs, err := e.Store.ReadStream(ctx, stream)
	if err != nil {
		b.Fatal(err)
	}
	s := &supplier.Supplier{}
	for _, r := range recs {
		s.Apply(r.Event)
	}
	s.Loaded(recs[len(recs)-1].Version)
	spec, _ := s.Capability(sc[1])
	if err := s.ReviseCapability(sc[1], g.capability(spec.IndustryGroup)); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	res, err := e.Store.Append(ctx, stream, eventstore.ExpectedVersion(s.Version()), s.Changes()...)
	if err != nil {
		b.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := pr.WaitFor(wctx, []string{"matches"}, res.Position); err != nil {
		b.Fatalf("%v (failing: %v)", err, pr.Failing())
	}
	return time.Since(t0)
}

func mbReportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}

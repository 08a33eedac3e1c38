package matches_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/matching"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/projections/matches"
)

// matchTables are the matches projection's tables, for dumps.
var matchTables = []string{"match_suppliers", "match_capabilities", "match_buyers", "match_demands", "matches"}

func mtCert(std string, until time.Time) supplier.CertificationInput {
	return supplier.CertificationInput{Standard: std, ValidUntil: until.Format(time.DateOnly)}
}

// mtCapability is a machining capability of group g holding certs.
func mtCapability(title string, g domain.IndustryGroup, certs ...supplier.CertificationInput) supplier.Capability {
	c := capability(title, g)
	c.Description = "CNC milling and turning of aluminium brackets and housings."
	c.Processes = []string{"cnc milling", "cnc turning"}
	c.Certifications = certs
	return c
}

// mtDemand is a machining demand of group g requiring certs.
func mtDemand(title string, g domain.IndustryGroup, certs ...string) buyer.Demand {
	return buyer.Demand{Title: title, Description: "Milled aluminium brackets for printer frames.",
		IndustryGroup: g, Processes: []string{"cnc milling"}, RequiredCertifications: certs,
		Volume: domain.Rate{Quantity: 800, Unit: domain.Pieces, Per: "month"}}
}

func mtBuyer(n int) buyer.Registration {
	return buyer.Registration{Name: fmt.Sprintf("Buyer %d Vietnam Co., Ltd.", n), Country: "JP", District: "Đông Anh",
		Contact: domain.Contact{Name: "Sato Kenji", Email: fmt.Sprintf("buyer%d@example.jp", n)}}
}

// mtLive runs p in a projector of its own; stop ends it (and is called at
// the end of the test if not before), wait waits for the last event appended.
func mtLive(t testing.TB, e *env, p eventstore.Projection) (wait, stop func()) {
	t.Helper()
	pr, err := projector.New(e.Store, projector.Config{PollInterval: 5 * time.Millisecond}, p)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pr.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("projector: %v", err)
		}
	}
	t.Cleanup(stop)
	wait = func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := pr.WaitFor(ctx, pr.Names(), e.Last); err != nil {
			t.Fatalf("wait for position %d: %v (failing: %v)", e.Last, err, pr.Failing())
		}
	}
	return wait, stop
}

func demandMatches(t *testing.T, e *env, did uuid.UUID, limit int, today time.Time) matches.DemandMatchList {
	t.Helper()
	got, err := matches.DemandMatches(context.Background(), e.Pool, did, limit, today)
	if err != nil {
		t.Fatalf("DemandMatches(%s): %v", did, err)
	}
	return got
}

func supplierMatches(t *testing.T, e *env, sid uuid.UUID, limit int, today time.Time) matches.SupplierMatchList {
	t.Helper()
	got, err := matches.SupplierMatches(context.Background(), e.Pool, sid, limit, today)
	if err != nil {
		t.Fatalf("SupplierMatches(%s): %v", sid, err)
	}
	return got
}

func supplierIDs(ms []matches.DemandMatch) []uuid.UUID {
	out := make([]uuid.UUID, len(ms))
	for i, m := range ms {
		out[i] = m.SupplierID
	}
	return out
}

func noteCodes(ns []matching.Note) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Code
	}
	return out
}

func TestMatchesHardFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wait := e.Live(&matches.Matches{})
	now := time.Now().UTC()
	valid, expired := mtCert("ISO 9001:2015", now.AddDate(1, 0, 0)), mtCert("ISO 9001", now.AddDate(0, 0, -2))
	kilos := mtCapability("CNC machining", domain.Mechanical, valid)
	kilos.Capacity.Unit = domain.Kilograms

	bid, did := newID(t), newID(t)
	e.RegisterBuyer(bid, mtBuyer(1))
	e.Buyer(bid, func(b *buyer.Buyer) error {
		return b.PostDemand(did, mtDemand("CNC machined aluminium brackets", domain.Mechanical, "ISO 9001"))
	})
	cases := []struct {
		name  string
		c     supplier.Capability
		shown bool
	}{
		{"certified", mtCapability("CNC machining", domain.Mechanical, valid), true},
		{"adjacent group", mtCapability("CNC machined enclosures", domain.ElectricalElectronics, valid), true},
		{"no certificate", mtCapability("CNC machining", domain.Mechanical), false},
		{"expired certificate", mtCapability("CNC machining", domain.Mechanical, expired), false},
		{"another standard", mtCapability("CNC machining", domain.Mechanical, mtCert("ISO 14001", now.AddDate(1, 0, 0))), false},
		{"incompatible group", mtCapability("CNC machining", domain.AgriFood, valid), false},
		{"units not comparable", kilos, false},
	}
	sids, cids := map[string]uuid.UUID{}, map[string]uuid.UUID{}
	var want []uuid.UUID
	for i, c := range cases {
		sids[c.name], cids[c.name] = newID(t), newID(t)
		e.RegisterSupplier(sids[c.name], registration(i, "Công ty "+c.name, "Sóc Sơn"))
		e.Supplier(sids[c.name], func(s *supplier.Supplier) error { return s.DeclareCapability(cids[c.name], c.c) })
		if c.shown {
			want = append(want, sids[c.name])
		}
	}
	wait()

	got := demandMatches(t, e, did, 20, now)
	if got.BuyerID != bid || got.Closed {
		t.Errorf("buyer %s closed %v, want %s open", got.BuyerID, got.Closed, bid)
	}
	if ids := supplierIDs(got.Matches); !sameIDs(ids, want) {
		t.Fatalf("suppliers %v, want %v", ids, want)
	}
	for _, m := range got.Matches {
		if m.Score < 0 || m.Score > 100 || !slices.Contains(noteCodes(m.Reasons), "certifications_held") {
			t.Errorf("%s: score %d, reasons %v", m.SupplierName, m.Score, noteCodes(m.Reasons))
		}
		adjacent := slices.Contains(noteCodes(m.Gaps), "adjacent_industry_group")
		if adjacent != (m.SupplierID == sids["adjacent group"]) {
			t.Errorf("%s: gaps %v", m.SupplierName, noteCodes(m.Gaps))
		}
	}
	if got := supplierMatches(t, e, sids["no certificate"], 20, now); len(got.Matches) != 0 {
		t.Errorf("a supplier without the certificate sees %d demands", len(got.Matches))
	}

	// A withdrawn capability leaves the list.
	e.Supplier(sids["certified"], func(s *supplier.Supplier) error { return s.WithdrawCapability(cids["certified"]) })
	wait()
	if ids := supplierIDs(demandMatches(t, e, did, 20, now).Matches); !sameIDs(ids, []uuid.UUID{sids["adjacent group"]}) {
		t.Errorf("after the withdrawal: %v", ids)
	}
	if sm := supplierMatches(t, e, sids["adjacent group"], 20, now); len(sm.Matches) != 1 ||
		sm.Matches[0].DemandID != did || sm.Matches[0].BuyerID != bid || sm.Matches[0].BuyerName != mtBuyer(1).Name {
		t.Errorf("supplier list %+v", sm)
	}

	// A closed demand has an empty list, on both sides.
	e.Buyer(bid, func(b *buyer.Buyer) error { return b.CloseDemand(did, "cancelled") })
	wait()
	closed := demandMatches(t, e, did, 20, now)
	if !closed.Closed || len(closed.Matches) != 0 || closed.BuyerID != bid {
		t.Errorf("closed demand: %+v", closed)
	}
	if b, _ := json.Marshal(closed); !strings.Contains(string(b), `"matches":[]`) || strings.Contains(string(b), "buyer") {
		t.Errorf("closed demand encodes as %s", b)
	}
	if sm := supplierMatches(t, e, sids["adjacent group"], 20, now); len(sm.Matches) != 0 {
		t.Errorf("a closed demand still matches: %+v", sm)
	}

	if _, err := matches.DemandMatches(context.Background(), e.Pool, newID(t), 20, now); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown demand: %v, want ErrNotFound", err)
	}
	if _, err := matches.SupplierMatches(context.Background(), e.Pool, newID(t), 20, now); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown supplier: %v, want ErrNotFound", err)
	}
}

func sameIDs(a, b []uuid.UUID) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	cmp := func(x, y uuid.UUID) int { return bytes.Compare(x[:], y[:]) }
	slices.SortFunc(a, cmp)
	slices.SortFunc(b, cmp)
	return slices.Equal(a, b)
}

// TestMatchesOrderAndTies checks a list against matching.Score and
// BestPerSupplier run on the same inputs: equal scores in supplier id
// order, one row per supplier with its best capability, limits.
func TestMatchesOrderAndTies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wait := e.Live(&matches.Matches{})
	now := time.Now().UTC()
	cert := mtCert("ISO 9001", now.AddDate(1, 0, 0))
	bid, did := newID(t), newID(t)
	e.RegisterBuyer(bid, mtBuyer(1))
	e.Buyer(bid, func(b *buyer.Buyer) error {
		return b.PostDemand(did, mtDemand("CNC machined aluminium brackets", domain.Mechanical, "ISO 9001"))
	})
	same := mtCapability("CNC machined aluminium brackets", domain.Mechanical, cert)
	weaker := mtCapability("Sheet metal stamping", domain.Mechanical, cert)
	weaker.Description, weaker.Processes = "Stamped steel parts.", []string{"stamping"}
	for i := range 12 {
		sid := newID(t)
		e.RegisterSupplier(sid, registration(i, fmt.Sprintf("Công ty %d", i), "Mê Linh"))
		e.Supplier(sid, func(s *supplier.Supplier) error {
			if err := s.DeclareCapability(newID(t), weaker); err != nil {
				return err
			}
			// Every third supplier has two equal best capabilities.
			for range 1 + i%3/2 {
				if err := s.DeclareCapability(newID(t), same); err != nil {
					return err
				}
			}
			return nil
		})
	}
	wait()
	want := mtReference(t, e, now)
	got := demandMatches(t, e, did, 100, now)
	mtCompareDemand(t, got, want.demands[did])
	if len(got.Matches) != 12 {
		t.Fatalf("%d matches, want one per supplier", len(got.Matches))
	}
	for i := 1; i < len(got.Matches); i++ {
		a, b := got.Matches[i-1], got.Matches[i]
		if a.Score == b.Score && bytes.Compare(a.SupplierID[:], b.SupplierID[:]) > 0 {
			t.Errorf("tie not in supplier id order at %d", i)
		}
	}
	if n := len(demandMatches(t, e, did, 5, now).Matches); n != 5 {
		t.Errorf("limit 5 gave %d", n)
	}
	if n := len(demandMatches(t, e, did, 0, now).Matches); n != 12 {
		t.Errorf("default limit gave %d", n)
	}
}

// TestMatchesRevisionTouchesOnlyItsPairs checks, by the rows' xmin, that
// a revision rewrites only the rows of the pairs it affects.
func TestMatchesRevisionTouchesOnlyItsPairs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wait := e.Live(&matches.Matches{})
	now := time.Now().UTC()
	iso, haccp := mtCert("ISO 9001", now.AddDate(1, 0, 0)), mtCert("HACCP", now.AddDate(1, 0, 0))
	bid, machining, food := newID(t), newID(t), newID(t)
	e.RegisterBuyer(bid, mtBuyer(1))
	e.Buyer(bid, func(b *buyer.Buyer) error {
		if err := b.PostDemand(machining, mtDemand("CNC machined brackets", domain.Mechanical, "ISO 9001")); err != nil {
			return err
		}
		return b.PostDemand(food, buyer.Demand{Title: "Frozen vegetables", IndustryGroup: domain.AgriFood,
			RequiredCertifications: []string{"HACCP"}, Volume: domain.Rate{Quantity: 20, Unit: domain.Tonnes, Per: "month"}})
	})
	var mech, agri []uuid.UUID
	capOf := map[uuid.UUID]uuid.UUID{}
	for i := range 10 {
		sid, cid := newID(t), newID(t)
		c := mtCapability("CNC machining", domain.Mechanical, iso)
		if i%2 == 1 {
			c = capability("IQF frozen vegetables", domain.AgriFood)
			c.Capacity.Unit, c.Certifications = domain.Tonnes, []supplier.CertificationInput{haccp}
		}
		e.RegisterSupplier(sid, registration(i, fmt.Sprintf("Công ty %d", i), "Gia Lâm"))
		e.Supplier(sid, func(s *supplier.Supplier) error { return s.DeclareCapability(cid, c) })
		capOf[sid] = cid
		if i%2 == 1 {
			agri = append(agri, sid)
		} else {
			mech = append(mech, sid)
		}
	}
	wait()
	changed := func(step func()) map[string]bool {
		before := mtRowVersions(t, e)
		step()
		wait()
		after, out := mtRowVersions(t, e), map[string]bool{}
		for k, v := range after {
			if before[k] != v {
				out[k] = true
			}
		}
		for k := range before {
			if _, ok := after[k]; !ok {
				out[k] = true
			}
		}
		return out
	}
	pair := func(d, s uuid.UUID) string { return d.String() + "/" + s.String() }

	got := changed(func() {
		c := mtCapability("CNC machining and anodising", domain.Mechanical, iso)
		e.Supplier(mech[0], func(s *supplier.Supplier) error { return s.ReviseCapability(capOf[mech[0]], c) })
	})
	if !reflect.DeepEqual(got, map[string]bool{pair(machining, mech[0]): true}) {
		t.Errorf("a capability revision rewrote %v", got)
	}
	got = changed(func() {
		e.Supplier(agri[0], func(s *supplier.Supplier) error {
			return s.RecogniseKeyProduct(supplier.KeyProduct{Product: "Rau IQF", RecognizedYear: 2025, DecisionNo: "123/QĐ-UBND"})
		})
	})
	if !reflect.DeepEqual(got, map[string]bool{pair(food, agri[0]): true}) {
		t.Errorf("a key-product recognition rewrote %v", got)
	}
	got = changed(func() {
		d := mtDemand("CNC machined brackets, anodised", domain.Mechanical, "ISO 9001")
		e.Buyer(bid, func(b *buyer.Buyer) error { return b.ReviseDemand(machining, d) })
	})
	want := map[string]bool{}
	for _, s := range mech {
		want[pair(machining, s)] = true
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("a demand revision rewrote %v, want the demand's rows %v", got, want)
	}
}

// mtRowVersions maps each row of matches to its xmin, which changes when
// the row is written.
func mtRowVersions(t *testing.T, e *env) map[string]string {
	t.Helper()
	rows, err := e.Pool.Query(context.Background(), `SELECT demand_id::text || '/' || supplier_id::text, xmin::text FROM matches`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var k, v string
	for rows.Next() {
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMatchesExpireOnTheirDay checks that a pair whose certificate lapses
// leaves the lists on the day after, with no event, and that a demand with
// a needed_by day is judged on that day only.
func TestMatchesExpireOnTheirDay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wait := e.Live(&matches.Matches{})
	now := time.Now().UTC()
	lapses := now.AddDate(0, 0, 10)
	bid, asap, later, sid := newID(t), newID(t), newID(t), newID(t)
	e.RegisterBuyer(bid, mtBuyer(1))
	withDay := mtDemand("CNC machined brackets", domain.Mechanical, "ISO 9001")
	withDay.NeededBy = now.AddDate(0, 0, 5).Format(time.DateOnly)
	e.Buyer(bid, func(b *buyer.Buyer) error {
		if err := b.PostDemand(asap, mtDemand("CNC machined brackets", domain.Mechanical, "ISO 9001")); err != nil {
			return err
		}
		return b.PostDemand(later, withDay)
	})
	e.RegisterSupplier(sid, registration(1, "Công ty Cơ khí", "Đông Anh"))
	e.Supplier(sid, func(s *supplier.Supplier) error {
		return s.DeclareCapability(newID(t), mtCapability("CNC machining", domain.Mechanical,
			mtCert("ISO 9001", now.AddDate(0, 0, 3)), mtCert("ISO 9001:2015", lapses)))
	})
	wait()

	var stored []string
	rows, err := e.Pool.Query(context.Background(), `SELECT coalesce(expires_on::text, 'never') FROM matches ORDER BY demand_id = $1 DESC`, asap)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, s)
	}
	if want := []string{lapses.Format(time.DateOnly), "never"}; !slices.Equal(stored, want) {
		t.Errorf("expires_on %v, want %v (the later certificate's day; none with needed_by)", stored, want)
	}
	// The notes are those of the day the pair was scored, whatever day they
	// are read on: the certificate is "valid on" the scoring day.
	first := demandMatches(t, e, asap, 20, now).Matches
	if len(first) != 1 || !strings.Contains(fmt.Sprint(first[0].Reasons), "valid on "+now.Format(time.DateOnly)) {
		t.Fatalf("read on the scoring day: %+v", first)
	}
	if again := demandMatches(t, e, asap, 20, lapses).Matches; len(again) != 1 || !reflect.DeepEqual(again[0], first[0]) {
		t.Errorf("read %d days later: %+v, want the same as on the day: %+v", 10, again, first)
	}
	for _, tt := range []struct {
		day         time.Time
		asap, later int
	}{{now, 1, 1}, {lapses, 1, 1}, {lapses.AddDate(0, 0, 1), 0, 1}} {
		if n := len(demandMatches(t, e, asap, 20, tt.day).Matches); n != tt.asap {
			t.Errorf("on %s the demand without a day has %d matches, want %d", tt.day.Format(time.DateOnly), n, tt.asap)
		}
		if n := len(demandMatches(t, e, later, 20, tt.day).Matches); n != tt.later {
			t.Errorf("on %s the demand needed on a day has %d matches, want %d", tt.day.Format(time.DateOnly), n, tt.later)
		}
		if n := len(supplierMatches(t, e, sid, 20, tt.day).Matches); n != tt.asap+tt.later {
			t.Errorf("on %s the supplier has %d matches, want %d", tt.day.Format(time.DateOnly), n, tt.asap+tt.later)
		}
	}
}

// mtFlaky fails the batch of the first capability revision after the
// projection applied it, as a failing write or commit would: the memory
// then holds a change the database rolled back.
type mtFlaky struct {
	*matches.Matches
	armed atomic.Bool
}

func (f *mtFlaky) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	if err := f.Matches.Apply(ctx, tx, r); err != nil {
		return err
	}
	if _, ok := r.Event.(supplier.CapabilityRevised); ok && f.armed.CompareAndSwap(true, false) {
		return errors.New("injected failure")
	}
	return nil
}

func TestMatchesReloadAfterRollback(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	flaky := &mtFlaky{Matches: &matches.Matches{}}
	flaky.armed.Store(true)
	pr, err := projector.New(e.Store, projector.Config{PollInterval: 5 * time.Millisecond,
		RetryInterval: 10 * time.Millisecond}, flaky)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pr.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	now := time.Now().UTC()
	cert := mtCert("ISO 9001", now.AddDate(1, 0, 0))
	bid, did, sid, cid := newID(t), newID(t), newID(t), newID(t)
	e.RegisterBuyer(bid, mtBuyer(1))
	e.Buyer(bid, func(b *buyer.Buyer) error {
		return b.PostDemand(did, mtDemand("CNC brackets", domain.Mechanical, "ISO 9001"))
	})
	e.RegisterSupplier(sid, registration(1, "Công ty Cơ khí", "Đông Anh"))
	e.Supplier(sid, func(s *supplier.Supplier) error {
		return s.DeclareCapability(cid, mtCapability("CNC machining", domain.Mechanical, cert))
	})
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	if err := pr.WaitFor(wctx, []string{"matches"}, e.Last); err != nil {
		t.Fatal(err)
	}
	if got := demandMatches(t, e, did, 20, now); len(got.Matches) != 1 {
		t.Fatalf("before the revision: %v", supplierIDs(got.Matches))
	}
	// The revision, alone in its batch, fails once after being applied in
	// memory; the retry must start from the tables, not from that memory.
	e.Supplier(sid, func(s *supplier.Supplier) error {
		return s.ReviseCapability(cid, mtCapability("CNC machining", domain.Mechanical))
	})
	if err := pr.WaitFor(wctx, []string{"matches"}, e.Last); err != nil {
		t.Fatal(err)
	}
	if flaky.armed.Load() {
		t.Fatal("the failure was never injected")
	}
	if got := demandMatches(t, e, did, 20, now); len(got.Matches) != 0 {
		t.Errorf("the revision dropped the certificate, yet the list holds %v", supplierIDs(got.Matches))
	}
	live := dump(t, e.Pool, matchTables...)
	e.Rebuild(&matches.Matches{})
	if rebuilt := dump(t, e.Pool, matchTables...); rebuilt != live {
		t.Errorf("live and rebuilt matches differ\nlive:\n%s\nrebuilt:\n%s", live, rebuilt)
	}
}

// mtWorld issues random but valid commands and remembers what exists.
type mtWorld struct {
	t       *testing.T
	e       *env
	rng     *rand.Rand
	now     time.Time
	caps    map[uuid.UUID][]uuid.UUID // active capabilities by supplier
	demands map[uuid.UUID][]uuid.UUID // open demands by buyer
	sups    []uuid.UUID
	buyers  []uuid.UUID
	n       int
}

var (
	mtGroups    = []domain.IndustryGroup{domain.Mechanical, domain.ElectricalElectronics, domain.ChemRubberPlasticPharma, domain.AgriFood}
	mtWords     = []string{"CNC", "phay", "tiện", "aluminium", "brackets", "housings", "ép nhựa", "moulded", "wire harness", "frozen", "rau", "stamping", "steel", "PCB"}
	mtProcesses = []string{"cnc milling", "cnc turning", "stamping", "injection molding", "welding", "smt assembly", "iqf freezing"}
	mtStandards = []string{"ISO 9001", "ISO 9001:2015", "IATF 16949", "HACCP", "ISO 14001"}
	mtDistricts = []string{"Đông Anh", "Sóc Sơn", "Mê Linh", "Thạch Thất", "Gia Lâm"}
)

func (w *mtWorld) pick(xs []string, n int) []string {
	var out []string
	for range n {
		out = append(out, xs[w.rng.IntN(len(xs))])
	}
	return out
}

func (w *mtWorld) capability() supplier.Capability {
	c := capability(strings.Join(w.pick(mtWords, 2), " "), mtGroups[w.rng.IntN(len(mtGroups))])
	c.Description = strings.Join(w.pick(mtWords, w.rng.IntN(5)), " ")
	c.Processes = w.pick(mtProcesses, w.rng.IntN(3))
	c.Capacity.Quantity = float64(100 * (1 + w.rng.IntN(20)))
	if w.rng.IntN(8) == 0 {
		c.Capacity.Unit = domain.Kilograms
	}
	c.LeadTimeDays = 5 + w.rng.IntN(40)
	for range w.rng.IntN(3) {
		until := w.now.AddDate(0, 0, 30+w.rng.IntN(700))
		if w.rng.IntN(6) == 0 {
			until = w.now.AddDate(0, 0, -30)
		}
		c.Certifications = append(c.Certifications, mtCert(w.pick(mtStandards, 1)[0], until))
	}
	if w.rng.IntN(3) == 0 {
		c.ExportMarkets = w.pick([]string{"JP", "KR", "US"}, 1)
	}
	return c
}

func (w *mtWorld) demand() buyer.Demand {
	d := mtDemand(strings.Join(w.pick(mtWords, 3), " "), mtGroups[w.rng.IntN(len(mtGroups))], w.pick(mtStandards, w.rng.IntN(2))...)
	d.Processes = w.pick(mtProcesses, w.rng.IntN(3))
	d.Volume.Quantity = float64(100 * (1 + w.rng.IntN(30)))
	if w.rng.IntN(3) == 0 {
		d.NeededBy = w.now.AddDate(0, 0, 10+w.rng.IntN(300)).Format(time.DateOnly)
	}
	if w.rng.IntN(2) == 0 {
		d.MaxLeadTimeDays = ptr(10 + w.rng.IntN(30))
	}
	return d
}

func (w *mtWorld) addSupplier() uuid.UUID {
	w.n++
	sid := newID(w.t)
	w.e.RegisterSupplier(sid, registration(w.n, fmt.Sprintf("Công ty %d", w.n), w.pick(mtDistricts, 1)[0]))
	w.sups = append(w.sups, sid)
	return sid
}

func (w *mtWorld) declare(sid uuid.UUID, c supplier.Capability) {
	cid := newID(w.t)
	w.e.Supplier(sid, func(s *supplier.Supplier) error { return s.DeclareCapability(cid, c) })
	w.caps[sid] = append(w.caps[sid], cid)
}

// step runs one random command.
func (w *mtWorld) step() {
	sid := w.sups[w.rng.IntN(len(w.sups))]
	caps := w.caps[sid]
	switch k := w.rng.IntN(100); {
	case k < 25:
		w.declare(sid, w.capability())
	case k < 50 && len(caps) > 0:
		cid, c := caps[w.rng.IntN(len(caps))], w.capability()
		w.e.Supplier(sid, func(s *supplier.Supplier) error { return s.ReviseCapability(cid, c) })
	case k < 58 && len(caps) > 0:
		cid := caps[w.rng.IntN(len(caps))]
		w.e.Supplier(sid, func(s *supplier.Supplier) error { return s.WithdrawCapability(cid) })
		w.caps[sid] = slices.DeleteFunc(caps, func(x uuid.UUID) bool { return x == cid })
	case k < 64:
		w.n++
		kp := supplier.KeyProduct{Product: fmt.Sprintf("Product %d", w.n), RecognizedYear: 2024, DecisionNo: "1/QĐ"}
		w.e.Supplier(sid, func(s *supplier.Supplier) error { return s.RecogniseKeyProduct(kp) })
	case k < 68:
		r := registration(w.n, fmt.Sprintf("Công ty %d mới", w.n), w.pick(mtDistricts, 1)[0])
		w.e.Supplier(sid, func(s *supplier.Supplier) error {
			r.TaxCode = s.TaxCode()
			return s.ReviseProfile(r)
		})
	case k < 70:
		w.declare(w.addSupplier(), w.capability())
	default:
		w.buyerStep()
	}
}

func (w *mtWorld) buyerStep() {
	bid := w.buyers[w.rng.IntN(len(w.buyers))]
	open := w.demands[bid]
	switch k := w.rng.IntN(10); {
	case k < 4 || len(open) == 0:
		did, d := newID(w.t), w.demand()
		w.e.Buyer(bid, func(b *buyer.Buyer) error { return b.PostDemand(did, d) })
		w.demands[bid] = append(open, did)
	case k < 8:
		did, d := open[w.rng.IntN(len(open))], w.demand()
		w.e.Buyer(bid, func(b *buyer.Buyer) error { return b.ReviseDemand(did, d) })
	default:
		did := open[w.rng.IntN(len(open))]
		w.e.Buyer(bid, func(b *buyer.Buyer) error { return b.CloseDemand(did, "fulfilled") })
		w.demands[bid] = slices.DeleteFunc(open, func(x uuid.UUID) bool { return x == did })
	}
}

// TestMatchesLiveEqualsRebuild runs random commands through a live
// projection, restarting it (so it loads its tables) and rebuilding under
// it halfway, then checks every list against matching.Score on the final
// inputs and the tables against a rebuild from the first event.
func TestMatchesLiveEqualsRebuild(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	w := &mtWorld{t: t, e: e, rng: rand.New(rand.NewPCG(seed, 11)), now: time.Now().UTC(),
		caps: map[uuid.UUID][]uuid.UUID{}, demands: map[uuid.UUID][]uuid.UUID{}}
	wait, stop := mtLive(t, e, &matches.Matches{})
	// Enough similar suppliers that machining lists overflow their reserve
	// and must be cut and topped up.
	base := mtCapability("CNC machined brackets", domain.Mechanical, mtCert("ISO 9001", w.now.AddDate(2, 0, 0)))
	for range 170 {
		w.declare(w.addSupplier(), base)
	}
	// Two demands that random commands leave alone: their lists overflow.
	fixed := newID(t)
	e.RegisterBuyer(fixed, mtBuyer(99))
	e.Buyer(fixed, func(b *buyer.Buyer) error {
		if err := b.PostDemand(newID(t), mtDemand("CNC machined brackets", domain.Mechanical, "ISO 9001")); err != nil {
			return err
		}
		return b.PostDemand(newID(t), mtDemand("Stamped housings", domain.ElectricalElectronics))
	})
	for i := range 6 {
		bid := newID(t)
		e.RegisterBuyer(bid, mtBuyer(i))
		w.buyers = append(w.buyers, bid)
	}
	for range 150 {
		w.step()
	}
	wait()
	stop()

	wait, _ = mtLive(t, e, &matches.Matches{})
	for range 100 {
		w.step()
	}
	wait()
	e.Rebuild(&matches.Matches{})
	for range 150 {
		w.step()
	}
	wait()

	live := dump(t, e.Pool, matchTables...)
	ref := mtReference(t, e, w.now)
	if ref.oneDay {
		for did, want := range ref.demands {
			mtCompareDemand(t, demandMatches(t, e, did, matches.MaxMatchLimit, w.now), want)
		}
		for _, sid := range w.sups {
			mtCompareSupplier(t, supplierMatches(t, e, sid, matches.MaxMatchLimit, w.now), ref.supplierList(sid))
		}
	} else {
		t.Log("events span two days: lists not compared with Score (rows were scored on different days)")
	}
	var full, cut int
	if err := e.Pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE list_complete), count(*) FILTER (WHERE NOT list_complete)
FROM match_demands WHERE NOT closed`).Scan(&full, &cut); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d open demands, %d of them with a list cut to the best", full+cut, cut)
	if cut == 0 {
		t.Error("no list was long enough to be cut: the test does not exercise the reserve")
	}

	e.Rebuild(&matches.Matches{})
	if rebuilt := dump(t, e.Pool, matchTables...); rebuilt != live {
		t.Errorf("live and rebuilt matches differ (seed %d)\nlive:\n%.3000s\nrebuilt:\n%.3000s", seed, live, rebuilt)
	}
}

// mtRef is what matching.Score says the lists are, computed from the
// events alone.
type mtRef struct {
	demands map[uuid.UUID][]matching.Match // open demands, best per supplier, cut to MaxMatchLimit
	names   map[uuid.UUID]string           // suppliers' and buyers' names
	oneDay  bool                           // every event recorded on the day the lists are judged
}

// mtReference replays the store's events into matching inputs and ranks
// every capability for every open demand on day today.
func mtReference(t *testing.T, e *env, today time.Time) mtRef {
	t.Helper()
	type cap struct {
		sid  uuid.UUID
		spec supplier.CapabilitySpec
	}
	type dem struct {
		bid  uuid.UUID
		spec buyer.DemandSpec
	}
	var (
		sups    = map[uuid.UUID]supplier.Registration{}
		kps     = map[uuid.UUID]int{}
		caps    = map[uuid.UUID]cap{}
		buyers  = map[uuid.UUID]buyer.Registration{}
		demands = map[uuid.UUID]dem{}
		days    = map[string]bool{}
	)
	for at := (eventstore.Position{}); ; {
		recs, err := e.Store.ReadAll(context.Background(), at, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			break
		}
		for _, r := range recs {
			days[r.RecordedAt.UTC().Format(time.DateOnly)] = true
			switch ev := r.Event.(type) {
			case supplier.Registered:
				sups[ev.SupplierID] = ev.Registration
			case supplier.ProfileRevised:
				sups[ev.SupplierID] = ev.Registration
			case supplier.KeyProductRecognised:
				kps[ev.SupplierID]++
			case supplier.CapabilityDeclared:
				caps[ev.CapabilityID] = cap{ev.SupplierID, ev.CapabilitySpec}
			case supplier.CapabilityRevised:
				caps[ev.CapabilityID] = cap{ev.SupplierID, ev.CapabilitySpec}
			case supplier.CapabilityWithdrawn:
				delete(caps, ev.CapabilityID)
			case buyer.Registered:
				buyers[ev.BuyerID] = ev.Registration
			case buyer.DemandPosted:
				demands[ev.DemandID] = dem{ev.BuyerID, ev.DemandSpec}
			case buyer.DemandRevised:
				demands[ev.DemandID] = dem{ev.BuyerID, ev.DemandSpec}
			case buyer.DemandClosed:
				delete(demands, ev.DemandID)
			}
		}
		at = recs[len(recs)-1].Position
	}
	ref := mtRef{demands: map[uuid.UUID][]matching.Match{}, names: map[uuid.UUID]string{},
		oneDay: len(days) == 1 && days[today.Format(time.DateOnly)]}
	var mcaps []matching.Capability
	for cid, c := range caps {
		p := sups[c.sid]
		certs := make([]matching.Certification, len(c.spec.Certifications))
		for i, x := range c.spec.Certifications {
			certs[i] = matching.Certification{Standard: x.Standard, ValidUntil: x.ValidUntil}
		}
		mc := matching.Capability{SupplierID: c.sid, CapabilityID: cid, SupplierName: p.Name, District: p.District,
			IndustrialZone: p.IndustrialZone, KeyProducts: kps[c.sid], Title: c.spec.Title, Description: c.spec.Description,
			IndustryGroup: c.spec.IndustryGroup, VSIC: c.spec.VSIC, HSCodes: c.spec.HSCodes, Processes: c.spec.Processes,
			Materials: c.spec.Materials, Certifications: certs, Capacity: c.spec.Capacity, LeadTimeDays: c.spec.LeadTimeDays,
			ExportMarkets: c.spec.ExportMarkets}
		if c.spec.MOQ != nil {
			mc.MOQ = *c.spec.MOQ
		}
		mcaps = append(mcaps, mc)
	}
	for id, s := range sups {
		ref.names[id] = s.Name
	}
	for id, b := range buyers {
		ref.names[id] = b.Name
	}
	day := domain.Date{Time: today}
	for did, d := range demands {
		b := buyers[d.bid]
		md := matching.Demand{DemandID: did, BuyerID: d.bid, BuyerName: b.Name, BuyerCountry: b.Country,
			BuyerDistrict: b.District, Title: d.spec.Title, Description: d.spec.Description,
			IndustryGroup: d.spec.IndustryGroup, VSIC: d.spec.VSIC, HSCodes: d.spec.HSCodes, Processes: d.spec.Processes,
			Materials: d.spec.Materials, RequiredCertifications: d.spec.RequiredCertifications, Volume: d.spec.Volume,
			NeededBy: d.spec.NeededBy}
		if d.spec.MaxLeadTimeDays != nil {
			md.MaxLeadTimeDays = *d.spec.MaxLeadTimeDays
		}
		var ms []matching.Match
		for _, c := range mcaps {
			if m, ok := matching.Score(md, c, day); ok {
				ms = append(ms, m)
			}
		}
		ms = matching.BestPerSupplier(ms)
		ref.demands[did] = ms[:min(len(ms), matches.MaxMatchLimit)]
	}
	return ref
}

// supplierList is the supplier's reference list: its rows in the demands'
// lists, best first, then by capability and demand id.
func (r mtRef) supplierList(sid uuid.UUID) []matching.Match {
	var out []matching.Match
	for _, ms := range r.demands {
		for _, m := range ms {
			if m.SupplierID == sid {
				out = append(out, m)
			}
		}
	}
	matching.Sort(out)
	return out[:min(len(out), matches.MaxMatchLimit)]
}

func mtCompareDemand(t *testing.T, got matches.DemandMatchList, want []matching.Match) {
	t.Helper()
	if len(got.Matches) != len(want) {
		t.Errorf("demand %s: %d matches, want %d", got.DemandID, len(got.Matches), len(want))
		return
	}
	for i, g := range got.Matches {
		w := want[i]
		if g.SupplierID != w.SupplierID || g.CapabilityID != w.CapabilityID || g.Score != w.Score ||
			!reflect.DeepEqual(g.Reasons, w.Reasons) || !reflect.DeepEqual(g.Gaps, w.Gaps) {
			t.Errorf("demand %s #%d: got %s/%s %d %v %v, want %s/%s %d %v %v", got.DemandID, i,
				g.SupplierID, g.CapabilityID, g.Score, g.Reasons, g.Gaps, w.SupplierID, w.CapabilityID, w.Score, w.Reasons, w.Gaps)
			return
		}
	}
}

func mtCompareSupplier(t *testing.T, got matches.SupplierMatchList, want []matching.Match) {
	t.Helper()
	if len(got.Matches) != len(want) {
		t.Errorf("supplier %s: %d matches, want %d", got.SupplierID, len(got.Matches), len(want))
		return
	}
	for i, g := range got.Matches {
		w := want[i]
		if g.DemandID != w.DemandID || g.BuyerID != w.BuyerID || g.CapabilityID != w.CapabilityID || g.Score != w.Score {
			t.Errorf("supplier %s #%d: got %s/%s %d, want %s/%s %d", got.SupplierID, i,
				g.DemandID, g.CapabilityID, g.Score, w.DemandID, w.CapabilityID, w.Score)
			return
		}
	}
}

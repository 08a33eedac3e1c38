// Package matches is the match lists read model: for every open demand the
// suppliers that fit it, best first, with the queries that explain them and
// the scheduling candidates drawn from them.
package matches

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
)

// Matches keeps the match lists: for every open demand, the suppliers whose
// capabilities pass the hard filters, best first, each with its best
// capability, score and notes (matching.BestPerSupplier), in the matches
// table; the matching inputs it needs in match_* tables of its own. A
// change updates only the pairs it affects, found through an index by
// industry group: a capability against the open demands its group can
// serve, a demand against the capabilities that can serve it, a supplier's
// new facts against the demands of its capabilities' groups.
//
// A demand's stored list is an exact prefix of its full ranking: at least
// the first MaxMatchLimit suppliers (or all of them), at most a fifth more
// kept in reserve. Storing every passing pair would mean millions of rows
// for a city's suppliers and demands.
//
// "Today", for certificates when a demand names no needed_by day, is the
// day (UTC) the event was recorded, never the clock, so a rebuild gives the
// very rows the live projection wrote; each row keeps the last day it holds
// (expires_on) and reads skip it after that day.
//
// To score thousands of pairs per event without reading them back, a value
// keeps its tables in memory, prepared for scoring (about 90 MB for 40,000
// capabilities and 2,000 demands; loading them takes about a second). Before
// using that memory in a transaction it has not seen (each live event, each
// rebuild) it bumps a counter in the database, and reloads its tables if the
// counter did not come from its own last bump: its memory then holds writes
// that were rolled back, or another process moved the tables. Apply and
// Reset are serialised by a mutex; the eventstore never calls them
// concurrently anyway. The zero value is ready to use.
type Matches struct {
	mu    sync.Mutex
	model *matchModel // nil: to be loaded
	tx    pgx.Tx      // the transaction model was last checked in
}

var _ eventstore.Projection = (*Matches)(nil)

// Name is the projection's checkpoint name.
func (*Matches) Name() string { return "matches" }

// Reset empties the match lists and their inputs, deleting rather than
// truncating so that readers keep the old lists until the rebuild commits.
// Sequential scans are turned off for the rest of the rebuild's transaction
// for the reason given at reset.Tables: every statement of this
// projection finds its rows by key.
func (m *Matches) Reset(ctx context.Context, tx pgx.Tx) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.model, m.tx = nil, nil
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		return err
	}
	for _, t := range []string{"matches", "match_demands", "match_buyers", "match_capabilities", "match_suppliers"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+t); err != nil {
			return fmt.Errorf("matches: reset %s: %w", t, err)
		}
	}
	gen, err := bumpMatchGeneration(ctx, tx)
	if err != nil {
		return err
	}
	m.model, m.tx = newMatchModel(), tx
	m.model.generation = gen
	return nil
}

// Apply projects one supplier or buyer event; other events are ignored. It
// writes only through tx, in a few statements per event: the input row and
// one statement for all the list rows the event changed.
func (m *Matches) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	switch r.Event.(type) {
	case supplier.Registered, supplier.ProfileRevised, supplier.KeyProductRecognised,
		supplier.CapabilityDeclared, supplier.CapabilityRevised, supplier.CapabilityWithdrawn,
		buyer.Registered, buyer.DemandPosted, buyer.DemandRevised, buyer.DemandClosed:
	default:
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	model, err := m.checked(ctx, tx)
	if err == nil {
		err = m.apply(ctx, tx, newMatchDelta(model, matchDay(r.RecordedAt)), r.Event)
	}
	if err != nil {
		m.model, m.tx = nil, nil // half applied: load again next time
		return fmt.Errorf("matches: %s: %w", r.Type, err)
	}
	return nil
}

// checked returns the in-memory model, made sure to match the tables as tx
// sees them. Within one transaction only this value writes them, so the
// check runs once per transaction object: it bumps the generation counter,
// which a rollback undoes, and reloads unless the counter moved exactly from
// the model's own.
func (m *Matches) checked(ctx context.Context, tx pgx.Tx) (*matchModel, error) {
	if m.model != nil && sameTx(m.tx, tx) {
		return m.model, nil
	}
	gen, err := bumpMatchGeneration(ctx, tx)
	if err != nil {
		return nil, err
	}
	if m.model == nil || m.model.generation+1 != gen {
		if m.model, err = loadMatchModel(ctx, tx); err != nil {
			return nil, err
		}
	}
	m.model.generation, m.tx = gen, tx
	return m.model, nil
}

// sameTx reports whether a and b are the same transaction object. Only
// pointers are trusted: the model holds a reference to the last one, so its
// address cannot be reused by another.
func sameTx(a, b pgx.Tx) bool {
	if a == nil || b == nil || reflect.TypeOf(a) != reflect.TypeOf(b) || reflect.TypeOf(a).Kind() != reflect.Pointer {
		return false
	}
	return a == b
}

func bumpMatchGeneration(ctx context.Context, tx pgx.Tx) (int64, error) {
	var gen int64
	err := tx.QueryRow(ctx, `UPDATE matches_generation SET generation = generation + 1 RETURNING generation`).Scan(&gen)
	if err != nil {
		return 0, fmt.Errorf("matches: generation: %w", err)
	}
	return gen, nil
}

// matchDay is the calendar day, in UTC, of t: the "today" of an event or a
// read.
func matchDay(t time.Time) domain.Date {
	y, mo, d := t.UTC().Date()
	return domain.Date{Time: time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)}
}

func (m *Matches) apply(ctx context.Context, tx pgx.Tx, x *matchDelta, ev domain.Event) error {
	var err error
	switch e := ev.(type) {
	case supplier.Registered:
		err = onMatchSupplier(ctx, tx, x, e.SupplierID, e.Registration)
	case supplier.ProfileRevised:
		err = onMatchSupplier(ctx, tx, x, e.SupplierID, e.Registration)
	case supplier.KeyProductRecognised:
		err = onMatchKeyProduct(ctx, tx, x, e.SupplierID)
	case supplier.CapabilityDeclared:
		err = onMatchCapability(ctx, tx, x, e.SupplierID, e.CapabilityID, e.CapabilitySpec)
	case supplier.CapabilityRevised:
		err = onMatchCapability(ctx, tx, x, e.SupplierID, e.CapabilityID, e.CapabilitySpec)
	case supplier.CapabilityWithdrawn:
		err = onMatchWithdrawn(ctx, tx, x, e.CapabilityID)
	case buyer.Registered:
		err = onMatchBuyer(ctx, tx, x, e.BuyerID, e.Registration)
	case buyer.DemandPosted:
		err = onMatchDemand(ctx, tx, x, e.BuyerID, e.DemandID, e.DemandSpec)
	case buyer.DemandRevised:
		err = onMatchDemand(ctx, tx, x, e.BuyerID, e.DemandID, e.DemandSpec)
	case buyer.DemandClosed:
		err = onMatchDemandClosed(ctx, tx, x, e.DemandID)
	}
	if err != nil {
		return err
	}
	return writeMatches(ctx, tx, x)
}

// onMatchSupplier records a registration or a revised profile and rescores
// the supplier's capabilities: the district and zone count for locality.
func onMatchSupplier(ctx context.Context, tx pgx.Tx, x *matchDelta, id uuid.UUID, p supplier.Registration) error {
	s := x.model.supplier(id)
	s.name, s.district, s.zone = p.Name, p.District, p.IndustrialZone
	_, err := tx.Exec(ctx, `INSERT INTO match_suppliers (id, name, district, industrial_zone) VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, district = excluded.district, industrial_zone = excluded.industrial_zone`,
		[16]byte(id), p.Name, p.District, p.IndustrialZone)
	if err != nil {
		return err
	}
	rescoreMatchSupplier(x, s)
	return nil
}

// onMatchKeyProduct counts a recognition and rescores the supplier: the
// key-product component quotes the count.
func onMatchKeyProduct(ctx context.Context, tx pgx.Tx, x *matchDelta, id uuid.UUID) error {
	s := x.model.supplier(id)
	s.keyProducts++
	if _, err := tx.Exec(ctx, `INSERT INTO match_suppliers (id, name, district, key_products) VALUES ($1, '', '', $2)
ON CONFLICT (id) DO UPDATE SET key_products = excluded.key_products`, [16]byte(id), s.keyProducts); err != nil {
		return err
	}
	rescoreMatchSupplier(x, s)
	return nil
}

func rescoreMatchSupplier(x *matchDelta, s *mxSupplier) {
	if len(s.caps) == 0 {
		return
	}
	for _, c := range s.caps {
		c.prepare()
	}
	x.supplierChanged(s)
}

func onMatchCapability(ctx context.Context, tx pgx.Tx, x *matchDelta, sid, cid uuid.UUID, spec supplier.CapabilitySpec) error {
	c, was := x.model.putCap(sid, cid, spec)
	_, err := tx.Exec(ctx, `INSERT INTO match_capabilities (id, supplier_id, industry_group, spec) VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE SET industry_group = excluded.industry_group, spec = excluded.spec`,
		[16]byte(cid), [16]byte(sid), string(spec.IndustryGroup), spec)
	if err != nil {
		return err
	}
	x.capabilityChanged(c, was)
	return nil
}

func onMatchWithdrawn(ctx context.Context, tx pgx.Tx, x *matchDelta, cid uuid.UUID) error {
	if _, err := tx.Exec(ctx, `DELETE FROM match_capabilities WHERE id = $1`, cid); err != nil {
		return err
	}
	if c, ok := x.model.caps[cid]; ok {
		x.model.dropCap(c)
		x.capabilityWithdrawn(c)
	}
	return nil
}

func onMatchBuyer(ctx context.Context, tx pgx.Tx, x *matchDelta, id uuid.UUID, p buyer.Registration) error {
	x.model.buyers[id] = &mxBuyer{id: id, name: p.Name, country: p.Country, district: p.District}
	_, err := tx.Exec(ctx, `INSERT INTO match_buyers (id, name, country, district) VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, country = excluded.country, district = excluded.district`,
		id, p.Name, p.Country, p.District)
	return err
}

// onMatchDemand posts or revises a demand and builds its list from every
// capability that can serve it.
func onMatchDemand(ctx context.Context, tx pgx.Tx, x *matchDelta, bid, did uuid.UUID, spec buyer.DemandSpec) error {
	if x.model.closed[did] {
		return nil // closed for good; the aggregate refuses this anyway
	}
	d := x.model.putDemand(bid, did, spec)
	x.build(d, true)
	_, err := tx.Exec(ctx, `INSERT INTO match_demands (id, buyer_id, industry_group, spec, list_complete) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (id) DO UPDATE SET industry_group = excluded.industry_group, spec = excluded.spec, list_complete = excluded.list_complete`,
		[16]byte(did), [16]byte(bid), string(spec.IndustryGroup), spec, d.complete)
	return err
}

// onMatchDemandClosed empties a closed demand's list for good; the demand
// row stays so that reads can tell it from an unknown one.
func onMatchDemandClosed(ctx context.Context, tx pgx.Tx, x *matchDelta, did uuid.UUID) error {
	if d, ok := x.model.demands[did]; ok {
		x.model.dropDemand(d)
		delete(x.pairs, d)
	}
	x.model.closed[did] = true
	_, err := tx.Exec(ctx, `WITH gone AS (DELETE FROM matches WHERE demand_id = $1)
UPDATE match_demands SET closed = true WHERE id = $1`, did)
	return err
}

// Querier runs read queries. *pgxpool.Pool, *pgx.Conn and pgx.Tx satisfy it.
// Each query function issues one statement unless it says otherwise, so what
// it returns is one consistent snapshot even on a pool.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

package matches

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
)

// Match list sizes: a limit of 0 or less means DefaultMatchLimit, and more
// than MaxMatchLimit means MaxMatchLimit.
const (
	DefaultMatchLimit = 20
	MaxMatchLimit     = 100
)

// DemandMatchList is a demand's match list as GET /v1/demands/{did}/matches
// answers it. Matches is never nil, so it encodes as [].
type DemandMatchList struct {
	DemandID uuid.UUID `json:"demand_id"`
	// BuyerID owns the demand: only that buyer may read the list.
	BuyerID uuid.UUID `json:"-"`
	// Closed demands have an empty list.
	Closed  bool          `json:"-"`
	Matches []DemandMatch `json:"matches"`
}

// DemandMatch is one supplier in a demand's list, with the capability that
// earned its place. Reasons and Gaps are never nil.
type DemandMatch struct {
	SupplierID   uuid.UUID       `json:"supplier_id"`
	SupplierName string          `json:"supplier_name"`
	CapabilityID uuid.UUID       `json:"capability_id"`
	Score        int             `json:"score"`
	Reasons      []matching.Note `json:"reasons"`
	Gaps         []matching.Note `json:"gaps"`
}

// SupplierMatchList is a supplier's match list as
// GET /v1/suppliers/{id}/matches answers it. Matches is never nil.
type SupplierMatchList struct {
	SupplierID uuid.UUID       `json:"supplier_id"`
	Matches    []SupplierMatch `json:"matches"`
}

// SupplierMatch is one open demand in a supplier's list: the demand and its
// buyer, then the item of the demand's list.
type SupplierMatch struct {
	DemandID  uuid.UUID `json:"demand_id"`
	BuyerID   uuid.UUID `json:"buyer_id"`
	BuyerName string    `json:"buyer_name"`
	DemandMatch
}

func matchLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultMatchLimit
	case limit > MaxMatchLimit:
		return MaxMatchLimit
	}
	return limit
}

// matchLive keeps the rows of matches m still valid on day $2.
const matchLive = `(m.expires_on IS NULL OR m.expires_on >= $2::date)`

// Rows keep a pair's score and the day it was scored, not its notes: a read
// explains each pair it returns again, from the inputs the projection
// stored (which any change to the pair rewrites along with its row) and
// that day, so the notes are the ones the projection would have written.
// The scalar subqueries and lateral joins look up the inputs of the rows
// read only: a join would let the planner hash whole tables for 20 rows.

// demandMatchesSQL reads a demand with its buyer and the first $3 rows of
// its list, each with its supplier and capability, in one statement; a
// demand without rows still gives one row, with NULLs for the pair.
const demandMatchesSQL = `SELECT d.buyer_id, d.closed, d.spec, b.name, b.country, b.district,
  l.supplier_id, sp.name, sp.district, sp.industrial_zone, sp.key_products, l.capability_id, c.spec, l.score, l.scored_on
FROM match_demands d
LEFT JOIN match_buyers b ON b.id = d.buyer_id
LEFT JOIN LATERAL (
  SELECT m.supplier_id, m.capability_id, m.score, m.scored_on FROM matches m
  WHERE m.demand_id = d.id AND ` + matchLive + `
  ORDER BY m.score DESC, m.supplier_id, m.capability_id
  LIMIT $3) l ON true
LEFT JOIN LATERAL (SELECT * FROM match_suppliers s WHERE s.id = l.supplier_id) sp ON true
LEFT JOIN LATERAL (SELECT spec FROM match_capabilities x WHERE x.id = l.capability_id) c ON true
WHERE d.id = $1
ORDER BY l.score DESC, l.supplier_id, l.capability_id`

// DemandMatches returns the first limit suppliers of a demand's list, best
// first (score, then supplier id), as they stand on day today (UTC): pairs
// whose certificates lapsed before it are left out. A closed demand has an
// empty list. An unknown demand is an error wrapping domain.ErrNotFound;
// the caller checks BuyerID before showing the list. It runs one statement.
func DemandMatches(ctx context.Context, db Querier, demandID uuid.UUID, limit int, today time.Time) (DemandMatchList, error) {
	rows, err := db.Query(ctx, demandMatchesSQL, demandID, matchDay(today).Time, matchLimit(limit))
	if err != nil {
		return DemandMatchList{}, fmt.Errorf("matches: demand matches: %w", err)
	}
	defer rows.Close()
	out := DemandMatchList{DemandID: demandID, Matches: []DemandMatch{}}
	found := false
	var d *mxDemand
	for rows.Next() {
		found = true
		var (
			dspec []byte
			b     nullBuyer
			pair  nullPair
		)
		if err := rows.Scan(append([]any{&out.BuyerID, &out.Closed, &dspec, &b.name, &b.country, &b.district},
			pair.targets()...)...); err != nil {
			return DemandMatchList{}, fmt.Errorf("matches: demand matches: %w", err)
		}
		if pair.supplierID == nil {
			continue // the NULL row of an empty list
		}
		if d == nil {
			if d, err = readDemand(demandID, out.BuyerID, dspec, b); err != nil {
				return DemandMatchList{}, fmt.Errorf("matches: demand matches: %w", err)
			}
		}
		m, err := pair.explain(d)
		if err != nil {
			return DemandMatchList{}, fmt.Errorf("matches: demand matches: %w", err)
		}
		out.Matches = append(out.Matches, m)
	}
	if err := rows.Err(); err != nil {
		return DemandMatchList{}, fmt.Errorf("matches: demand matches: %w", err)
	}
	if !found {
		return DemandMatchList{}, domain.Errorf(domain.ErrNotFound, "demand %s not found", demandID)
	}
	return out, nil
}

// supplierMatchesSQL reads a supplier and the first $3 rows of its list,
// each with its demand, buyer and capability, in one statement. Only rows
// among the first 100 of their demand's list count (shown), so that a
// supplier sees the demands whose buyers can see it.
const supplierMatchesSQL = `SELECT l.demand_id, l.buyer_id, b.name, b.country, b.district, d.spec,
  sp.id, sp.name, sp.district, sp.industrial_zone, sp.key_products, l.capability_id, c.spec, l.score, l.scored_on
FROM match_suppliers sp
LEFT JOIN LATERAL (
  SELECT m.demand_id, m.buyer_id, m.capability_id, m.score, m.scored_on FROM matches m
  WHERE m.supplier_id = sp.id AND m.shown AND ` + matchLive + `
  ORDER BY m.score DESC, m.capability_id, m.demand_id
  LIMIT $3) l ON true
LEFT JOIN LATERAL (SELECT * FROM match_buyers x WHERE x.id = l.buyer_id) b ON true
LEFT JOIN LATERAL (SELECT spec FROM match_demands x WHERE x.id = l.demand_id) d ON true
LEFT JOIN LATERAL (SELECT spec FROM match_capabilities x WHERE x.id = l.capability_id) c ON true
WHERE sp.id = $1
ORDER BY l.score DESC, l.capability_id, l.demand_id`

// SupplierMatches returns the first limit open demands in whose lists the
// supplier is shown (among the first MaxMatchLimit stored), best first
// (score, then capability id, then demand id), as they stand on day today
// (UTC): pairs whose certificates lapsed before it are left out. An unknown
// supplier is an error wrapping domain.ErrNotFound. It runs one statement.
func SupplierMatches(ctx context.Context, db Querier, supplierID uuid.UUID, limit int, today time.Time) (SupplierMatchList, error) {
	rows, err := db.Query(ctx, supplierMatchesSQL, supplierID, matchDay(today).Time, matchLimit(limit))
	if err != nil {
		return SupplierMatchList{}, fmt.Errorf("matches: supplier matches: %w", err)
	}
	defer rows.Close()
	out := SupplierMatchList{SupplierID: supplierID, Matches: []SupplierMatch{}}
	found := false
	for rows.Next() {
		found = true
		var (
			did, bid *uuid.UUID
			dspec    []byte
			b        nullBuyer
			pair     nullPair
		)
		if err := rows.Scan(append([]any{&did, &bid, &b.name, &b.country, &b.district, &dspec}, pair.targets()...)...); err != nil {
			return SupplierMatchList{}, fmt.Errorf("matches: supplier matches: %w", err)
		}
		if did == nil || bid == nil || pair.capabilityID == nil {
			continue // the NULL row of an empty list
		}
		d, err := readDemand(*did, *bid, dspec, b)
		if err != nil {
			return SupplierMatchList{}, fmt.Errorf("matches: supplier matches: %w", err)
		}
		m, err := pair.explain(d)
		if err != nil {
			return SupplierMatchList{}, fmt.Errorf("matches: supplier matches: %w", err)
		}
		sm := SupplierMatch{DemandID: *did, BuyerID: *bid, DemandMatch: m}
		if b.name != nil {
			sm.BuyerName = *b.name
		}
		out.Matches = append(out.Matches, sm)
	}
	if err := rows.Err(); err != nil {
		return SupplierMatchList{}, fmt.Errorf("matches: supplier matches: %w", err)
	}
	if !found {
		return SupplierMatchList{}, domain.Errorf(domain.ErrNotFound, "supplier %s not found", supplierID)
	}
	return out, nil
}

// nullBuyer is a match_buyers row from the nullable side of a join.
type nullBuyer struct {
	name, country, district *string
}

// readDemand prepares a demand for scoring from its stored spec and buyer,
// as the projection does (mxDemand.prepare).
func readDemand(id, buyerID uuid.UUID, spec []byte, b nullBuyer) (*mxDemand, error) {
	d := &mxDemand{id: id, buyerID: buyerID}
	if err := json.Unmarshal(spec, &d.spec); err != nil {
		return nil, fmt.Errorf("demand %s: %w", id, err)
	}
	var buyer *mxBuyer
	if b.name != nil {
		buyer = &mxBuyer{id: buyerID, name: *b.name, country: deref(b.country), district: deref(b.district)}
	}
	d.prepare(buyer)
	return d, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// nullPair is a pair of a list, with its supplier and capability, from the
// nullable side of a join.
type nullPair struct {
	supplierID, capabilityID *uuid.UUID
	name, district, zone     *string
	keyProducts              *int
	spec                     []byte
	score                    *int
	scoredOn                 *time.Time
}

func (n *nullPair) targets() []any {
	return []any{&n.supplierID, &n.name, &n.district, &n.zone, &n.keyProducts, &n.capabilityID, &n.spec, &n.score, &n.scoredOn}
}

// explain scores the pair again with d on the day it was scored, for its
// notes. Its inputs are the ones its row was written with, so the score is
// the stored one; anything else is a broken read model, reported as an
// error rather than shown.
func (n *nullPair) explain(d *mxDemand) (DemandMatch, error) {
	if n.supplierID == nil || n.capabilityID == nil || n.score == nil || n.scoredOn == nil || n.spec == nil {
		return DemandMatch{}, fmt.Errorf("pair of demand %s has no supplier or capability", d.id)
	}
	s := &mxSupplier{id: *n.supplierID, name: deref(n.name), district: deref(n.district), zone: deref(n.zone)}
	if n.keyProducts != nil {
		s.keyProducts = *n.keyProducts
	}
	c := &mxCap{id: *n.capabilityID, sup: s}
	if err := json.Unmarshal(n.spec, &c.spec); err != nil {
		return DemandMatch{}, fmt.Errorf("capability %s: %w", c.id, err)
	}
	c.prepare()
	m, ok := matching.ScorePrepared(d.prep, c.prep, domain.Date{Time: *n.scoredOn})
	if !ok || m.Score != *n.score {
		return DemandMatch{}, fmt.Errorf("demand %s, capability %s: scored %d (%v) again, stored %d", d.id, c.id, m.Score, ok, *n.score)
	}
	return DemandMatch{SupplierID: s.id, SupplierName: s.name, CapabilityID: c.id, Score: m.Score,
		Reasons: nonNilNotes(m.Reasons), Gaps: nonNilNotes(m.Gaps)}, nil
}

func nonNilNotes(ns []matching.Note) []matching.Note {
	if ns == nil {
		return []matching.Note{}
	}
	return ns
}

// BoardMatch is how an open demand matches a supplier, on the demand board
// a supplier reads: the pair's row of its match list, explained.
type BoardMatch struct {
	Score        int             `json:"score"`
	CapabilityID uuid.UUID       `json:"capability_id"`
	Reasons      []matching.Note `json:"reasons"`
	Gaps         []matching.Note `json:"gaps"`
}

// boardMatchesSQL reads the supplier's ($1) rows, shown and live on day $2,
// of the demands $3, each with what explains it, in one statement.
const boardMatchesSQL = `SELECT m.demand_id, m.buyer_id, b.name, b.country, b.district, d.spec,
  sp.id, sp.name, sp.district, sp.industrial_zone, sp.key_products, m.capability_id, c.spec, m.score, m.scored_on
FROM matches m
JOIN match_demands d ON d.id = m.demand_id
LEFT JOIN match_buyers b ON b.id = m.buyer_id
LEFT JOIN match_suppliers sp ON sp.id = m.supplier_id
LEFT JOIN match_capabilities c ON c.id = m.capability_id
WHERE m.demand_id = ANY($3::uuid[]) AND m.supplier_id = $1 AND m.shown AND ` + matchLive

// BoardMatches returns, for those of demandIDs in whose lists the supplier
// is shown (as for SupplierMatches: among the first MaxMatchLimit, and as
// they stand on day today, UTC), its match; the others are absent from the
// map. It runs one statement.
func BoardMatches(ctx context.Context, db Querier, supplierID uuid.UUID, demandIDs []uuid.UUID, today time.Time) (map[uuid.UUID]BoardMatch, error) {
	out := map[uuid.UUID]BoardMatch{}
	if len(demandIDs) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, boardMatchesSQL, supplierID, matchDay(today).Time, demandIDs)
	if err != nil {
		return nil, fmt.Errorf("matches: board matches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			did, bid uuid.UUID
			dspec    []byte
			b        nullBuyer
			pair     nullPair
		)
		if err := rows.Scan(append([]any{&did, &bid, &b.name, &b.country, &b.district, &dspec}, pair.targets()...)...); err != nil {
			return nil, fmt.Errorf("matches: board matches: %w", err)
		}
		d, err := readDemand(did, bid, dspec, b)
		if err != nil {
			return nil, fmt.Errorf("matches: board matches: %w", err)
		}
		m, err := pair.explain(d)
		if err != nil {
			return nil, fmt.Errorf("matches: board matches: %w", err)
		}
		out[did] = BoardMatch{Score: m.Score, CapabilityID: m.CapabilityID, Reasons: m.Reasons, Gaps: m.Gaps}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("matches: board matches: %w", err)
	}
	return out, nil
}

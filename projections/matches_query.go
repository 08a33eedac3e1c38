package projections

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

// matchItemColumns are the columns of a DemandMatch from l, a page of
// matches rows. The supplier's name is looked up for those rows only: a
// join would let the planner hash all of match_suppliers for 20 rows.
const matchItemColumns = `l.supplier_id, (SELECT s.name FROM match_suppliers s WHERE s.id = l.supplier_id),
  l.capability_id, l.score, l.reasons, l.gaps`

// matchLive keeps the rows of matches m still valid on day $2.
const matchLive = `(m.expires_on IS NULL OR m.expires_on >= $2::date)`

// demandMatchesSQL reads a demand and the first $3 rows of its list in one
// statement; a demand without rows still gives one row, of NULLs.
const demandMatchesSQL = `SELECT d.buyer_id, d.closed, ` + matchItemColumns + `
FROM match_demands d
LEFT JOIN LATERAL (
  SELECT m.supplier_id, m.capability_id, m.score, m.reasons, m.gaps FROM matches m
  WHERE m.demand_id = d.id AND ` + matchLive + `
  ORDER BY m.score DESC, m.supplier_id, m.capability_id
  LIMIT $3) l ON true
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
		return DemandMatchList{}, fmt.Errorf("projections: demand matches: %w", err)
	}
	out := DemandMatchList{DemandID: demandID, Matches: []DemandMatch{}}
	found := false
	for rows.Next() {
		found = true
		var it nullMatchItem
		if err := rows.Scan(append([]any{&out.BuyerID, &out.Closed}, it.targets()...)...); err != nil {
			rows.Close()
			return DemandMatchList{}, fmt.Errorf("projections: demand matches: %w", err)
		}
		if m, ok, err := it.item(); err != nil {
			rows.Close()
			return DemandMatchList{}, fmt.Errorf("projections: demand matches: %w", err)
		} else if ok {
			out.Matches = append(out.Matches, m)
		}
	}
	if err := rows.Err(); err != nil {
		return DemandMatchList{}, fmt.Errorf("projections: demand matches: %w", err)
	}
	if !found {
		return DemandMatchList{}, domain.Errorf(domain.ErrNotFound, "demand %s not found", demandID)
	}
	return out, nil
}

// supplierMatchesSQL reads a supplier and the first $3 rows of its list in
// one statement. Only rows among the first 100 of their demand's list count
// (shown), so that a supplier sees the demands whose buyers can see it.
const supplierMatchesSQL = `SELECT l.demand_id, l.buyer_id, (SELECT b.name FROM match_buyers b WHERE b.id = l.buyer_id),
  ` + matchItemColumns + `
FROM match_suppliers sp
LEFT JOIN LATERAL (
  SELECT m.demand_id, m.buyer_id, m.supplier_id, m.capability_id, m.score, m.reasons, m.gaps FROM matches m
  WHERE m.supplier_id = sp.id AND m.shown AND ` + matchLive + `
  ORDER BY m.score DESC, m.capability_id, m.demand_id
  LIMIT $3) l ON true
WHERE sp.id = $1
ORDER BY l.score DESC, l.capability_id, l.demand_id`

// SupplierMatches returns the first limit open demands in whose lists the
// supplier is shown (among the first MaxMatchLimit stored), best first
// (score, then capability id, then demand id), as they stand on day today
// (UTC): pairs whose certificates lapsed before it are left out. An unknown supplier is an error
// wrapping domain.ErrNotFound. It runs one statement.
func SupplierMatches(ctx context.Context, db Querier, supplierID uuid.UUID, limit int, today time.Time) (SupplierMatchList, error) {
	rows, err := db.Query(ctx, supplierMatchesSQL, supplierID, matchDay(today).Time, matchLimit(limit))
	if err != nil {
		return SupplierMatchList{}, fmt.Errorf("projections: supplier matches: %w", err)
	}
	out := SupplierMatchList{SupplierID: supplierID, Matches: []SupplierMatch{}}
	found := false
	for rows.Next() {
		found = true
		var (
			did, bid *uuid.UUID
			bname    *string
			it       nullMatchItem
		)
		if err := rows.Scan(append([]any{&did, &bid, &bname}, it.targets()...)...); err != nil {
			rows.Close()
			return SupplierMatchList{}, fmt.Errorf("projections: supplier matches: %w", err)
		}
		m, ok, err := it.item()
		if err != nil {
			rows.Close()
			return SupplierMatchList{}, fmt.Errorf("projections: supplier matches: %w", err)
		}
		if ok && did != nil && bid != nil {
			sm := SupplierMatch{DemandID: *did, BuyerID: *bid, DemandMatch: m}
			if bname != nil {
				sm.BuyerName = *bname
			}
			out.Matches = append(out.Matches, sm)
		}
	}
	if err := rows.Err(); err != nil {
		return SupplierMatchList{}, fmt.Errorf("projections: supplier matches: %w", err)
	}
	if !found {
		return SupplierMatchList{}, domain.Errorf(domain.ErrNotFound, "supplier %s not found", supplierID)
	}
	return out, nil
}

// nullMatchItem scans matchItemColumns from the nullable side of a LEFT
// JOIN.
type nullMatchItem struct {
	supplierID, capabilityID *uuid.UUID
	supplierName             *string
	score                    *int
	reasons, gaps            []byte
}

func (n *nullMatchItem) targets() []any {
	return []any{&n.supplierID, &n.supplierName, &n.capabilityID, &n.score, &n.reasons, &n.gaps}
}

// item is the scanned DemandMatch; ok is false for the NULL row of an
// empty list.
func (n *nullMatchItem) item() (DemandMatch, bool, error) {
	if n.supplierID == nil || n.capabilityID == nil || n.score == nil {
		return DemandMatch{}, false, nil
	}
	m := DemandMatch{SupplierID: *n.supplierID, CapabilityID: *n.capabilityID, Score: *n.score}
	if n.supplierName != nil {
		m.SupplierName = *n.supplierName
	}
	if err := json.Unmarshal(n.reasons, &m.Reasons); err != nil {
		return DemandMatch{}, false, fmt.Errorf("reasons: %w", err)
	}
	if err := json.Unmarshal(n.gaps, &m.Gaps); err != nil {
		return DemandMatch{}, false, fmt.Errorf("gaps: %w", err)
	}
	m.Reasons, m.Gaps = nonNilNotes(m.Reasons), nonNilNotes(m.Gaps)
	return m, true, nil
}

func nonNilNotes(ns []matching.Note) []matching.Note {
	if ns == nil {
		return []matching.Note{}
	}
	return ns
}

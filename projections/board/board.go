// Package board is the demand board read model: buyers and their demands,
// with the queries behind the buyer list, the board and their items.
package board

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/matching"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/reset"
)

// Board is the demand board: buyers and every demand they posted, with its
// status, in board_* tables, with full-text documents of search terms
// (matching.DocumentTerms) for the buyer list and the board: a buyer's name
// (weight A) and parent group (B); a demand's title (A) and description,
// processes and materials (C). Every event is one statement. It holds no
// state; the eventstore never applies two events of one projection
// concurrently.
type Board struct{}

var _ eventstore.Projection = (*Board)(nil)

// Name is the projection's checkpoint name.
func (*Board) Name() string { return "board" }

// Reset empties the board, deleting rather than truncating for the reason
// given at reset.Tables.
func (*Board) Reset(ctx context.Context, tx pgx.Tx) error {
	return reset.Tables(ctx, tx, "board_demands", "board_buyers")
}

// Apply projects one buyer event; other events are ignored. It writes only
// through tx and depends on nothing but the record.
func (b *Board) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	var err error
	switch e := r.Event.(type) {
	case buyer.Registered:
		err = b.onRegistered(ctx, tx, r.Version, e)
	case buyer.DemandPosted:
		err = b.onDemand(ctx, tx, r.Version, e.BuyerID, e.DemandID, e.DemandSpec)
	case buyer.DemandRevised:
		err = b.onDemand(ctx, tx, r.Version, e.BuyerID, e.DemandID, e.DemandSpec)
	case buyer.DemandClosed:
		err = b.onDemandClosed(ctx, tx, r.Version, e)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("board: %s: %w", r.Type, err)
	}
	return nil
}

func (*Board) onRegistered(ctx context.Context, tx pgx.Tx, version int64, e buyer.Registered) error {
	p := e.Registration
	_, err := tx.Exec(ctx, `INSERT INTO board_buyers (id, name, country, parent_group, district, contact, version,
  name_folded, document, ward)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, search_fold($2),
  setweight(to_tsvector('simple', $8), 'A') || setweight(to_tsvector('simple', $9), 'B'), $10)`,
		e.BuyerID, p.Name, p.Country, p.ParentGroup, p.District, p.Contact, version, terms(p.Name), terms(p.ParentGroup),
		p.Ward)
	return err
}

// demandSQL posts a demand or replaces an open one, and sets the buyer's
// version, in one statement; a revision keeps the demand's place and status.
const demandSQL = `WITH changed AS (INSERT INTO board_demands
  (id, buyer_id, posted_version, status, title, description, industry_group, vsic, hs_codes, processes, materials,
   required_certifications, volume_quantity, volume_unit, volume_per, max_lead_time_days, needed_by,
   certification_keys, document)
VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, coalesce($8::text[], '{}'), coalesce($9::text[], '{}'),
  coalesce($10::text[], '{}'), coalesce($11::text[], '{}'), $12, $13, $14, $15, $16::date,
  $17, setweight(to_tsvector('simple', $18), 'A') || setweight(to_tsvector('simple', $19), 'C'))
ON CONFLICT (id) DO UPDATE SET
  title = excluded.title, description = excluded.description, industry_group = excluded.industry_group,
  vsic = excluded.vsic, hs_codes = excluded.hs_codes, processes = excluded.processes, materials = excluded.materials,
  required_certifications = excluded.required_certifications, volume_quantity = excluded.volume_quantity,
  volume_unit = excluded.volume_unit, volume_per = excluded.volume_per,
  max_lead_time_days = excluded.max_lead_time_days, needed_by = excluded.needed_by,
  certification_keys = excluded.certification_keys, document = excluded.document)
UPDATE board_buyers SET version = $3 WHERE id = $2`

func (*Board) onDemand(ctx context.Context, tx pgx.Tx, version int64, bid, did uuid.UUID, d buyer.DemandSpec) error {
	var neededBy *string
	if d.NeededBy != nil {
		s := d.NeededBy.String()
		neededBy = &s
	}
	_, err := tx.Exec(ctx, demandSQL, did, bid, version, d.Title, d.Description, string(d.IndustryGroup),
		d.VSIC, d.HSCodes, d.Processes, d.Materials, d.RequiredCertifications, d.Volume.Quantity,
		string(d.Volume.Unit), d.Volume.Per, d.MaxLeadTimeDays, neededBy,
		demandCertificationKeys(d.RequiredCertifications), terms(d.Title),
		terms(append(append([]string{d.Description}, d.Processes...), d.Materials...)...))
	return err
}

// demandCertificationKeys lists the keys (matching.CertificationKeys) of
// the standards a demand requires, distinct and sorted.
func demandCertificationKeys(standards []string) []string {
	keys := []string{}
	for _, s := range standards {
		keys = append(keys, matching.CertificationKeys(s)...)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func (*Board) onDemandClosed(ctx context.Context, tx pgx.Tx, version int64, e buyer.DemandClosed) error {
	_, err := tx.Exec(ctx, `WITH closed AS (UPDATE board_demands SET status = $4 WHERE id = $1 AND buyer_id = $2)
UPDATE board_buyers SET version = $3 WHERE id = $2`, e.DemandID, e.BuyerID, version, string(e.Reason))
	return err
}

// Buyer is a buyer's profile as GET /v1/buyers/{id} answers it, with every
// demand it posted (open or closed) in posting order. Lists are never nil.
type Buyer struct {
	ID          uuid.UUID      `json:"id"`
	Name        string         `json:"name"`
	Country     string         `json:"country"`
	ParentGroup string         `json:"parent_group"`
	District    string         `json:"district"`
	Ward        string         `json:"ward"`
	Contact     domain.Contact `json:"contact"`
	Demands     []Demand       `json:"demands"`
	Version     int64          `json:"version"`
}

// Demand is one demand of a buyer with its status.
type Demand struct {
	ID                     uuid.UUID            `json:"id"`
	BuyerID                uuid.UUID            `json:"buyer_id"`
	Status                 buyer.Status         `json:"status"`
	Title                  string               `json:"title"`
	Description            string               `json:"description"`
	IndustryGroup          domain.IndustryGroup `json:"industry_group"`
	VSIC                   string               `json:"vsic"`
	HSCodes                []string             `json:"hs_codes"`
	Processes              []string             `json:"processes"`
	Materials              []string             `json:"materials"`
	RequiredCertifications []string             `json:"required_certifications"`
	Volume                 domain.Rate          `json:"volume"`
	MaxLeadTimeDays        *int                 `json:"max_lead_time_days"`
	NeededBy               *domain.Date         `json:"needed_by"`
}

func (d *Demand) fill() {
	d.HSCodes, d.Processes, d.Materials = nonNil(d.HSCodes), nonNil(d.Processes), nonNil(d.Materials)
	d.RequiredCertifications = nonNil(d.RequiredCertifications)
}

// demandJSON builds a Demand's JSON from a board_demands row d.
const demandJSON = `jsonb_build_object('id', d.id, 'buyer_id', d.buyer_id, 'status', d.status, 'title', d.title,
  'description', d.description, 'industry_group', d.industry_group, 'vsic', d.vsic, 'hs_codes', d.hs_codes,
  'processes', d.processes, 'materials', d.materials, 'required_certifications', d.required_certifications,
  'volume', jsonb_build_object('quantity', d.volume_quantity, 'unit', d.volume_unit, 'per', d.volume_per),
  'max_lead_time_days', d.max_lead_time_days, 'needed_by', d.needed_by)`

// GetBuyer returns a buyer with all its demands; an unknown id is an error
// wrapping domain.ErrNotFound.
func GetBuyer(ctx context.Context, db Querier, id uuid.UUID) (Buyer, error) {
	var b Buyer
	err := db.QueryRow(ctx, `SELECT b.id, b.name, b.country, b.parent_group, b.district, b.ward, b.contact, b.version,
  coalesce((SELECT jsonb_agg(`+demandJSON+` ORDER BY d.posted_version) FROM board_demands d WHERE d.buyer_id = b.id), '[]')
FROM board_buyers b WHERE b.id = $1`, id).Scan(&b.ID, &b.Name, &b.Country, &b.ParentGroup, &b.District, &b.Ward,
		&b.Contact, &b.Version, &b.Demands)
	if errors.Is(err, pgx.ErrNoRows) {
		return Buyer{}, domain.Errorf(domain.ErrNotFound, "buyer %s not found", id)
	}
	if err != nil {
		return Buyer{}, fmt.Errorf("board: get buyer: %w", err)
	}
	b.Demands = nonNil(b.Demands)
	for i := range b.Demands {
		b.Demands[i].fill()
	}
	return b, nil
}

// GetDemand returns one demand, open or closed, with its buyer's id; an
// unknown id is an error wrapping domain.ErrNotFound.
func GetDemand(ctx context.Context, db Querier, id uuid.UUID) (Demand, error) {
	var d Demand
	err := db.QueryRow(ctx, `SELECT `+demandJSON+` FROM board_demands d WHERE d.id = $1`, id).Scan(&d)
	if errors.Is(err, pgx.ErrNoRows) {
		return Demand{}, domain.Errorf(domain.ErrNotFound, "demand %s not found", id)
	}
	if err != nil {
		return Demand{}, fmt.Errorf("board: get demand: %w", err)
	}
	d.fill()
	return d, nil
}

// BuyerVersion returns the buyer stream's version the board has reached; an
// unknown id is an error wrapping domain.ErrNotFound.
func BuyerVersion(ctx context.Context, db Querier, id uuid.UUID) (int64, error) {
	var v int64
	err := db.QueryRow(ctx, `SELECT version FROM board_buyers WHERE id = $1`, id).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, domain.Errorf(domain.ErrNotFound, "buyer %s not found", id)
	}
	if err != nil {
		return 0, fmt.Errorf("board: buyer version: %w", err)
	}
	return v, nil
}

// Querier runs read queries. *pgxpool.Pool, *pgx.Conn and pgx.Tx satisfy it.
// Each query function issues one statement unless it says otherwise, so what
// it returns is one consistent snapshot even on a pool.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// nonNil turns a nil slice into an empty one, so that it encodes as [].
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// terms is the search terms of texts (matching.DocumentTerms of each, so
// that no glossary phrase spans two of them), joined by spaces.
func terms(texts ...string) string {
	var all []string
	for _, t := range texts {
		all = append(all, matching.DocumentTerms(t)...)
	}
	return strings.Join(all, " ")
}

// Package programme is the read model of what follows the meetings: deals,
// support records and exchange-rate tables, with their queries and the
// programme report.
package programme

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain/deal"
	"github.com/keylink/keylink/domain/rates"
	"github.com/keylink/keylink/domain/support"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/reset"
)

// Programme is the read model of what follows the meetings: deals with their
// history, the city's support records and the organiser's exchange-rate
// tables, in deals, deal_history and programme_* tables. The programme
// report joins them with the directory, board and conferences read models
// when it is read. It holds no state; the eventstore never applies two
// events of one projection concurrently.
type Programme struct{}

var _ eventstore.Projection = (*Programme)(nil)

// Name is the projection's checkpoint name.
func (*Programme) Name() string { return "programme" }

// Reset empties the read model, deleting rather than truncating for the
// reason given at reset.Tables.
func (*Programme) Reset(ctx context.Context, tx pgx.Tx) error {
	return reset.Tables(ctx, tx, "deal_history", "deals", "programme_support", "programme_rates")
}

// Apply projects one deal, support or rates event; others are ignored. It
// writes only through tx and depends on nothing but the record, so a
// rebuild gives the same tables as the live projection.
func (p *Programme) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	var err error
	switch e := r.Event.(type) {
	case deal.Opened:
		err = p.onOpened(ctx, tx, r.Version, e)
	case deal.StageChanged:
		err = p.onStage(ctx, tx, r.Version, e)
	case deal.MeetingLinked:
		err = exec(ctx, tx, `WITH h AS (INSERT INTO deal_history (deal_id, version, kind, event_id, meeting_id, result, at)
VALUES ($1, $2, 'meeting', $3, $4, $5, $6))
UPDATE deals SET meeting_ids = CASE WHEN $4 = ANY(meeting_ids) THEN meeting_ids ELSE meeting_ids || $4 END,
  updated_at = $6, version = $2 WHERE id = $1`, e.DealID, r.Version, nullID(e.EventID), e.MeetingID, e.Result, e.At)
	case deal.MoUSigned:
		minor, cur := moneyArgs(e.Value)
		err = exec(ctx, tx, `WITH h AS (INSERT INTO deal_history (deal_id, version, kind, value_minor, currency, on_date, meeting_id, at)
VALUES ($1, $2, 'mou', $3, $4, $5::date, $6, $7))
UPDATE deals SET updated_at = $7, version = $2 WHERE id = $1`, e.DealID, r.Version, minor, cur, e.On.String(), nullID(e.MeetingID), e.At)
	case support.Granted:
		err = exec(ctx, tx, `INSERT INTO programme_support (id, supplier_id, programme, year, kind, amount_vnd, at)
VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`, e.SupportID, e.SupplierID, e.Programme, e.Year, string(e.Kind), e.AmountVND, e.At)
	case rates.Set:
		err = exec(ctx, tx, `INSERT INTO programme_rates (year, vnd_per) VALUES ($1, $2)
ON CONFLICT (year) DO UPDATE SET vnd_per = excluded.vnd_per`, e.Year, e.VNDPer)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("programme: %s: %w", r.Type, err)
	}
	return nil
}

func moneyArgs(m *deal.Money) (*int64, *string) {
	if m == nil {
		return nil, nil
	}
	v, c := m.Minor, string(m.Currency)
	return &v, &c
}

func (*Programme) onOpened(ctx context.Context, tx pgx.Tx, version int64, e deal.Opened) error {
	return exec(ctx, tx, `WITH h AS (INSERT INTO deal_history (deal_id, version, kind, stage, by_firm, at)
VALUES ($1, $5, 'opened', 'contacted', $7, $6))
INSERT INTO deals (id, supplier_id, buyer_id, demand_id, stage, meeting_ids, opened_at, updated_at, version)
VALUES ($1, $2, $3, $4, 'contacted', $8, $6, $6, $5)`, e.DealID, e.SupplierID, e.BuyerID, nullID(e.DemandID), version,
		e.At, nullID(e.OpenedBy), nonNil(e.MeetingIDs))
}

func (*Programme) onStage(ctx context.Context, tx pgx.Tx, version int64, e deal.StageChanged) error {
	minor, cur := moneyArgs(e.Value)
	return exec(ctx, tx, `WITH h AS (INSERT INTO deal_history (deal_id, version, kind, stage, value_minor, currency, on_date, note, meeting_id, by_firm, at)
VALUES ($1, $2, 'stage', $3, $4, $5, $6::date, $7, $8, $9, $10))
UPDATE deals SET stage = $3,
  value_minor = CASE WHEN $4::bigint IS NULL THEN value_minor ELSE $4 END,
  currency = CASE WHEN $4::bigint IS NULL THEN currency ELSE $5 END,
  contract_on = CASE WHEN $3 = 'contract' THEN $6::date END,
  contract_minor = CASE WHEN $3 <> 'contract' THEN NULL WHEN $4::bigint IS NULL THEN value_minor ELSE $4 END,
  contract_currency = CASE WHEN $3 <> 'contract' THEN NULL WHEN $4::bigint IS NULL THEN currency ELSE $5 END,
  updated_at = $10, version = $2
WHERE id = $1`, e.DealID, version, string(e.Stage), minor, cur, e.On.String(), e.Note, nullID(e.MeetingID), nullID(e.ChangedBy), e.At)
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

func exec(ctx context.Context, tx pgx.Tx, sql string, args ...any) error {
	_, err := tx.Exec(ctx, sql, args...)
	return err
}

// nullID stores uuid.Nil (no demand) as NULL.
func nullID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

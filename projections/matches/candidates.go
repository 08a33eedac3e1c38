package matches

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain/schedule"
)

// RowQuerier runs one-row queries: a pool, a pgx transaction or an
// eventstore.Tx, so that a command can read in its own transaction.
type RowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Candidates returns the scheduling candidates among the given suppliers and
// buyers from the match lists (the matches read model): one pair per
// supplier, buyer and demand with the best score of the supplier's
// capabilities for that demand, ordered by supplier, buyer and demand.
// Like the match lists firms see, pairs whose certificates lapsed before
// day today (UTC) are left out. It is one row of JSON so that it runs on an
// eventstore.Tx too.
func Candidates(ctx context.Context, db RowQuerier, suppliers, buyers []uuid.UUID, today time.Time) ([]schedule.Pair, error) {
	if len(suppliers) == 0 || len(buyers) == 0 {
		return []schedule.Pair{}, nil
	}
	var rows []struct {
		S, B, D uuid.UUID
		Score   int
	}
	err := db.QueryRow(ctx, `SELECT coalesce(jsonb_agg(jsonb_build_object('s', supplier_id, 'b', buyer_id, 'd', demand_id,
  'score', score) ORDER BY supplier_id, buyer_id, demand_id), '[]')
FROM (SELECT supplier_id, buyer_id, demand_id, least(greatest(round(max(score)::numeric), 0), 100)::int AS score
      FROM matches WHERE supplier_id = ANY($1::uuid[]) AND buyer_id = ANY($2::uuid[])
        AND (expires_on IS NULL OR expires_on >= $3::date)
      GROUP BY supplier_id, buyer_id, demand_id) best`, suppliers, buyers, today.UTC().Format(time.DateOnly)).Scan(&rows)
	if err != nil {
		return nil, fmt.Errorf("conferences: candidates: %w", err)
	}
	out := make([]schedule.Pair, len(rows))
	for i, r := range rows {
		out[i] = schedule.Pair{Supplier: r.S, Buyer: r.B, Demand: r.D, Score: r.Score}
	}
	return out, nil
}

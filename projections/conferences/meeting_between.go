package conferences

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// rowQuerier runs a one-row query: a pool, or the command's transaction
// (eventstore.Tx) when a command checks a read model.
type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// MeetingBetween reports whether meeting id, as the conferences read model
// knows it, was between supplierID and buyerID.
func MeetingBetween(ctx context.Context, db rowQuerier, id, supplierID, buyerID uuid.UUID) (bool, error) {
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM conference_meetings WHERE id = $1 AND supplier_id = $2 AND buyer_id = $3)`,
		id, supplierID, buyerID).Scan(&ok)
	return ok, err
}

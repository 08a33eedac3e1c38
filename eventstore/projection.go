package eventstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Projection builds one read model from events. The projector (package
// eventstore/projector) runs projections; they live beside their read
// models.
//
// Apply is called once per event, in commit order, inside the transaction
// that also advances the projection's checkpoint; it must write only through
// tx and must be deterministic so that a rebuild equals the live model. It is
// never called concurrently for one projection. Reset empties the read model
// before a rebuild.
//
// Live, the transaction and r are shared with the other projections: Apply
// reads r (and r.Event) without changing it, and leaves the session's
// settings alone (no SET LOCAL; Reset runs in a rebuild's own transaction
// and may). Its writes sit behind a savepoint of its own, so that its
// failure rolls back only them.
//
// The tx given to Apply and Reset pipelines writes: Exec queues the statement
// and returns an empty CommandTag; queued statements are sent before any
// Query or QueryRow and when the batch of events (live, or a page of a
// catch-up or rebuild) is done. A failing statement fails the projection's
// batch, which is rolled back and read again, and is blamed on the event it
// was queued for. Use Query when a statement's result matters.
type Projection interface {
	Name() string
	Apply(ctx context.Context, tx pgx.Tx, r Record) error
	Reset(ctx context.Context, tx pgx.Tx) error
}

// ErrNotCaughtUp is returned by the projector's WaitFor when the projections
// did not reach the position in time.
var ErrNotCaughtUp = errors.New("eventstore: read model not caught up")

// ProjectionPool returns the pool projections are applied on (the main pool
// when Config.ProjectionPool was not set). It must never be used to append.
func (s *Store) ProjectionPool() *pgxpool.Pool { return s.ppool }

// ReadAllTx is ReadAll inside tx: a projector reads a page of events in the
// transaction that applies them and moves the checkpoint. Under REPEATABLE
// READ, the page and the horizon it stops at come from the same snapshot.
func (s *Store) ReadAllTx(ctx context.Context, tx pgx.Tx, from Position, limit int) ([]Record, error) {
	return s.readAll(ctx, tx, from, limit)
}

// Decode fills r.Event from r.Type, r.SchemaVersion and r.Payload, for
// records read other than through the store (a subscriber's messages).
// Unknown event types leave r.Event nil, for the projection to skip.
func (s *Store) Decode(r *Record) error { return s.decode(r) }

package projector

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pipeline is the pgx.Tx handed to projections. Exec only queues the
// statement; queued statements go to the server in one round trip when the
// projection reads (Query, QueryRow, SendBatch, CopyFrom), at the end of a
// live batch or of a page of events (catch-up, rebuild). So a projection
// that writes a row per event costs one round trip per batch rather than one
// per statement. Exec therefore returns an empty CommandTag: a projection
// that needs a statement's result must use Query.
//
// Each queued statement remembers the event it was queued for (owner), so
// that a statement failing later is blamed on its own event.
type pipeline struct {
	pgx.Tx
	batch  pgx.Batch
	owner  int   // the event now being applied, as its caller numbers them
	owners []int // the owner of each queued statement
	sent   bool  // a statement reached the server
}

// flushError is a queued statement that failed, with the event it was
// queued for.
type flushError struct {
	stmt, of, owner int
	err             error
}

func (e *flushError) Error() string {
	return fmt.Sprintf("statement %d of %d: %v", e.stmt, e.of, e.err)
}

func (e *flushError) Unwrap() error { return e.err }

var _ pgx.Tx = (*pipeline)(nil)

// Exec queues sql.
func (p *pipeline) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	p.batch.Queue(sql, args...)
	p.owners = append(p.owners, p.owner)
	return pgconn.CommandTag{}, nil
}

// flush sends the queued statements and reports the first failure.
func (p *pipeline) flush(ctx context.Context) error {
	if p.batch.Len() == 0 {
		return nil
	}
	b, owners := p.batch, p.owners // the results read the batch's queue: send a copy, reset ours
	p.batch, p.owners = pgx.Batch{}, nil
	p.sent = true
	n := b.Len()
	res := p.Tx.SendBatch(ctx, &b)
	for i := range n {
		if _, err := res.Exec(); err != nil {
			_ = res.Close()
			return &flushError{stmt: i + 1, of: n, owner: owners[i], err: err}
		}
	}
	return res.Close()
}

// Query flushes, then queries.
func (p *pipeline) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	return p.Tx.Query(ctx, sql, args...)
}

// QueryRow flushes, then queries.
func (p *pipeline) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := p.flush(ctx); err != nil {
		return errRow{err}
	}
	return p.Tx.QueryRow(ctx, sql, args...)
}

// SendBatch flushes, then sends b.
func (p *pipeline) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if err := p.flush(ctx); err != nil {
		return errBatch{err: err}
	}
	return p.Tx.SendBatch(ctx, b)
}

// CopyFrom flushes, then copies.
func (p *pipeline) CopyFrom(ctx context.Context, t pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	if err := p.flush(ctx); err != nil {
		return 0, err
	}
	return p.Tx.CopyFrom(ctx, t, cols, src)
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type errBatch struct {
	pgx.BatchResults // only to satisfy the interface; every method used is defined below
	err              error
}

func (b errBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, b.err }
func (b errBatch) Query() (pgx.Rows, error)         { return nil, b.err }
func (b errBatch) QueryRow() pgx.Row                { return errRow{b.err} }
func (b errBatch) Close() error                     { return b.err }

package eventstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pipeline is the pgx.Tx handed to projections. Exec only queues the
// statement; queued statements go to the server in one round trip when the
// projection reads (Query, QueryRow, SendBatch, CopyFrom), at the end of an
// event (live) or of a page of events (rebuild). So a projection that writes
// a row per event costs one round trip per event, or per page, rather than
// one per statement. Exec therefore returns an empty CommandTag: a projection
// that needs a statement's result must use Query.
type pipeline struct {
	pgx.Tx
	batch pgx.Batch
}

var _ pgx.Tx = (*pipeline)(nil)

// Exec queues sql.
func (p *pipeline) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	p.batch.Queue(sql, args...)
	return pgconn.CommandTag{}, nil
}

// flush sends the queued statements and reports the first failure.
func (p *pipeline) flush(ctx context.Context) error {
	if p.batch.Len() == 0 {
		return nil
	}
	b := p.batch // the results read the batch's queue: send a copy, reset ours
	p.batch = pgx.Batch{}
	n := b.Len()
	res := p.Tx.SendBatch(ctx, &b)
	for i := range n {
		if _, err := res.Exec(); err != nil {
			_ = res.Close()
			return fmt.Errorf("statement %d of %d: %w", i+1, n, err)
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

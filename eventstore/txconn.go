package eventstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// txConn is the connection of one unit of work (see Store.Update), which
// saves it round trips: its BEGIN is not sent alone but goes out in one
// round trip with the transaction's first statement, and statements queued
// with execAtCommit go out with its COMMIT. So a command on a cached
// aggregate costs a round trip for its lock and read (BEGIN included),
// one for its append and one for its commit (idempotency answer included).
// It is not safe for concurrent use.
type txConn struct {
	c     *pgxpool.Conn
	begun bool // BEGIN was sent
	// atCommit: statements sent just before COMMIT, in its round trip.
	atCommit pgx.Batch
}

var errCommitRolledBack = errors.New("eventstore: the transaction failed earlier and was rolled back")

// begin sends BEGIN on its own, for the statements that cannot carry it.
func (x *txConn) begin(ctx context.Context) error {
	if x.begun {
		return nil
	}
	x.begun = true
	_, err := x.c.Exec(ctx, "BEGIN")
	return err
}

// withBegin returns b, preceded by BEGIN when it was not sent yet.
func (x *txConn) withBegin(b *pgx.Batch) (*pgx.Batch, bool) {
	if x.begun {
		return b, false
	}
	x.begun = true
	nb := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, len(b.QueuedQueries)+1)}
	nb.Queue("BEGIN")
	nb.QueuedQueries = append(nb.QueuedQueries, b.QueuedQueries...)
	return nb, true
}

// Exec runs a statement, with BEGIN in the same round trip if it is the
// transaction's first.
func (x *txConn) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if x.begun {
		return x.c.Exec(ctx, sql, args...)
	}
	var b pgx.Batch
	b.Queue(sql, args...)
	res := x.SendBatch(ctx, &b)
	tag, err := res.Exec()
	return tag, firstError(err, res.Close())
}

// Query runs a query, with BEGIN in the same round trip if it is the
// transaction's first.
func (x *txConn) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if x.begun {
		return x.c.Query(ctx, sql, args...)
	}
	var b pgx.Batch
	b.Queue(sql, args...)
	res := x.SendBatch(ctx, &b)
	rows, err := res.Query()
	if err != nil {
		_ = res.Close()
		return nil, err
	}
	return batchRows{Rows: rows, res: res}, nil
}

// QueryRow runs a one-row query (after BEGIN, on its own, if it is the
// transaction's first statement: it is never the first of a command).
func (x *txConn) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := x.begin(ctx); err != nil {
		return failedRow{err}
	}
	return x.c.QueryRow(ctx, sql, args...)
}

// SendBatch sends b, preceded by BEGIN if it is the transaction's first.
func (x *txConn) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	b, first := x.withBegin(b)
	res := x.c.SendBatch(ctx, b)
	if first {
		if _, err := res.Exec(); err != nil {
			_ = res.Close()
			return failedBatch{err: err}
		}
	}
	return res
}

// execAtCommit queues a statement to run just before COMMIT, in its round
// trip; if it fails, the transaction rolls back and commit returns its
// error.
func (x *txConn) execAtCommit(sql string, args ...any) { x.atCommit.Queue(sql, args...) }

// commit sends the statements queued for the commit and COMMIT in one
// round trip. A transaction that never sent a statement has nothing to
// commit.
func (x *txConn) commit(ctx context.Context) error {
	if !x.begun && x.atCommit.Len() == 0 {
		return nil
	}
	b := &x.atCommit
	b.Queue("COMMIT")
	b, _ = x.withBegin(b)
	res := x.c.SendBatch(ctx, b)
	var err error
	for i := range b.Len() {
		var tag pgconn.CommandTag
		if tag, err = res.Exec(); err != nil {
			break
		}
		if i == b.Len()-1 && tag.String() != "COMMIT" {
			err = errCommitRolledBack
		}
	}
	return firstError(err, res.Close())
}

// firstError is err, or else closeErr: a failed statement's error comes
// back from the batch's Close too.
func firstError(err, closeErr error) error {
	if err != nil {
		return err
	}
	return closeErr
}

// release rolls back what was not committed and gives the connection back
// to the pool (which drops it if it is still in a transaction).
func (x *txConn) release(ctx context.Context) {
	if x.begun && x.c.Conn().PgConn().TxStatus() != 'I' && !x.c.Conn().IsClosed() {
		_, _ = x.c.Exec(ctx, "ROLLBACK")
	}
	x.c.Release()
}

// batchRows are the rows of a batch's last query: closing them ends the
// batch.
type batchRows struct {
	pgx.Rows
	res pgx.BatchResults
}

func (r batchRows) Close() {
	r.Rows.Close()
	_ = r.res.Close()
}

// failedRow is a row that failed before its query was sent.
type failedRow struct{ err error }

func (r failedRow) Scan(...any) error { return r.err }

// failedBatch is a batch whose BEGIN failed.
type failedBatch struct {
	pgx.BatchResults // only to satisfy the interface; every method used is defined below
	err              error
}

func (b failedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, b.err }
func (b failedBatch) Query() (pgx.Rows, error)         { return nil, b.err }
func (b failedBatch) QueryRow() pgx.Row                { return failedRow{b.err} }
func (b failedBatch) Close() error                     { return b.err }

var _ pgx.BatchResults = failedBatch{}

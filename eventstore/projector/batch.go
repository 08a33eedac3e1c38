package projector

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/keylink/keylink/eventstore"
)

// batchTx is a subscriber batch transaction as the projector sees it. The
// projection's writes for the whole batch queue in one pipeline and reach
// the server together with the checkpoint's advance to the last event
// applied, so a batch costs four round trips (begin, read, writes, commit)
// whatever its size. Once it has committed, its events count in the
// metrics.
//
// The checkpoint moves to the last event handle applied, not to the row
// Watermill acknowledges: on shutdown Watermill may count an event it
// delivered and handle applied as not acknowledged, and the writes and the
// checkpoint must still go together.
type batchTx struct {
	wsql.Tx
	mu       sync.Mutex // handle against Watermill's acknowledgement and commit
	pl       *pipeline
	p        *Projector
	pr       eventstore.Projection
	at       eventstore.Position // the last event applied, or the checkpoint the batch started from
	started  bool                // at is set
	recs     []appliedEvent
	failed   error // an event failed: the batch is rolled back and read again
	finished bool  // the writes and the checkpoint were sent
	begun    time.Time
}

// appliedEvent is what the metrics need of an applied event.
type appliedEvent struct {
	pos        eventstore.Position
	typ        string
	recordedAt time.Time
}

// errBatchFailed refuses the acknowledgement of a batch in which an event
// failed, so that Watermill rolls it back.
var errBatchFailed = errors.New("projector: an event of the batch failed; rolling it back")

// batchBeginner begins the subscriber's transactions on the projection pool
// and wraps them for the projector.
type batchBeginner struct {
	wsql.Beginner
	p  *Projector
	pr eventstore.Projection
}

func (b batchBeginner) BeginTx(ctx context.Context, opts *stdsql.TxOptions) (wsql.Tx, error) {
	tx, err := b.Beginner.BeginTx(ctx, opts)
	if err != nil {
		return tx, err
	}
	ptx, ok := tx.(*wsql.PgxTx)
	if !ok {
		_ = tx.Rollback()
		return nil, fmt.Errorf("projector: unexpected subscriber transaction %T", tx)
	}
	return &batchTx{Tx: tx, pl: &pipeline{Tx: ptx.Tx}, p: b.p, pr: b.pr, begun: time.Now()}, nil
}

// ExecContext is the batch's acknowledgement, the one statement Watermill
// runs through a batch transaction (the offsets adapter has no other): it
// sends the batch's queued writes with the checkpoint's advance, or refuses
// if an event failed. Watermill's statement itself is never sent.
func (t *batchTx) ExecContext(ctx context.Context, _ string, _ ...any) (wsql.Result, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.finish(ctx); err != nil {
		return nil, err
	}
	return wsql.PgxResult{}, nil
}

// finish sends the queued writes and the checkpoint's advance, once.
func (t *batchTx) finish(ctx context.Context) error {
	if t.failed != nil {
		return errBatchFailed
	}
	if t.finished {
		return nil
	}
	t.finished = true
	if !t.started {
		return nil // nothing was applied
	}
	t.pl.owner = -1
	_, _ = t.pl.Exec(ctx, advanceCheckpointSQL, t.pr.Name(), strconv.FormatUint(t.at.TransactionID, 10), t.at.Global)
	if err := t.pl.flush(ctx); err != nil {
		t.fail(err)
		return err
	}
	return nil
}

// advanceCheckpointSQL moves a checkpoint to ($2, $3) if that is ahead of it.
const advanceCheckpointSQL = `UPDATE projection_checkpoints
SET transaction_id = $2::text::xid8, global_position = $3, updated_at = now()
WHERE name = $1 AND (transaction_id, global_position) < ($2::text::xid8, $3)`

// Commit sends what is still queued, commits the batch and counts its
// events.
func (t *batchTx) Commit() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.finish(context.Background()); err != nil {
		_ = t.Tx.Rollback()
		return err
	}
	if err := t.Tx.Commit(); err != nil {
		return err
	}
	if n := len(t.recs); n > 0 && t.started {
		t.p.committed(t.pr.Name(), t.at, t.recs, t.begun)
	}
	return nil
}

// committed tells the waiters and the metrics that projection name
// committed the events of recs, up to at, in a batch begun at begun.
func (p *Projector) committed(name string, at eventstore.Position, recs []appliedEvent, begun time.Time) {
	p.watch.advance(name, at, recs)
	m := p.cfg.Metrics
	m.batch.WithLabelValues(name).Observe(time.Since(begun).Seconds())
	m.applied.WithLabelValues(name).Add(float64(len(recs)))
	m.checkpoint.WithLabelValues(name).Set(float64(at.Global))
	lag := m.lag.WithLabelValues(name)
	now := time.Now()
	for _, r := range recs {
		lag.Observe(now.Sub(r.recordedAt).Seconds())
	}
	p.setFailing(name, "")
}

// fail marks the batch failed and reports why: the event to blame when the
// database refused a statement queued for it or Apply failed on it, else
// the batch as a whole (the database away, say).
func (t *batchTx) fail(err error) {
	t.failed = err
	t.p.blame(t.pr.Name(), t.at, t.recs, err)
}

// blame reports that projection name failed on a batch after position at,
// having handled the events of recs: on the event whose statement the
// database refused or whose Apply failed (the last handled), else on the
// batch as a whole (the database away, say).
func (p *Projector) blame(name string, at eventstore.Position, recs []appliedEvent, err error) {
	if errors.Is(eventstore.Translate(err), eventstore.ErrUnavailable) {
		// A connection lost to a restart or a shutdown is no fault of the
		// events: blame none, and leave /readyz to report the database.
		p.log.Warn("projection batch interrupted: database unavailable; it will be retried",
			"projection", name, "err", err)
		return
	}
	p.cfg.Metrics.failures.WithLabelValues(name).Inc()
	var (
		fe  *flushError
		pge *pgconn.PgError
	)
	ev, blamed := appliedEvent{}, false
	switch {
	case errors.As(err, &fe):
		if errors.As(err, &pge) && fe.owner >= 0 && fe.owner < len(recs) {
			ev, blamed = recs[fe.owner], true
		}
	case len(recs) > 0: // Apply failed on the last event handled
		ev, blamed = recs[len(recs)-1], true
	}
	if !blamed {
		p.setFailing(name, fmt.Sprintf("batch after event %d: %v", at.Global, err))
		p.log.Error("projection batch failed; it will be retried", "projection", name, "err", err)
		return
	}
	p.setFailing(name, fmt.Sprintf("event %d (%s): %v", ev.pos.Global, ev.typ, err))
	p.log.Error("projection failed on an event; its batch will be retried",
		"projection", name, "position", ev.pos.Global, "type", ev.typ, "err", err)
}

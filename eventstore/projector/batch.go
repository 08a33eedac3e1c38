package projector

import (
	"context"
	stdsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/keylink/keylink/eventstore"
)

// batchTx is one live batch: a page of events read once, in one
// transaction that holds the checkpoint rows of the projections it applies
// the page to (SelectQuery locks them). The page is applied when Watermill
// acknowledges it (ExecContext): for each projection, the events after its
// checkpoint, behind a savepoint of its own, its writes pipelined in one
// round trip; then the checkpoints of every projection that succeeded move
// in one statement, and the batch commits once. A projection that fails is
// rolled back to its savepoint, reported, and leaves the shared batches to
// retry on its own (chase); the others commit.
type batchTx struct {
	wsql.Tx
	ptx   pgx.Tx
	p     *Projector
	begun time.Time

	mu          sync.Mutex // add against Watermill's acknowledgement and commit
	checkpoints map[string]eventstore.Position
	page        []pageEvent
	badPage     error // the checkpoints of the page could not be read
	finished    bool
	err         error       // the batch as a whole failed: rolled back
	applied     []applied   // after the commit: the waiters and the metrics
	failed      []failedRun // after the commit: leave the shared batches
}

// pageEvent is an event of the page, or why its message could not be read
// (blamed on the event, in every projection that needs it).
type pageEvent struct {
	rec eventstore.Record
	err error
}

// applied is what a projection applied in a batch.
type applied struct {
	name string
	at   eventstore.Position
	recs []appliedEvent
	took time.Duration
}

// failedRun is a projection whose part of a batch failed.
type failedRun struct {
	pr eventstore.Projection
}

// appliedEvent is what the metrics need of an applied event.
type appliedEvent struct {
	pos        eventstore.Position
	typ        string
	recordedAt time.Time
}

// batchBeginner begins the subscriber's transactions on the projection pool
// and wraps them for the projector.
type batchBeginner struct {
	wsql.Beginner
	p *Projector
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
	return &batchTx{Tx: tx, ptx: ptx.Tx, p: b.p, begun: time.Now()}, nil
}

// add takes one message of the page.
func (t *batchTx) add(msg *message.Message) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.checkpoints == nil && t.badPage == nil {
		t.checkpoints, t.badPage = parseCheckpoints(msg.Metadata.Get(mdCheckpoints))
	}
	rec, err := t.p.record(msg)
	t.page = append(t.page, pageEvent{rec: rec, err: err})
}

// parseCheckpoints reads the checkpoints a page was read after, a JSON
// object of "transaction_id/global_position" by projection.
func parseCheckpoints(s string) (map[string]eventstore.Position, error) {
	var raw map[string]string
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, fmt.Errorf("projector: bad checkpoints %q: %w", s, err)
	}
	out := make(map[string]eventstore.Position, len(raw))
	for name, v := range raw {
		at, err := parsePosition(v)
		if err != nil {
			return nil, err
		}
		out[name] = at
	}
	return out, nil
}

// ExecContext is the batch's acknowledgement, the one statement Watermill
// runs through a batch transaction (the offsets adapter has no other): the
// page is applied here, and Watermill's statement itself is never sent. An
// error (the database away) rolls the whole batch back, blaming no event.
func (t *batchTx) ExecContext(ctx context.Context, _ string, _ ...any) (wsql.Result, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.finish(ctx); err != nil {
		return nil, err
	}
	return wsql.PgxResult{}, nil
}

// finish applies the page, once.
func (t *batchTx) finish(ctx context.Context) error {
	if t.finished {
		return t.err
	}
	t.finished = true
	t.err = t.apply(ctx)
	return t.err
}

// part is one projection's share of a page.
type part struct {
	i      int // the projection's number, naming its savepoint
	pr     eventstore.Projection
	events []pageEvent
}

// apply applies the page to every projection whose checkpoint the batch
// holds, then moves their checkpoints in one statement. It first tries
// every projection's writes and the checkpoints in one round trip; if
// anything fails there, it rolls that attempt back and applies the
// projections one by one behind their own savepoints, so that the one that
// fails is found, rolled back alone and blamed.
func (t *batchTx) apply(ctx context.Context) error {
	if t.badPage != nil {
		return t.badPage
	}
	var parts []part
	for i, pr := range t.p.projections {
		if at, held := t.checkpoints[pr.Name()]; held {
			if events := t.after(at); len(events) > 0 {
				parts = append(parts, part{i: i, pr: pr, events: events})
			}
		}
	}
	if len(parts) == 0 {
		return nil
	}
	if len(parts) > 1 {
		err := t.applyTogether(ctx, parts)
		if err == nil || errors.Is(eventstore.Translate(err), eventstore.ErrUnavailable) {
			return err
		}
		t.applied = t.applied[:0]
	}
	var done []applied
	for _, pt := range parts {
		start := time.Now()
		if err := t.applyTo(ctx, pt.i, pt.pr, pt.events); err != nil {
			if errors.Is(eventstore.Translate(err), eventstore.ErrUnavailable) {
				return err
			}
			t.p.blame(pt.pr.Name(), err)
			t.failed = append(t.failed, failedRun{pr: pt.pr})
			continue
		}
		done = append(done, appliedTo(pt, time.Since(start)))
	}
	t.applied = done
	if len(done) == 0 {
		return nil
	}
	_, err := t.ptx.Exec(ctx, moveCheckpointsSQL, checkpointArgs(done)...)
	return err
}

// applyTogether applies every part and moves the checkpoints in one
// pipeline, behind one savepoint; on any failure it rolls back to it.
func (t *batchTx) applyTogether(ctx context.Context, parts []part) error {
	pl := &pipeline{Tx: t.ptx, owner: -1}
	_, _ = pl.Exec(ctx, "SAVEPOINT page")
	start := time.Now()
	err := func() error {
		var done []applied
		for _, pt := range parts {
			for _, e := range pt.events {
				if e.err != nil {
					return e.err
				}
				if err := pt.pr.Apply(ctx, pl, e.rec); err != nil {
					return err
				}
			}
			done = append(done, appliedTo(pt, time.Since(start)))
			start = time.Now()
		}
		_, _ = pl.Exec(ctx, moveCheckpointsSQL, checkpointArgs(done)...)
		if err := pl.flush(ctx); err != nil {
			return err
		}
		t.applied = done
		return nil
	}()
	if err == nil || !pl.sent {
		return err
	}
	if _, rerr := t.ptx.Exec(ctx, "ROLLBACK TO SAVEPOINT page"); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// moveCheckpointsSQL moves each named checkpoint forward to its position.
const moveCheckpointsSQL = `UPDATE projection_checkpoints c
SET transaction_id = v.tx::xid8, global_position = v.pos, updated_at = now()
FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v(name, tx, pos)
WHERE c.name = v.name AND (c.transaction_id, c.global_position) < (v.tx::xid8, v.pos)`

func checkpointArgs(done []applied) []any {
	names, txs, globals := make([]string, len(done)), make([]string, len(done)), make([]int64, len(done))
	for i, a := range done {
		names[i], txs[i], globals[i] = a.name, strconv.FormatUint(a.at.TransactionID, 10), a.at.Global
	}
	return []any{names, txs, globals}
}

func appliedTo(pt part, took time.Duration) applied {
	return applied{name: pt.pr.Name(), at: pt.events[len(pt.events)-1].rec.Position, recs: appliedEvents(pt.events), took: took}
}

// after returns the events of the page after at: the page is in commit
// order.
func (t *batchTx) after(at eventstore.Position) []pageEvent {
	for i, e := range t.page {
		if at.Less(e.rec.Position) {
			return t.page[i:]
		}
	}
	return nil
}

// applyTo applies events to pr behind savepoint number i, and rolls back to
// it if they fail: the projection's writes go in one round trip (more if
// it reads).
func (t *batchTx) applyTo(ctx context.Context, i int, pr eventstore.Projection, events []pageEvent) error {
	savepoint := "projection_" + strconv.Itoa(i)
	pl := &pipeline{Tx: t.ptx, owner: -1}
	_, _ = pl.Exec(ctx, "SAVEPOINT "+savepoint)
	err := func() error {
		for k, e := range events {
			if e.err != nil {
				return &eventError{pos: e.rec.Position, typ: e.rec.Type, err: e.err}
			}
			pl.owner = k
			if err := pr.Apply(ctx, pl, e.rec); err != nil {
				return blameIn(err, k, func(k int) eventstore.Record { return events[k].rec })
			}
		}
		return blameIn(pl.flush(ctx), -1, func(k int) eventstore.Record { return events[k].rec })
	}()
	if err == nil || !pl.sent {
		return err // nothing of pr's reached the server
	}
	if _, rerr := t.ptx.Exec(ctx, "ROLLBACK TO SAVEPOINT "+savepoint); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// Commit commits the batch, then tells the waiters and the metrics what it
// applied, and sends the projections that failed to retry on their own.
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
	for _, a := range t.applied {
		t.p.committed(a.name, a.at, a.recs, a.took)
	}
	for _, f := range t.failed {
		t.p.chase(t.p.runCtx(), f.pr, t.p.cfg.RetryInterval)
	}
	return nil
}

func appliedEvents(events []pageEvent) []appliedEvent {
	out := make([]appliedEvent, len(events))
	for i, e := range events {
		out[i] = appliedEvent{pos: e.rec.Position, typ: e.rec.Type, recordedAt: e.rec.RecordedAt}
	}
	return out
}

// committed tells the waiters and the metrics that projection name
// committed the events of recs, up to at, its part of the batch having
// taken took.
func (p *Projector) committed(name string, at eventstore.Position, recs []appliedEvent, took time.Duration) {
	p.watch.advance(name, at, recs)
	m := p.cfg.Metrics
	if len(recs) == 0 {
		m.checkpoint.WithLabelValues(name).Set(float64(at.Global))
		p.setFailing(name, "")
		return // a catch-up pass: counted by its caller
	}
	m.batch.WithLabelValues(name).Observe(took.Seconds())
	m.applied.WithLabelValues(name).Add(float64(len(recs)))
	m.checkpoint.WithLabelValues(name).Set(float64(at.Global))
	lag := m.lag.WithLabelValues(name)
	now := time.Now()
	for _, r := range recs {
		lag.Observe(now.Sub(r.recordedAt).Seconds())
	}
	p.setFailing(name, "")
}

// eventError is a projection's failure on one event.
type eventError struct {
	pos eventstore.Position
	typ string
	err error
}

func (e *eventError) Error() string {
	return fmt.Sprintf("event %d (%s): %v", e.pos.Global, e.typ, e.err)
}

func (e *eventError) Unwrap() error { return e.err }

// blameIn names the event to blame for err, which came while applying the
// event numbered current (-1: none) of a run whose events rec returns: the
// event whose statement the database refused, if a queued statement
// failed, else the current one.
func blameIn(err error, current int, rec func(int) eventstore.Record) error {
	if err == nil {
		return nil
	}
	var (
		fe  *flushError
		pge *pgconn.PgError
	)
	if errors.As(err, &fe) && errors.As(err, &pge) && fe.owner >= 0 {
		current = fe.owner
	}
	if current < 0 {
		return err
	}
	r := rec(current)
	return &eventError{pos: r.Position, typ: r.Type, err: err}
}

// blame reports that projection name failed: on an event when err names
// one, else as a whole. The database away is no fault of the events: no
// projection is marked failing for it, and /readyz reports the database.
func (p *Projector) blame(name string, err error) {
	if errors.Is(eventstore.Translate(err), eventstore.ErrUnavailable) {
		p.log.Warn("projection interrupted: database unavailable; it will be retried", "projection", name, "err", err)
		return
	}
	p.cfg.Metrics.failures.WithLabelValues(name).Inc()
	var ee *eventError
	if errors.As(err, &ee) {
		p.setFailing(name, fmt.Sprintf("event %d (%s): %v", ee.pos.Global, ee.typ, ee.err))
		p.log.Error("projection failed on an event; it will be retried",
			"projection", name, "position", ee.pos.Global, "type", ee.typ, "err", ee.err)
		return
	}
	p.setFailing(name, err.Error())
	p.log.Error("projection failed; it will be retried", "projection", name, "err", err)
}

package projector

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/keylink/keylink/eventstore"
)

// chase takes pr out of the shared batches and catches it up on its own,
// after delay: catch-up passes of CatchUpPage events (BatchSize if there
// is no catch-up), each its own transaction, until one comes back short;
// then pr joins the shared batches again. A pass that fails (a poison
// event, the database away) is reported and retried after RetryInterval,
// while the other projections go on. chase returns at once; a projection
// already out is left to its chaser.
func (p *Projector) chase(ctx context.Context, pr eventstore.Projection, delay time.Duration) {
	p.mu.Lock()
	if p.out[pr.Name()] {
		p.mu.Unlock()
		return
	}
	p.out[pr.Name()] = true
	p.mu.Unlock()
	p.chasers.Add(1)
	go func() {
		defer p.chasers.Done()
		page := p.cfg.CatchUpPage
		if page <= 0 {
			page = p.cfg.BatchSize
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(delay):
			}
			n, err := p.pass(ctx, pr, page)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				p.blame(pr.Name(), err)
				delay = p.cfg.RetryInterval
				continue
			}
			if n < page {
				p.mu.Lock()
				delete(p.out, pr.Name())
				p.mu.Unlock()
				return
			}
			delay = 0
		}
	}()
}

// pass runs one catch-up pass of at most page events and reports it.
func (p *Projector) pass(ctx context.Context, pr eventstore.Projection, page int) (int, error) {
	var n int
	start := time.Now()
	if err := replay(ctx, p.s, pr, false, page, func(k int) { n += k }); err != nil {
		return n, err
	}
	p.setFailing(pr.Name(), "") // before anything else: a waiter may stop us now
	if n == 0 {
		return 0, nil
	}
	if at, err := readCheckpoint(context.WithoutCancel(ctx), p.s.ProjectionPool(), pr.Name()); err == nil {
		p.committed(pr.Name(), at, nil, time.Since(start))
	}
	p.cfg.Metrics.applied.WithLabelValues(pr.Name()).Add(float64(n))
	if n >= page {
		p.log.Info("projection catching up", "projection", pr.Name(), "events", n)
	}
	return n, nil
}

// Rebuild empties pr's read model and replays every event of s from
// position 0. The reset and the bulk of the replay run in one transaction,
// so readers see the old model until the new one is complete; the
// checkpoint row stays locked meanwhile, pausing the live subscription.
// Events of transactions still running when the replay reached them are
// applied afterwards in short catch-up transactions, until the projection
// has every committed event. progress, if not nil, is told how far it got.
func Rebuild(ctx context.Context, s *eventstore.Store, pr eventstore.Projection, progress func(done, total int64)) error {
	var total, done int64
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&total); err != nil {
		return eventstore.Translate(err)
	}
	report := func(n int) {
		done += int64(n)
		if done > total {
			total = done
		}
		if progress != nil {
			progress(done, total)
		}
	}
	if err := replay(ctx, s, pr, true, 0, report); err != nil {
		return err
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		var behind bool
		err := s.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events e, projection_checkpoints c
WHERE c.name = $1 AND (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position))`, pr.Name()).Scan(&behind)
		if err != nil {
			return eventstore.Translate(err)
		}
		if !behind {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		if err := replay(ctx, s, pr, false, 0, report); err != nil {
			return err
		}
	}
}

// replay applies, in one transaction, the committed events after pr's
// checkpoint (after position 0 when reset), at most limit of them when limit
// is positive, then moves the checkpoint. Each page is read under a fresh
// snapshot below its horizon, in commit order, so no page can hold an event
// that sorts before the previous page's last.
func replay(ctx context.Context, s *eventstore.Store, pr eventstore.Projection, reset bool, limit int, report func(int)) error {
	tx, err := s.ProjectionPool().Begin(ctx)
	if err != nil {
		return eventstore.Translate(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := ensureCheckpoints(ctx, tx, pr.Name()); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE`, pr.Name()); err != nil {
		return eventstore.Translate(err)
	}
	at, err := readCheckpoint(ctx, tx, pr.Name())
	if err != nil {
		return eventstore.Translate(err)
	}
	pl := &pipeline{Tx: tx, owner: -1}
	if reset {
		if err := pr.Reset(ctx, pl); err != nil {
			return err
		}
		at = eventstore.Position{}
	}
	if err := pl.flush(ctx); err != nil { // the reset's writes
		return fmt.Errorf("rebuild %s: %w", pr.Name(), err)
	}
	for done := 0; limit <= 0 || done < limit; {
		page := 2000
		if limit > 0 {
			page = min(page, limit-done)
		}
		recs, err := s.ReadAllTx(ctx, tx, at, page)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			break
		}
		for i, r := range recs {
			pl.owner = i
			if err := pr.Apply(ctx, pl, r); err != nil {
				return fmt.Errorf("rebuild %s: %w", pr.Name(), blameIn(err, i, func(k int) eventstore.Record { return recs[k] }))
			}
		}
		if err := pl.flush(ctx); err != nil {
			return fmt.Errorf("rebuild %s: %w", pr.Name(), blameIn(err, -1, func(k int) eventstore.Record { return recs[k] }))
		}
		at = recs[len(recs)-1].Position
		done += len(recs)
		report(len(recs))
	}
	if _, err := tx.Exec(ctx, `UPDATE projection_checkpoints SET transaction_id = $2::text::xid8, global_position = $3, updated_at = now() WHERE name = $1`,
		pr.Name(), strconv.FormatUint(at.TransactionID, 10), at.Global); err != nil {
		return eventstore.Translate(err)
	}
	return eventstore.Translate(tx.Commit(ctx))
}

// ensureCheckpoints creates the checkpoint rows of names that have none,
// at position 0, so that there is a row to lock.
func ensureCheckpoints(ctx context.Context, q interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, names ...string) error {
	_, err := q.Exec(ctx, `INSERT INTO projection_checkpoints (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, names)
	return eventstore.Translate(err)
}

func readCheckpoint(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, name string) (eventstore.Position, error) {
	var (
		at   eventstore.Position
		txid string
	)
	err := q.QueryRow(ctx, `SELECT transaction_id::text, global_position FROM projection_checkpoints WHERE name = $1`, name).Scan(&txid, &at.Global)
	if err != nil {
		return at, err
	}
	at.TransactionID, err = strconv.ParseUint(txid, 10, 64)
	return at, err
}

package projector_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
)

// queryCounter counts the statements sent through a pool.
type queryCounter struct{ n *atomic.Int64 }

func (q queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}

func (queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// countedPool opens a pool on base's database whose statements n counts.
func countedPool(t *testing.T, base *pgxpool.Pool, projector bool, n *atomic.Int64) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(base.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = queryCounter{n}
	if projector {
		eventstore.ConfigureProjectionPool(cfg)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// 1,000 requests waiting for a read model cost the database one query each
// when they arrive and then, together, one query per WaitPoll; this
// process's projection wakes them all as soon as it applies the event.
func TestThousandWaitersCostOneQuery(t *testing.T) {
	t.Parallel()
	_, base := newStore(t)
	var lookups, polls atomic.Int64 // queries on the main pool, on the projection pool
	pool, ppool := countedPool(t, base, false, &lookups), countedPool(t, base, true, &polls)
	reg, err := eventstore.NewRegistry(counted{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := eventstore.New(pool, eventstore.Config{Registry: reg, Logger: slog.New(slog.DiscardHandler), ProjectionPool: ppool})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st := eventstore.StreamOf("test", uuid.New())
	first, err := s.Append(ctx, st, eventstore.NoStream, counted{N: 1})
	if err != nil {
		t.Fatal(err)
	}
	lookups.Store(0)
	const waitPoll = 25 * time.Millisecond
	pr, err := projector.New(s, projector.Config{PollInterval: 5 * time.Millisecond, WaitPoll: waitPoll}, &noop{})
	if err != nil {
		t.Fatal(err)
	}
	// The projection is not running yet and the event waited for is not
	// written yet: the worst case, as each waiter once polled for it.
	const waiters = 1000
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	errs := make(chan error, waiters)
	for range waiters {
		go func() { errs <- pr.WaitFor(wctx, []string{"noop"}, first.Position+1) }()
	}
	// Each waiter looks its position up once, on the main pool.
	for lookups.Load() < waiters {
		select {
		case err := <-errs:
			t.Fatalf("a waiter returned early: %v", err)
		case <-time.After(time.Millisecond):
		}
	}
	start, n0, p0 := time.Now(), lookups.Load(), polls.Load()
	<-time.After(time.Second)
	d := time.Since(start)
	n, p := lookups.Load()-n0, polls.Load()-p0
	perSecond := float64(n+p) / d.Seconds()
	t.Logf("%d waiters: %d lookups on arrival, then %.0f queries/s (%d lookups, %d polls in %v)",
		waiters, n0, perSecond, n, p, d.Round(time.Millisecond))
	if n0 != waiters || n != 0 {
		t.Fatalf("%d waiters made %d lookups, then %d more", waiters, n0, n)
	}
	if limit := 2 * float64(time.Second/waitPoll); perSecond > limit {
		t.Fatalf("%d waiters cost %.0f queries/s, want at most %.0f", waiters, perSecond, limit)
	}
	if pr.Waiting() != waiters {
		t.Fatalf("%d waiting, want %d", pr.Waiting(), waiters)
	}

	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- pr.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-ran; err != nil {
			t.Error(err)
		}
	}()
	if _, err := s.Append(ctx, st, 1, counted{N: 2}); err != nil {
		t.Fatal(err)
	}
	for range waiters {
		if err := <-errs; err != nil {
			t.Fatalf("waiter: %v", err)
		}
	}
	// A position nobody writes still times out.
	short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancelShort()
	if err := pr.WaitFor(short, []string{"noop"}, first.Position+1000); !errors.Is(err, eventstore.ErrNotCaughtUp) {
		t.Fatalf("wait for an unwritten position: %v", err)
	}
	if pr.Waiting() != 0 {
		t.Fatalf("%d waiters left", pr.Waiting())
	}
}

// A projection applied by another process (here: another projector on the
// same database) wakes the waiters through the shared poll.
func TestWaitersSeeAnotherProcess(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	res, err := s.Append(ctx, eventstore.StreamOf("test", uuid.New()), eventstore.NoStream, counted{N: 1})
	if err != nil {
		t.Fatal(err)
	}
	idle, _ := projector.New(s, projector.Config{}, &noop{})
	busy, _ := projector.New(s, projector.Config{PollInterval: 5 * time.Millisecond}, &noop{})
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- busy.Run(runCtx) }()
	defer func() { stop(); <-ran }()
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := idle.WaitFor(wctx, []string{"noop"}, res.Position); err != nil {
		t.Fatal(err)
	}
}

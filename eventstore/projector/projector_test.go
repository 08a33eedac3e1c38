package projector_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/eventstoretest"
	"github.com/keylink/keylink/eventstore/projector"
)

// The shared test environment, under the names these tests use.
type counted = eventstoretest.Counted

var (
	newStore       = eventstoretest.NewStore
	projectionPool = eventstoretest.ProjectionPool
	stream         = eventstoretest.Stream
)

// seen is a projection that records every event it applies, counting
// duplicates instead of failing on them.
type seen struct {
	name    string
	applied atomic.Int64
	onApply func(n int64)
}

func (p *seen) Name() string { return p.name }

func (p *seen) Reset(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `DELETE FROM seen WHERE projection = $1`, p.name)
	return err
}

func (p *seen) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	if _, ok := r.Event.(counted); !ok {
		return fmt.Errorf("event %d not decoded", r.Position.Global)
	}
	_, err := tx.Exec(ctx, `INSERT INTO seen (projection, position) VALUES ($1, $2)
ON CONFLICT (projection, position) DO UPDATE SET dups = seen.dups + 1`, p.name, r.Position.Global)
	if err == nil && p.onApply != nil {
		p.onApply(p.applied.Add(1))
	}
	return err
}

func createSeen(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), `CREATE TABLE seen (projection text, position bigint, dups int NOT NULL DEFAULT 0, PRIMARY KEY (projection, position))`); err != nil {
		t.Fatal(err)
	}
}

// lastEvent returns the global position of the last event in commit order.
func lastEvent(t *testing.T, pool *pgxpool.Pool) int64 {
	t.Helper()
	var pos int64
	if err := pool.QueryRow(context.Background(), `SELECT global_position FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`).Scan(&pos); err != nil {
		t.Fatal(err)
	}
	return pos
}

func checkSeenExactlyOnce(t *testing.T, pool *pgxpool.Pool, name string, want int) {
	t.Helper()
	var n, dups, missing int
	err := pool.QueryRow(context.Background(), `SELECT
  (SELECT count(*) FROM seen WHERE projection = $1),
  (SELECT coalesce(sum(dups), 0) FROM seen WHERE projection = $1),
  (SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM seen s WHERE s.projection = $1 AND s.position = e.global_position))`,
		name).Scan(&n, &dups, &missing)
	if err != nil {
		t.Fatal(err)
	}
	if n != want || dups != 0 || missing != 0 {
		t.Fatalf("projection %s saw %d events (want %d), %d duplicates, %d missing", name, n, want, dups, missing)
	}
	var cpTx, lastTx string
	var cpPos, lastPos int64
	err = pool.QueryRow(context.Background(), `SELECT c.transaction_id::text, c.global_position, l.transaction_id::text, l.global_position
FROM projection_checkpoints c, (SELECT transaction_id, global_position FROM events ORDER BY 1 DESC, 2 DESC LIMIT 1) l
WHERE c.name = $1`, name).Scan(&cpTx, &cpPos, &lastTx, &lastPos)
	if err != nil {
		t.Fatal(err)
	}
	if cpTx != lastTx || cpPos != lastPos {
		t.Fatalf("checkpoint (%s, %d), last event (%s, %d)", cpTx, cpPos, lastTx, lastPos)
	}
}

func TestProjectionNeverSkipsOutOfOrderCommits(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	createSeen(t, pool)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	proj := &seen{name: "seen"}
	pr, err := projector.New(s, projector.Config{PollInterval: 5 * time.Millisecond, BatchSize: 200}, proj)
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan error, 1)
	go func() { ran <- pr.Run(ctx) }()

	const writers, total, streams = 16, 20000, 500
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for {
				n := int(next.Add(1))
				if n > total {
					return
				}
			retry:
				err := s.Update(ctx, func(ctx context.Context, tx *eventstore.Tx) error {
					if _, err := tx.Append(ctx, stream(rng.IntN(streams)), eventstore.Any, counted{N: n}); err != nil {
						return err
					}
					// Hold the commit so that later positions commit first.
					if rng.IntN(10) == 0 {
						time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
					}
					return nil
				})
				if errors.Is(err, eventstore.ErrVersionConflict) {
					goto retry // two writers raced on one stream with Any; write it again
				}
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	if err := pr.WaitFor(wctx, []string{"seen"}, lastEvent(t, pool)); err != nil {
		t.Fatalf("projection did not catch up: %v", err)
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	checkSeenExactlyOnce(t, pool, "seen", total)
	// Every stream is gap-free.
	var gaps int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM (SELECT stream_id, max(version) m, count(*) c FROM events GROUP BY stream_id) x WHERE m <> c`).Scan(&gaps); err != nil || gaps != 0 {
		t.Fatalf("streams with gaps: %d (%v)", gaps, err)
	}
}

func TestProjectionResumesAfterStop(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	createSeen(t, pool)
	ctx := context.Background()
	const total = 1000
	for i := range total / 10 {
		evs := make([]domain.Event, 10)
		for j := range evs {
			evs[j] = counted{N: i*10 + j}
		}
		if _, err := s.Append(ctx, stream(i%7), eventstore.Any, evs...); err != nil {
			t.Fatal(err)
		}
	}
	// First run: stop in the middle of a batch.
	runCtx, stop := context.WithCancel(ctx)
	proj := &seen{name: "seen", onApply: func(n int64) {
		if n == 321 {
			stop()
		}
	}}
	// No catch-up pass: this test is about the live Watermill subscription.
	pr, _ := projector.New(s, projector.Config{PollInterval: 5 * time.Millisecond, BatchSize: 100, CatchUpPage: -1}, proj)
	if err := pr.Run(runCtx); err != nil {
		t.Fatal(err)
	}
	var applied int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM seen`).Scan(&applied)
	t.Logf("first run applied %d of %d events", applied, total)
	if applied < 321 || applied >= total {
		t.Fatalf("first run applied %d events, want a stop mid-stream", applied)
	}
	// Second run resumes from the checkpoint.
	runCtx2, stop2 := context.WithCancel(ctx)
	defer stop2()
	pr2, _ := projector.New(s, projector.Config{PollInterval: 5 * time.Millisecond, BatchSize: 100}, &seen{name: "seen"})
	ran := make(chan error, 1)
	go func() { ran <- pr2.Run(runCtx2) }()
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	if err := pr2.WaitFor(wctx, []string{"seen"}, lastEvent(t, pool)); err != nil {
		t.Fatal(err)
	}
	stop2()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	checkSeenExactlyOnce(t, pool, "seen", total)
}

// poison fails on one event until healed.
type poison struct {
	seen
	bad    int
	healed atomic.Bool
}

func (p *poison) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	if c, _ := r.Event.(counted); c.N == p.bad && !p.healed.Load() {
		return errors.New("cannot apply")
	}
	return p.seen.Apply(ctx, tx, r)
}

func TestPoisonEventStopsOnlyItsProjection(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	createSeen(t, pool)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const total = 50
	for i := range total {
		if _, err := s.Append(ctx, stream(i), eventstore.NoStream, counted{N: i}); err != nil {
			t.Fatal(err)
		}
	}
	bad := &poison{seen: seen{name: "bad"}, bad: 20}
	good := &seen{name: "good"}
	pr, _ := projector.New(s, projector.Config{PollInterval: 5 * time.Millisecond, RetryInterval: 20 * time.Millisecond, BatchSize: 7, CatchUpPage: -1}, bad, good)
	ran := make(chan error, 1)
	go func() { ran <- pr.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	last := lastEvent(t, pool)
	if err := pr.WaitFor(wctx, []string{"good"}, last); err != nil {
		t.Fatal(err)
	}
	for len(pr.Failing()) == 0 {
		select {
		case <-wctx.Done():
			t.Fatal("the poisoned projection is not reported")
		case <-time.After(5 * time.Millisecond):
		}
	}
	if _, ok := pr.Failing()["bad"]; !ok {
		t.Fatalf("failing: %v", pr.Failing())
	}
	bad.healed.Store(true)
	if err := pr.WaitFor(wctx, []string{"bad"}, last); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-ran
	checkSeenExactlyOnce(t, pool, "good", total)
	checkSeenExactlyOnce(t, pool, "bad", total)
}

func TestCatchUpThenLive(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	createSeen(t, pool)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := range 250 {
		if _, err := s.Append(ctx, stream(i%11), eventstore.Any, counted{N: i}); err != nil {
			t.Fatal(err)
		}
	}
	// Pages of 100: the catch-up takes three passes, then the live
	// subscription delivers what comes after.
	pr, _ := projector.New(s, projector.Config{PollInterval: 5 * time.Millisecond, CatchUpPage: 100}, &seen{name: "seen"})
	ran := make(chan error, 1)
	go func() { ran <- pr.Run(ctx) }()
	for i := range 50 {
		if _, err := s.Append(ctx, stream(i%11), eventstore.Any, counted{N: i}); err != nil {
			t.Fatal(err)
		}
	}
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	if err := pr.WaitFor(wctx, []string{"seen"}, lastEvent(t, pool)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	checkSeenExactlyOnce(t, pool, "seen", 300)
}

func TestRebuildEqualsLive(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	createSeen(t, pool)
	ctx := context.Background()
	for i := range 300 {
		if _, err := s.Append(ctx, stream(i%13), eventstore.Any, counted{N: i}); err != nil {
			t.Fatal(err)
		}
	}
	var calls int64
	if err := projector.Rebuild(ctx, s, &seen{name: "seen"}, func(done, total int64) { calls = done; t.Logf("progress %d/%d", done, total) }); err != nil {
		t.Fatal(err)
	}
	if calls != 300 {
		t.Fatalf("progress reported %d", calls)
	}
	checkSeenExactlyOnce(t, pool, "seen", 300)
	// A second rebuild starts from an empty model again.
	if err := projector.Rebuild(ctx, s, &seen{name: "seen"}, nil); err != nil {
		t.Fatal(err)
	}
	checkSeenExactlyOnce(t, pool, "seen", 300)
}

// sqlPoison queues a statement that fails on one event until healed: the
// failure surfaces only when the batch's writes are sent, after later
// events were applied, and must still be blamed on its own event.
type sqlPoison struct {
	seen
	bad    int
	healed atomic.Bool
}

func (p *sqlPoison) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	if c, _ := r.Event.(counted); c.N == p.bad && !p.healed.Load() {
		if _, err := tx.Exec(ctx, `SELECT 1 / 0`); err != nil {
			return err
		}
	}
	return p.seen.Apply(ctx, tx, r)
}

func TestFailedStatementIsBlamedOnItsEvent(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	createSeen(t, pool)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const total = 30
	var badAt int64
	for i := range total {
		res, err := s.Append(ctx, stream(i), eventstore.NoStream, counted{N: i})
		if err != nil {
			t.Fatal(err)
		}
		if i == 12 {
			badAt = res.Position
		}
	}
	bad := &sqlPoison{seen: seen{name: "bad"}, bad: 12}
	pr, _ := projector.New(s, projector.Config{PollInterval: 5 * time.Millisecond, RetryInterval: 20 * time.Millisecond, BatchSize: 100, CatchUpPage: -1}, bad)
	ran := make(chan error, 1)
	go func() { ran <- pr.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	for pr.Failing()["bad"] == "" {
		select {
		case <-wctx.Done():
			t.Fatal("the failing projection is not reported")
		case <-time.After(5 * time.Millisecond):
		}
	}
	if why, want := pr.Failing()["bad"], fmt.Sprintf("event %d (Counted)", badAt); !strings.HasPrefix(why, want) {
		t.Fatalf("failing: %q, want it to start with %q", why, want)
	}
	// Earlier batches may have committed (other tests' transactions can
	// hold the horizon back and split the events); the failed one left
	// nothing past the checkpoint, which stays before the bad event.
	var at int64
	var beyond int
	if err := pool.QueryRow(ctx, `SELECT c.global_position, (SELECT count(*) FROM seen s WHERE s.position > c.global_position)
FROM projection_checkpoints c WHERE c.name = 'bad'`).Scan(&at, &beyond); err != nil || beyond != 0 || at >= badAt {
		t.Fatalf("after the failure: checkpoint %d (bad event %d), %d rows past it (%v)", at, badAt, beyond, err)
	}
	bad.healed.Store(true)
	if err := pr.WaitFor(wctx, []string{"bad"}, lastEvent(t, pool)); err != nil {
		t.Fatal(err)
	}
	// The waiter may see the healed pass's checkpoint (another process's
	// progress is read from the database) a moment before the pass clears
	// the failure it reports: give it that moment, not more.
	for len(pr.Failing()) != 0 {
		select {
		case <-wctx.Done():
			t.Fatalf("still failing after healing: %v", pr.Failing())
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	<-ran
	checkSeenExactlyOnce(t, pool, "bad", total)
}

// In the shared batches, a projection whose writes the database refuses is
// rolled back to its own savepoint: the projections applied before it in
// the same transaction keep their writes, those after it apply theirs, and
// all but the failing one reach the last event; "after" has a reader of
// its own.
func TestFailingProjectionRollsBackOnlyItself(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	createSeen(t, pool)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const total = 40
	var badAt int64
	for i := range total {
		res, err := s.Append(ctx, stream(i), eventstore.NoStream, counted{N: i})
		if err != nil {
			t.Fatal(err)
		}
		if i == 25 {
			badAt = res.Position
		}
	}
	before, after := &seen{name: "before"}, &seen{name: "after"}
	bad := &sqlPoison{seen: seen{name: "bad"}, bad: 25}
	pr, _ := projector.New(s, projector.Config{PollInterval: 5 * time.Millisecond, RetryInterval: 20 * time.Millisecond, BatchSize: 100, CatchUpPage: -1,
		Separate: []string{"after"}}, before, bad, after)
	ran := make(chan error, 1)
	go func() { ran <- pr.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	defer wcancel()
	last := lastEvent(t, pool)
	if err := pr.WaitFor(wctx, []string{"before", "after"}, last); err != nil {
		t.Fatal(err)
	}
	for pr.Failing()["bad"] == "" {
		select {
		case <-wctx.Done():
			t.Fatal("the failing projection is not reported")
		case <-time.After(5 * time.Millisecond):
		}
	}
	if why, want := pr.Failing()["bad"], fmt.Sprintf("event %d (Counted)", badAt); !strings.HasPrefix(why, want) {
		t.Fatalf("failing: %q, want it to start with %q", why, want)
	}
	bad.healed.Store(true)
	if err := pr.WaitFor(wctx, []string{"bad"}, last); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-ran
	for _, name := range []string{"before", "bad", "after"} {
		checkSeenExactlyOnce(t, pool, name, total)
	}
}

package eventstore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/idempotency"
)

var tallies = eventstore.NewRepository[*tally]("test")

// newTally creates a tally stream holding n and returns its id.
func newTally(t *testing.T, s *eventstore.Store, n int) uuid.UUID {
	t.Helper()
	id := uuid.New()
	err := s.Update(context.Background(), func(ctx context.Context, tx *eventstore.Tx) error {
		agg := &tally{}
		agg.add(n)
		res, err := tallies.Create(ctx, tx, id, agg)
		if err == nil && res.Version != 1 {
			err = fmt.Errorf("created at version %d, want 1", res.Version)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// update runs Update on tally id with expected, adding n.
func update(s *eventstore.Store, id uuid.UUID, expected *int64, n int) (eventstore.AppendResult, error) {
	var res eventstore.AppendResult
	err := s.Update(context.Background(), func(ctx context.Context, tx *eventstore.Tx) error {
		var err error
		res, err = tallies.Update(ctx, tx, id, expected, func(a *tally) error { a.add(n); return nil })
		return err
	})
	return res, err
}

func version(v int64) *int64 { return &v }

// An If-Match at the stream's version passes; one at another version is
// ErrPreconditionFailed and writes nothing.
func TestRepositoryIfMatch(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	id := newTally(t, s, 1)
	res, err := update(s, id, version(1), 2)
	if err != nil || res.Version != 2 {
		t.Fatalf("update at the stream's version: %+v, %v; want version 2", res, err)
	}
	for _, stale := range []int64{0, 1, 3} {
		if _, err := update(s, id, version(stale), 3); !errors.Is(err, eventstore.ErrPreconditionFailed) {
			t.Errorf("If-Match %d on a stream at 2: %v, want ErrPreconditionFailed", stale, err)
		}
	}
	if got, want := stored(t, s, tallies.Stream(id)), []int{1, 2}; !slices.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
}

// Update of a stream that does not exist is a not-found and creates
// nothing; Upsert decides on the empty aggregate instead.
func TestRepositoryEmptyStream(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	id := uuid.New()
	if _, err := update(s, id, nil, 1); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("update of an empty stream: %v, want domain.ErrNotFound", err)
	}
	if got := stored(t, s, tallies.Stream(id)); len(got) != 0 {
		t.Fatalf("stored %v after a not-found", got)
	}
	err := s.Update(context.Background(), func(ctx context.Context, tx *eventstore.Tx) error {
		_, err := tallies.Upsert(ctx, tx, id, version(0), func(a *tally) error { a.add(7); return nil })
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := stored(t, s, tallies.Stream(id)), []int{7}; !slices.Equal(got, want) {
		t.Errorf("stored %v after the upsert, want %v", got, want)
	}
}

// Commands without If-Match on one stream queue on its lock: none fails on
// a version conflict, and every one is stored once.
func TestRepositoryUpdatesWithoutIfMatchNeverConflict(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	id := newTally(t, s, 0)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 1; i <= 20; i++ {
		wg.Go(func() {
			_, err := update(s, id, nil, i)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent update: %v", err)
		}
	}
	got := stored(t, s, tallies.Stream(id))
	slices.Sort(got)
	if len(got) != 21 || got[0] != 0 || got[20] != 20 {
		t.Errorf("stored %v, want 0..20 once each", got)
	}
}

// keys counts the idempotency rows of principal.
func keys(t *testing.T, pool *pgxpool.Pool, principal string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM idempotency_keys WHERE principal = $1`, principal).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// keyOf is an idempotency key for request body.
func keyOf(principal, name, body string) idempotency.Key {
	sum := sha256.Sum256([]byte(body))
	return idempotency.Key{Principal: principal, Name: name, Hash: sum[:]}
}

// A command the domain rejects writes nothing: no event, no idempotency
// answer, and the same key may be used again.
func TestRejectedCommandWritesNothing(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	store := idempotency.New(s)
	id := newTally(t, s, 1)
	rejected := errors.New("rejected by the domain")
	key := keyOf("tester", "k1", "add 2")
	_, _, err := store.Run(context.Background(), key, func(ctx context.Context, tx *eventstore.Tx) (idempotency.Answer, error) {
		_, err := tallies.Update(ctx, tx, id, nil, func(a *tally) error {
			a.add(2) // recorded, then refused: nothing may reach the stream
			return rejected
		})
		return idempotency.Answer{Status: 200, Body: []byte(`{}`)}, err
	})
	if !errors.Is(err, rejected) {
		t.Fatalf("run: %v, want the domain's error", err)
	}
	if got, want := stored(t, s, tallies.Stream(id)), []int{1}; !slices.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
	if n := keys(t, pool, "tester"); n != 0 {
		t.Errorf("%d idempotency answers stored for a rejected command, want 0", n)
	}
	// The cache did not keep the refused change either.
	if _, err := update(s, id, version(1), 3); err != nil {
		t.Fatalf("update after the rejection: %v", err)
	}
	if got, want := stored(t, s, tallies.Stream(id)), []int{1, 3}; !slices.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
}

// A key used again with the same request replays the first answer without
// running the command; with another request it is ErrReused. Concurrent
// requests with one key run the command once.
func TestIdempotentReplay(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	store := idempotency.New(s)
	id := newTally(t, s, 0)
	run := func(key idempotency.Key, n int) (idempotency.Answer, bool, error) {
		return store.Run(context.Background(), key, func(ctx context.Context, tx *eventstore.Tx) (idempotency.Answer, error) {
			res, err := tallies.Update(ctx, tx, id, nil, func(a *tally) error { a.add(n); return nil })
			return idempotency.Answer{Status: 201, Body: fmt.Appendf(nil, `{"version":%d}`, res.Version)}, err
		})
	}
	key := keyOf("tester", "k1", "add 1")
	first, replayed, err := run(key, 1)
	if err != nil || replayed {
		t.Fatalf("first run: replayed %v, %v", replayed, err)
	}
	again, replayed, err := run(key, 1)
	if err != nil || !replayed || again.Status != 201 || string(again.Body) != string(first.Body) {
		t.Fatalf("second run: %d %s replayed %v, %v; want the first answer %s replayed", again.Status, again.Body, replayed, err, first.Body)
	}
	if _, _, err := run(keyOf("tester", "k1", "add 2"), 2); !errors.Is(err, idempotency.ErrReused) {
		t.Fatalf("key reused with another request: %v, want ErrReused", err)
	}
	if got, want := stored(t, s, tallies.Stream(id)), []int{0, 1}; !slices.Equal(got, want) {
		t.Fatalf("stored %v, want %v", got, want)
	}

	concurrent := keyOf("tester", "k2", "add 5")
	var wg sync.WaitGroup
	bodies := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			a, _, err := run(concurrent, 5)
			if err != nil {
				t.Errorf("concurrent run: %v", err)
			}
			bodies <- string(a.Body)
		})
	}
	wg.Wait()
	close(bodies)
	for b := range bodies {
		if b != `{"version":3}` {
			t.Errorf("concurrent run answered %s, want the one answer {\"version\":3}", b)
		}
	}
	if got, want := stored(t, s, tallies.Stream(id)), []int{0, 1, 5}; !slices.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
	if n := keys(t, pool, "tester"); n != 2 {
		t.Errorf("%d idempotency answers stored, want 2", n)
	}
}

// roundTrips counts the statements and batches sent: with statements
// already prepared, one each is one round trip to the server.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (*roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.n.Add(1)
	return ctx
}
func (*roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (*roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// A command with an Idempotency-Key on a cached aggregate costs four round
// trips: the key's lookup, BEGIN with the lock and the read, the append,
// and the answer with COMMIT (six before they were sent together).
func TestCommandRoundTrips(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	cfg, err := pgxpool.ParseConfig(pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	trips := &roundTrips{}
	cfg.ConnConfig.Tracer = trips
	cfg.MaxConns = 1 // one connection: its statements are prepared by the warm-up
	traced, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(traced.Close)
	s := storeOn(t, traced, eventstore.Config{})
	store := idempotency.New(s)
	id := newTally(t, s, 0)
	command := func(key string) {
		t.Helper()
		_, _, err := store.Run(context.Background(), keyOf("tester", key, key), func(ctx context.Context, tx *eventstore.Tx) (idempotency.Answer, error) {
			_, err := tallies.Update(ctx, tx, id, nil, func(a *tally) error { a.add(1); return nil })
			return idempotency.Answer{Status: 200, Body: []byte(`{}`)}, err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	command("warm-1")
	command("warm-2")
	before := trips.n.Load()
	command("counted")
	if got := trips.n.Load() - before; got != 4 {
		t.Errorf("a command cost %d round trips, want 4", got)
	}
}

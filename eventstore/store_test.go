package eventstore_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/eventstoretest"
)

// The shared test environment, under the names these tests use.
type counted = eventstoretest.Counted

var (
	newStore       = eventstoretest.NewStore
	projectionPool = eventstoretest.ProjectionPool
	stream         = eventstoretest.Stream
)

func TestAppendConflict(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	st := eventstore.StreamOf("test", uuid.New())
	if _, err := s.Append(ctx, st, eventstore.NoStream, counted{N: 0}); err != nil {
		t.Fatal(err)
	}
	const writers = 32
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := s.Append(ctx, st, 1, counted{N: i + 1}, counted{N: i + 100})
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, eventstore.ErrVersionConflict) && errors.Is(err, domain.ErrConflict):
				conflicts.Add(1)
			default:
				t.Errorf("writer %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if wins.Load() != 1 || conflicts.Load() != writers-1 {
		t.Fatalf("wins %d conflicts %d, want 1 and %d", wins.Load(), conflicts.Load(), writers-1)
	}
	recs, err := s.ReadStream(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("stream has %d events, want 3", len(recs))
	}
	for i, r := range recs {
		if r.Version != int64(i+1) {
			t.Fatalf("event %d has version %d", i, r.Version)
		}
	}
}

func TestAppendExpectedVersions(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	st := stream(1)
	tests := []struct {
		name     string
		expected eventstore.ExpectedVersion
		wantErr  error
		wantVer  int64
	}{
		{"new stream", eventstore.NoStream, nil, 1},
		{"must not exist", eventstore.NoStream, eventstore.ErrVersionConflict, 0},
		{"exact", 1, nil, 2},
		{"stale", 1, eventstore.ErrVersionConflict, 0},
		{"ahead of the stream leaves no gap", 7, eventstore.ErrVersionConflict, 0},
		{"any", eventstore.Any, nil, 3},
	}
	for _, tc := range tests {
		res, err := s.Append(ctx, st, tc.expected, counted{})
		if !errors.Is(err, tc.wantErr) || (tc.wantErr != nil) != (err != nil) {
			t.Fatalf("%s: err %v, want %v", tc.name, err, tc.wantErr)
		}
		if err == nil && res.Version != tc.wantVer {
			t.Fatalf("%s: version %d, want %d", tc.name, res.Version, tc.wantVer)
		}
	}
	recs, _ := s.ReadStream(ctx, st)
	if len(recs) != 3 || recs[2].Version != 3 || recs[2].Position.Global <= recs[1].Position.Global {
		t.Fatalf("stream after the table: %+v", recs)
	}
	if recs[0].EventID.Version() != 7 {
		t.Fatalf("event ids must be UUID v7, got v%d", recs[0].EventID.Version())
	}
}

func TestAppendIsAtomic(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := context.Background()
	injected := errors.New("injected after the insert")
	failures := []struct {
		name string
		fail func(ctx context.Context, tx *eventstore.Tx) error
	}{
		{"error from the command", func(context.Context, *eventstore.Tx) error { return injected }},
		{"error from the database", func(ctx context.Context, tx *eventstore.Tx) error {
			return tx.Exec(ctx, `SELECT 1/0`)
		}},
	}
	for i, f := range failures {
		err := s.Update(ctx, func(ctx context.Context, tx *eventstore.Tx) error {
			if _, err := tx.Append(ctx, stream(i), eventstore.NoStream, counted{N: 1}, counted{N: 2}); err != nil {
				return err
			}
			if err := tx.Claim(ctx, "test", "x", stream(i)); err != nil {
				return err
			}
			return f.fail(ctx, tx)
		})
		if err == nil {
			t.Fatalf("%s: the update succeeded", f.name)
		}
	}
	var events, claims int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM claims)`).Scan(&events, &claims); err != nil {
		t.Fatal(err)
	}
	if events != 0 || claims != 0 {
		t.Fatalf("after failed updates: %d events, %d claims", events, claims)
	}
	// Nothing was published either: a subscriber finds nothing to deliver.
	recs, err := s.ReadAll(ctx, eventstore.Position{}, 10)
	if err != nil || len(recs) != 0 {
		t.Fatalf("ReadAll after failed updates: %v, %v", recs, err)
	}
}

func TestClaimIsExclusive(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Update(ctx, func(ctx context.Context, tx *eventstore.Tx) error {
				if err := tx.Claim(ctx, "tax_code", "0101234567", stream(i)); err != nil {
					return err
				}
				_, err := tx.Append(ctx, stream(i), eventstore.NoStream, counted{N: i})
				return err
			})
			if err == nil {
				wins.Add(1)
			} else if !errors.Is(err, eventstore.ErrClaimed) {
				t.Errorf("claim %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d claims won, want 1", wins.Load())
	}
}

// A subscriber reads past a projector session's open transaction (it never
// appends), but not past any other open write transaction, and a projector
// session cannot append. The horizon is cluster-wide, so other tests' open
// transactions may hold it back a while: reads that must see an event wait
// for it (up to 30 s) instead of expecting it at once.
func TestHorizonLeavesOutOnlyProjectorSessions(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ppool := projectionPool(t, pool)
	ctx := context.Background()
	read := func() []int64 {
		t.Helper()
		recs, err := s.ReadAll(ctx, eventstore.Position{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, r := range recs {
			out = append(out, r.Position.Global)
		}
		return out
	}
	// positions reads until it sees want events.
	positions := func(want int) []int64 {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			got := read()
			if len(got) >= want || time.Now().After(deadline) {
				return got
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// holdXid opens a transaction that has a transaction id.
	holdXid := func(p *pgxpool.Pool) pgx.Tx {
		t.Helper()
		tx, err := p.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = tx.Rollback(ctx) })
		if _, err := tx.Exec(ctx, `SELECT pg_current_xact_id()`); err != nil {
			t.Fatal(err)
		}
		return tx
	}

	projector := holdXid(ppool)
	first, err := s.Append(ctx, stream(1), eventstore.NoStream, counted{N: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := positions(1); len(got) != 1 || got[0] != first.Position {
		t.Fatalf("with a projector transaction open: read %v, want [%d]", got, first.Position)
	}

	writer := holdXid(pool)
	second, err := s.Append(ctx, stream(2), eventstore.NoStream, counted{N: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(); len(got) != 1 {
		t.Fatalf("with an older write transaction open: read %v, want only [%d]", got, first.Position)
	}
	if err := writer.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if got := positions(2); len(got) != 2 || got[1] != second.Position {
		t.Fatalf("after the writer ended: read %v, want [%d %d]", got, first.Position, second.Position)
	}

	_, err = projector.Exec(ctx, `INSERT INTO events (event_id, stream_type, stream_id, version, type, schema_version, payload)
VALUES (gen_random_uuid(), 'test', 'test-9', 1, 'Counted', 1, '{"n": 9}')`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "KL403" {
		t.Fatalf("a projector session appended: %v", err)
	}
}

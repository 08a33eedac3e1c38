package eventstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
)

// tally is a test aggregate: the events' numbers, in order.
type tally struct {
	domain.Root
	seen []int
}

func (a *tally) Apply(e domain.Event) {
	if c, ok := e.(counted); ok {
		a.seen = append(a.seen, c.N)
	}
}

func (a *tally) add(n int) { a.Record(a.Apply, counted{N: n}) }

// snapTally is a tally that opts in to snapshots, of schema schema.
type snapTally struct {
	tally
	schema int
}

func (a *snapTally) SnapshotSchema() int {
	if a.schema == 0 {
		return 1
	}
	return a.schema
}

func (a *snapTally) Snapshot() ([]byte, error) { return json.Marshal(a.seen) }

func (a *snapTally) Restore(state []byte) error {
	if err := json.Unmarshal(state, &a.seen); err != nil {
		return err
	}
	if a.seen == nil {
		return errors.New("empty")
	}
	return nil
}

// storeOn returns a store on pool's database with its own aggregate cache.
func storeOn(t testing.TB, pool *pgxpool.Pool, cfg eventstore.Config) *eventstore.Store {
	t.Helper()
	reg, err := eventstore.NewRegistry(counted{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Registry, cfg.Logger = reg, slog.New(slog.DiscardHandler)
	s, err := eventstore.New(pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// command loads agg (a zero aggregate) from st, records n and appends it,
// then returns fail (rolling back when not nil). It returns the numbers
// the aggregate held before n.
func command(t *testing.T, s *eventstore.Store, st eventstore.Stream, agg interface {
	eventstore.Aggregate
	add(int)
	numbers() []int
}, n int, fail error) ([]int, error) {
	t.Helper()
	var before []int
	err := s.Update(context.Background(), func(ctx context.Context, tx *eventstore.Tx) error {
		v, _, err := tx.Load(ctx, st, agg)
		if err != nil {
			return err
		}
		if v != agg.Version() || v != int64(len(agg.numbers())) {
			return fmt.Errorf("loaded at version %d, aggregate says %d with %d numbers", v, agg.Version(), len(agg.numbers()))
		}
		before = slices.Clone(agg.numbers())
		agg.add(n)
		res, err := tx.Append(ctx, st, eventstore.ExpectedVersion(v), agg.Changes()...)
		if err != nil {
			return err
		}
		tx.Keep(st, agg, res.Version, res.Position)
		return fail
	})
	return before, err
}

func (a *tally) numbers() []int { return a.seen }

// stored returns the numbers stored in st, decoded afresh.
func stored(t *testing.T, s *eventstore.Store, st eventstore.Stream) []int {
	t.Helper()
	recs, err := s.ReadStream(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, r := range recs {
		out = append(out, r.Event.(counted).N)
	}
	return out
}

// tamper rewrites the stored payload of st's first event behind every
// cache's back: an aggregate that still shows the old number did not read
// that event again.
func tamper(t *testing.T, pool *pgxpool.Pool, st eventstore.Stream, n int) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), `UPDATE events SET payload = jsonb_build_object('n', $2::int) WHERE stream_id = $1 AND version = 1`,
		st.Name(), n); err != nil {
		t.Fatal(err)
	}
}

// A command finds its aggregate in the cache and reads only the events
// after the cached version, those of other writers (a second store on the
// same database, a direct append) included.
func TestAggregateCacheReadsOnlyNewEvents(t *testing.T) {
	t.Parallel()
	s1, pool := newStore(t)
	s2 := storeOn(t, pool, eventstore.Config{})
	st := eventstore.StreamOf("test", uuid.New())
	want := []int{}
	for i := range 6 {
		s := s1
		if i%3 == 2 {
			s = s2
		}
		before, err := command(t, s, st, &tally{}, i, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(before, want) {
			t.Fatalf("command %d saw %v, want %v", i, before, want)
		}
		want = append(want, i)
		if i == 3 {
			if _, err := s1.Append(context.Background(), st, eventstore.ExpectedVersion(len(want)), counted{N: 100}); err != nil {
				t.Fatal(err)
			}
			want = append(want, 100)
		}
	}
	if !slices.Equal(stored(t, s1, st), want) {
		t.Fatalf("stored %v, want %v", stored(t, s1, st), want)
	}
	agg, v, ok := s2.Aggregates().Peek(st)
	if !ok || v != int64(len(want)) || !slices.Equal(agg.(*tally).seen, want) {
		t.Fatalf("cached %v at %d (%v), want %v", agg, v, ok, want)
	}
	// s1 holds the stream one event behind: its next command reads just that.
	if _, v, _ := s1.Aggregates().Peek(st); v != int64(len(want))-1 {
		t.Fatalf("s1 holds version %d", v)
	}
	tamper(t, pool, st, -1)
	before, err := command(t, s1, st, &tally{}, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, want) {
		t.Fatalf("cached aggregate read event 1 again: saw %v", before)
	}
	// Without a cache every command reads the whole stream.
	s3 := storeOn(t, pool, eventstore.Config{AggregateCacheBytes: -1, SnapshotEvery: -1})
	if before, _ := command(t, s3, st, &tally{}, 8, nil); before[0] != -1 {
		t.Fatalf("uncached command saw %v", before)
	}
	if s3.Aggregates() != nil {
		t.Fatal("disabled cache")
	}
}

// A command whose transaction rolls back leaves no aggregate in the cache,
// neither the one it changed nor the one before it; nor does one that
// fails before appending. The next command loads the stored state.
func TestAggregateCacheDropsRolledBack(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	st := eventstore.StreamOf("test", uuid.New())
	for i := range 3 {
		if _, err := command(t, s, st, &tally{}, i, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, v, ok := s.Aggregates().Peek(st); !ok || v != 3 {
		t.Fatalf("cached at %d (%v), want 3", v, ok)
	}
	boom := errors.New("boom")
	if _, err := command(t, s, st, &tally{}, 99, boom); !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if _, _, ok := s.Aggregates().Peek(st); ok {
		t.Fatal("a rolled-back command left its aggregate in the cache")
	}
	before, err := command(t, s, st, &tally{}, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, []int{0, 1, 2}) {
		t.Fatalf("after the rollback the command saw %v", before)
	}
	err = s.Update(context.Background(), func(ctx context.Context, tx *eventstore.Tx) error {
		agg := &tally{}
		if _, _, err := tx.Load(ctx, st, agg); err != nil {
			return err
		}
		agg.add(50) // recorded, never appended
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, _, ok := s.Aggregates().Peek(st); ok {
		t.Fatal("a failed command left its aggregate in the cache")
	}
	if before, _ := command(t, s, st, &tally{}, 4, nil); !slices.Equal(before, []int{0, 1, 2, 3}) {
		t.Fatalf("saw %v", before)
	}
	if agg, _, _ := s.Aggregates().Peek(st); len(agg.Changes()) != 0 {
		t.Fatalf("cached aggregate keeps %d changes", len(agg.Changes()))
	}
}

// Mutating a cached aggregate changes neither the stored events nor those
// decoded from them.
func TestAggregateCacheAliasesNoEvents(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	st := eventstore.StreamOf("test", uuid.New())
	for i := range 4 {
		if _, err := command(t, s, st, &tally{}, i+1, nil); err != nil {
			t.Fatal(err)
		}
	}
	want := stored(t, s, st)
	agg, _, _ := s.Aggregates().Peek(st)
	for i := range agg.(*tally).seen {
		agg.(*tally).seen[i] = -7
	}
	if got := stored(t, s, st); !slices.Equal(got, want) {
		t.Fatalf("stored %v, want %v", got, want)
	}
}

// An aggregate cached at a version whose event is no longer the one it was
// built from (the database restored, say) is rebuilt from the stream.
func TestAggregateCacheRebuildsWhenStreamDiffers(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	st := eventstore.StreamOf("test", uuid.New())
	for i := range 3 {
		if _, err := command(t, s, st, &tally{}, i, nil); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `DELETE FROM events WHERE stream_id = $1 AND version >= 2`, st.Name()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, st, 1, counted{N: 10}, counted{N: 20}, counted{N: 30}); err != nil {
		t.Fatal(err)
	}
	before, err := command(t, s, st, &tally{}, 40, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, []int{0, 10, 20, 30}) {
		t.Fatalf("saw %v", before)
	}
}

// The cache holds aggregates up to its budget of event bytes, least
// recently used out first.
func TestAggregateCacheBudget(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	s := storeOn(t, pool, eventstore.Config{AggregateCacheBytes: 20}) // {"n":1} is 7 bytes
	a, b, c := eventstore.StreamOf("test", uuid.New()), eventstore.StreamOf("test", uuid.New()), eventstore.StreamOf("test", uuid.New())
	held := func(want ...eventstore.Stream) {
		t.Helper()
		if s.Aggregates().Len() != len(want) {
			t.Errorf("%d held, want %d", s.Aggregates().Len(), len(want))
		}
		for _, st := range want {
			if _, _, ok := s.Aggregates().Peek(st); !ok {
				t.Errorf("%s evicted", st.ID)
			}
		}
	}
	for _, st := range []eventstore.Stream{a, b, a} {
		if _, err := command(t, s, st, &tally{}, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	held(a) // a: 14 bytes and b: 7 are over budget; b was used least recently
	if _, err := command(t, s, c, &tally{}, 1, nil); err != nil {
		t.Fatal(err)
	}
	held(c)
	for range 3 {
		if _, err := command(t, s, c, &tally{}, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, ok := s.Aggregates().Peek(c); ok || s.Aggregates().Len() != 0 {
		t.Errorf("an aggregate over the whole budget is kept (%d held)", s.Aggregates().Len())
	}
}

// Every SnapshotEvery events a snapshot is stored; a store without the
// aggregate in its cache (a restart) starts from the newest snapshot of the
// aggregate's schema and reads the events after it. Snapshots of another
// schema, that do not restore, or whose event is no longer in the stream
// are ignored.
func TestSnapshots(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	s = storeOn(t, pool, eventstore.Config{SnapshotEvery: 5})
	st := eventstore.StreamOf("test", uuid.New())
	var want []int
	for i := range 12 {
		if _, err := command(t, s, st, &snapTally{}, i, nil); err != nil {
			t.Fatal(err)
		}
		want = append(want, i)
	}
	ctx := context.Background()
	var version int64
	if err := pool.QueryRow(ctx, `SELECT version FROM aggregate_snapshots WHERE stream_id = $1`, st.Name()).Scan(&version); err != nil || version != 10 {
		t.Fatalf("snapshot at %d (%v), want 10", version, err)
	}
	tamper(t, pool, st, -1)
	restart := func(agg *snapTally) []int {
		t.Helper()
		s := storeOn(t, pool, eventstore.Config{SnapshotEvery: 1000})
		before, err := command(t, s, st, agg, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, 0)
		return before
	}
	if before := restart(&snapTally{}); before[0] != 0 || !slices.Equal(before[1:], want[1:len(want)-1]) {
		t.Fatalf("restarted from the snapshot: saw %v", before)
	}
	if before := restart(&snapTally{schema: 2}); before[0] != -1 {
		t.Fatalf("a snapshot of another schema was used: %v", before)
	}
	if _, err := pool.Exec(ctx, `UPDATE aggregate_snapshots SET state = 'null'`); err != nil {
		t.Fatal(err)
	}
	if before := restart(&snapTally{}); before[0] != -1 {
		t.Fatalf("a snapshot that does not restore was used: %v", before)
	}
	if _, err := pool.Exec(ctx, `UPDATE aggregate_snapshots SET state = '[5,5,5,5,5,5,5,5,5,5]', global_position = global_position + 1`); err != nil {
		t.Fatal(err)
	}
	if before := restart(&snapTally{}); before[0] != -1 {
		t.Fatalf("a snapshot whose event is gone was used: %v", before)
	}
	if got := stored(t, s, st); !slices.Equal(got[1:], want[1:]) {
		t.Fatalf("stored %v, want %v", got, want)
	}
}

// Concurrent commands on one stream wait for each other's aggregate instead
// of loading the stream again, and each sees every event before it.
func TestAggregateCacheConcurrentCommands(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	st := eventstore.StreamOf("test", uuid.New())
	const writers = 20
	seen := make(chan int, writers)
	errs := make(chan error, writers)
	for i := range writers {
		go func() {
			before, err := command(t, s, st, &tally{}, i, nil)
			seen <- len(before)
			errs <- err
		}()
	}
	lengths := map[int]bool{}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		lengths[<-seen] = true
	}
	if len(lengths) != writers {
		t.Fatalf("commands saw %d distinct histories, want %d: %v", len(lengths), writers, lengths)
	}
	agg, v, ok := s.Aggregates().Peek(st)
	if !ok || v != writers || !slices.Equal(agg.(*tally).seen, stored(t, s, st)) {
		t.Fatalf("cached %v at %d (%v), stored %v", agg, v, ok, stored(t, s, st))
	}
}

// A transaction that loads one stream twice does not wait for itself.
func TestAggregateCacheSameStreamTwice(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	st := eventstore.StreamOf("test", uuid.New())
	for i := range 2 {
		if _, err := command(t, s, st, &tally{}, i, nil); err != nil {
			t.Fatal(err)
		}
	}
	err := s.Update(context.Background(), func(ctx context.Context, tx *eventstore.Tx) error {
		for i := range 2 {
			agg := &tally{}
			v, _, err := tx.Load(ctx, st, agg)
			if err != nil {
				return err
			}
			if v != int64(2+i) || len(agg.seen) != 2+i {
				return fmt.Errorf("load %d: version %d, %v", i, v, agg.seen)
			}
			agg.add(10 + i)
			res, err := tx.Append(ctx, st, eventstore.ExpectedVersion(v), agg.Changes()...)
			if err != nil {
				return err
			}
			tx.Keep(st, agg, res.Version, res.Position)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if agg, v, _ := s.Aggregates().Peek(st); v != 4 || !slices.Equal(agg.(*tally).seen, []int{0, 1, 10, 11}) {
		t.Fatalf("cached %v at %d", agg, v)
	}
}

// An aggregate changed after Keep (its new changes never appended) is not
// cached: its state would not be the stream's.
func TestAggregateCacheRefusesChangedAfterKeep(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	st := eventstore.StreamOf("test", uuid.New())
	if _, err := command(t, s, st, &tally{}, 1, nil); err != nil {
		t.Fatal(err)
	}
	err := s.Update(context.Background(), func(ctx context.Context, tx *eventstore.Tx) error {
		agg := &tally{}
		v, _, err := tx.Load(ctx, st, agg)
		if err != nil {
			return err
		}
		agg.add(2)
		res, err := tx.Append(ctx, st, eventstore.ExpectedVersion(v), agg.Changes()...)
		if err != nil {
			return err
		}
		tx.Keep(st, agg, res.Version, res.Position)
		agg.add(3) // never appended
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.Aggregates().Peek(st); ok {
		t.Fatal("an aggregate with unappended changes was cached")
	}
	if before, _ := command(t, s, st, &tally{}, 4, nil); !slices.Equal(before, []int{1, 2}) {
		t.Fatalf("saw %v", before)
	}
}

package eventstore

import (
	"container/list"
	"context"
	"errors"
	"reflect"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
)

// Aggregate is what the store needs of an aggregate to load and cache it.
// Loaded must also forget the changes recorded so far: a cached aggregate
// starts each command with none.
type Aggregate interface {
	Apply(domain.Event)
	Changes() []domain.Event
	Loaded(version int64)
	Version() int64
}

// Snapshotter is implemented by aggregates whose state may be stored as a
// snapshot, the fallback of the aggregate cache after a restart: the newest
// snapshot and the events after it rebuild the aggregate. Restore is called
// on the zero value; SnapshotSchema is the version of the state's JSON shape,
// and a snapshot of another schema is ignored.
type Snapshotter interface {
	SnapshotSchema() int
	Snapshot() ([]byte, error)
	Restore(state []byte) error
}

// Defaults of the aggregate cache and of snapshots (see Config).
const (
	DefaultAggregateCacheBytes = 128 << 20
	DefaultSnapshotEvery       = 500
)

// cached is an aggregate between commands: at version, whose last event is
// at global position global.
type cached struct {
	key     string
	stream  Stream
	agg     Aggregate
	version int64
	global  int64
	weight  int64 // bytes of JSON it was built from: its cost in the cache
	snapAt  int64 // version of the newest snapshot known to exist
	elem    *list.Element
}

// AggregateCache keeps aggregates in memory between commands, keyed by
// stream, least recently used out first once the JSON they were built from
// exceeds its budget. A command takes its aggregate out for its duration
// (Tx.Load) and it comes back only once the transaction commits (Tx.Keep);
// the database's version check stays the guard, and an aggregate behind the
// stream only reads the events it misses. While one command has a stream's
// aggregate out (or is loading it), another command on the stream waits for
// it, up to waitCap, rather than load the stream again: the two would queue
// on the stream's lock anyway. It is safe for concurrent use.
type AggregateCache struct {
	mu      sync.Mutex
	budget  int64
	size    int64
	lru     list.List // front: most recently used
	entries map[string]*cached
	out     map[string]chan struct{} // streams a command has out: closed when it ends
	m       *Metrics
}

// waitCap bounds how long a command waits for another's aggregate: past it
// the command loads the stream itself (and the database orders the two).
const waitCap = 5 * time.Second

func newAggregateCache(budget int64, m *Metrics) *AggregateCache {
	return &AggregateCache{budget: budget, entries: map[string]*cached{}, out: map[string]chan struct{}{}, m: m}
}

// take removes and returns the entry of key (nil: a miss) and marks the
// stream out until give is called with the returned mark. When another
// command has the stream out and wait is set, it first waits for it to end.
// mark is nil when the stream was out and stays so (waiting was not
// allowed, or timed out).
func (c *AggregateCache) take(ctx context.Context, key string, wait bool) (e *cached, mark chan struct{}) {
	if c == nil {
		return nil, nil
	}
	var deadline <-chan time.Time
	for {
		c.mu.Lock()
		busy, isOut := c.out[key]
		if !isOut {
			mark = make(chan struct{})
			c.out[key] = mark
			e = c.entries[key]
			if e != nil {
				c.remove(e)
				c.m.cacheHits.Inc()
			} else {
				c.m.cacheMisses.Inc()
			}
			c.mu.Unlock()
			return e, mark
		}
		c.mu.Unlock()
		if !wait {
			c.m.cacheMisses.Inc()
			return nil, nil
		}
		if deadline == nil {
			timer := time.NewTimer(waitCap)
			defer timer.Stop()
			deadline = timer.C
		}
		select {
		case <-busy:
		case <-ctx.Done():
			c.m.cacheMisses.Inc()
			return nil, nil
		case <-deadline:
			c.m.cacheMisses.Inc()
			return nil, nil
		}
	}
}

// give ends a command's hold on key (when mark is its own) and puts e back,
// if not nil.
func (c *AggregateCache) give(key string, mark chan struct{}, e *cached) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if mark != nil && c.out[key] == mark {
		delete(c.out, key)
		close(mark)
	}
	if e != nil {
		c.put(e)
	}
}

func (c *AggregateCache) remove(e *cached) {
	delete(c.entries, e.key)
	c.lru.Remove(e.elem)
	c.size -= e.weight
	c.m.cacheBytes.Set(float64(c.size))
	c.m.cacheEntries.Set(float64(len(c.entries)))
}

// put adds e, unless the cache holds a newer version of its stream (two
// commands of one transaction, or a command that did not wait for the
// aggregate, may come back in any order), and evicts the least recently
// used entries over budget. c.mu is held.
func (c *AggregateCache) put(e *cached) {
	if e.weight > c.budget {
		return
	}
	if old := c.entries[e.key]; old != nil {
		if old.version >= e.version {
			return
		}
		c.remove(old)
	}
	e.elem = c.lru.PushFront(e)
	c.entries[e.key] = e
	c.size += e.weight
	for c.size > c.budget {
		c.remove(c.lru.Back().Value.(*cached))
	}
	c.m.cacheBytes.Set(float64(c.size))
	c.m.cacheEntries.Set(float64(len(c.entries)))
}

// Len is the number of aggregates held.
func (c *AggregateCache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Peek returns the aggregate held for stream and its version, without
// taking it out: for tests and diagnostics only, while no command runs on
// the stream (the aggregate is not safe for concurrent use).
func (c *AggregateCache) Peek(stream Stream) (Aggregate, int64, bool) {
	if c == nil {
		return nil, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[stream.Name()]
	if e == nil {
		return nil, 0, false
	}
	return e.agg, e.version, true
}

// Streams lists the streams whose aggregates are held.
func (c *AggregateCache) Streams() []Stream {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Stream, 0, len(c.entries))
	for _, e := range c.entries {
		out = append(out, e.stream)
	}
	return out
}

// Aggregates returns the aggregate cache (nil when disabled).
func (s *Store) Aggregates() *AggregateCache { return s.cache }

// loaded is what Load learnt about a stream for Keep.
type loaded struct {
	weight int64
	snapAt int64
}

// Load fills agg, a pointer to the zero value of an aggregate, with the
// state of stream, under the stream's lock (see Lock): from the cache when
// it holds the stream (reading only the events after its version), else
// from the newest snapshot when agg is a Snapshotter, then the events after
// it. It returns the stream's version (0: no such stream) and the global
// position of its last event. After Load, agg belongs to the transaction:
// hand it back with Keep once its changes are appended.
func (t *Tx) Load(ctx context.Context, stream Stream, agg Aggregate) (version, global int64, err error) {
	key := stream.Name()
	rv := reflect.ValueOf(agg)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return 0, 0, errors.New("eventstore: Load needs a pointer to an aggregate struct")
	}
	_, again := t.marks[key]
	// A transaction never waits for itself: a stream it loaded before
	// stays out until it ends.
	e, mark := t.s.cache.take(ctx, key, !again && !t.hasLoaded(key))
	if mark != nil {
		if t.marks == nil {
			t.marks = map[string]chan struct{}{}
		}
		t.marks[key] = mark
	}
	if e != nil {
		if reflect.TypeOf(e.agg) == rv.Type() {
			recs, ok, err := t.lockAndReadAfter(ctx, key, e.version, e.global)
			if err != nil {
				return 0, 0, err
			}
			if ok {
				// The cached aggregate was taken out: nobody else holds it,
				// so agg may take over its state.
				rv.Elem().Set(reflect.ValueOf(e.agg).Elem())
				return t.applied(key, agg, recs, e.version, e.global, loaded{weight: e.weight, snapAt: e.snapAt})
			}
			// The stream is not what the aggregate was built from (the
			// database was restored, say): start afresh.
		}
	}
	if snap, ok := agg.(Snapshotter); ok && t.s.snapshotEvery > 0 {
		v, g, n, found, err := t.restore(ctx, key, snap)
		if err != nil {
			return 0, 0, err
		}
		if found {
			recs, ok, err := t.lockAndReadAfter(ctx, key, v, g)
			if err != nil {
				return 0, 0, err
			}
			if ok {
				return t.applied(key, agg, recs, v, g, loaded{weight: n, snapAt: v})
			}
			rv.Elem().SetZero()
		}
	}
	recs, err := t.LockAndRead(ctx, stream)
	if err != nil {
		return 0, 0, err
	}
	return t.applied(key, agg, recs, 0, 0, loaded{})
}

// applied applies recs to agg, at version and global before them.
func (t *Tx) applied(key string, agg Aggregate, recs []Record, version, global int64, ld loaded) (int64, int64, error) {
	for _, r := range recs {
		if r.Event != nil {
			agg.Apply(r.Event)
		}
		ld.weight += int64(len(r.Payload))
		version, global = r.Version, r.Position.Global
	}
	agg.Loaded(version)
	if t.loaded == nil {
		t.loaded = map[string]loaded{}
	}
	t.loaded[key] = ld
	return version, global, nil
}

// lockAndReadAfter takes the stream's lock and reads the events after
// version in one round trip; ok is false when the stream's event at version
// is not at global position global, i.e. not the one the caller's state
// ends with.
func (t *Tx) lockAndReadAfter(ctx context.Context, key string, version, global int64) (recs []Record, ok bool, err error) {
	var b pgx.Batch
	b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key)
	b.Queue(`SELECT global_position FROM events WHERE stream_id = $1 AND version = $2`, key, version)
	b.Queue(`SELECT `+recordColumns+` FROM events WHERE stream_id = $1 AND version > $2 ORDER BY version`, key, version)
	res := t.tx.SendBatch(ctx, &b)
	defer res.Close()
	if _, err := res.Exec(); err != nil {
		return nil, false, translate(err)
	}
	var at int64
	switch err := res.QueryRow().Scan(&at); {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return nil, false, translate(err)
	}
	rows, err := res.Query()
	if err != nil {
		return nil, false, translate(err)
	}
	recs, err = t.s.scanRecords(rows)
	if err != nil {
		return nil, false, err
	}
	return recs, at == global, nil
}

// LockAndReadAfter takes the stream's lock (see Lock) and reads its events
// with versions above version, in the same round trip.
func (t *Tx) LockAndReadAfter(ctx context.Context, stream Stream, version int64) ([]Record, error) {
	var b pgx.Batch
	b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, stream.Name())
	b.Queue(`SELECT `+recordColumns+` FROM events WHERE stream_id = $1 AND version > $2 ORDER BY version`, stream.Name(), version)
	res := t.tx.SendBatch(ctx, &b)
	defer res.Close()
	if _, err := res.Exec(); err != nil {
		return nil, translate(err)
	}
	rows, err := res.Query()
	if err != nil {
		return nil, translate(err)
	}
	return t.s.scanRecords(rows)
}

// restore takes the stream's lock and restores agg from the stream's
// snapshot of agg's schema, if there is one; n is its size. A snapshot that
// does not restore is ignored.
func (t *Tx) restore(ctx context.Context, key string, agg Snapshotter) (version, global, n int64, found bool, err error) {
	var b pgx.Batch
	b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key)
	b.Queue(`SELECT version, global_position, state::text FROM aggregate_snapshots WHERE stream_id = $1 AND schema_version = $2`,
		key, agg.SnapshotSchema())
	res := t.tx.SendBatch(ctx, &b)
	defer res.Close()
	if _, err := res.Exec(); err != nil {
		return 0, 0, 0, false, translate(err)
	}
	var state string
	switch err := res.QueryRow().Scan(&version, &global, &state); {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, 0, 0, false, nil
	case err != nil:
		return 0, 0, 0, false, translate(err)
	}
	if err := agg.Restore([]byte(state)); err != nil {
		t.s.log.Warn("aggregate snapshot ignored: it does not restore", "stream", key, "version", version, "err", err)
		reflect.ValueOf(agg).Elem().SetZero()
		return 0, 0, 0, false, nil
	}
	return version, global, int64(len(state)), true, nil
}

// Keep hands agg, loaded by Load in this transaction or new (its first
// events just appended), to the aggregate cache once the transaction commits, at the stream's new version and the
// global position of its last event (from Append, or Load when the command
// appended nothing). On rollback agg is dropped. Every SnapshotEvery events
// a Snapshotter's state is stored as the stream's snapshot, after the
// commit. The caller must not touch agg after the transaction.
func (t *Tx) Keep(stream Stream, agg Aggregate, version, global int64) {
	key := stream.Name()
	ld, ok := t.loaded[key]
	if !ok && agg.Version() != 0 || version <= 0 || (t.s.cache == nil && t.s.snapshotEvery <= 0) {
		return // not loaded by Load, nor new
	}
	weight := ld.weight + t.appended[key]
	recorded := len(agg.Changes())
	t.onCommit(func(ctx context.Context) {
		if len(agg.Changes()) != recorded {
			// Changed after Keep and not appended: its state is not the
			// stream's. Forget it.
			mark := t.marks[key]
			delete(t.marks, key)
			t.s.cache.give(key, mark, nil)
			return
		}
		agg.Loaded(version)
		e := &cached{key: key, stream: stream, agg: agg, version: version, global: global, weight: weight, snapAt: ld.snapAt}
		if snap, ok := agg.(Snapshotter); ok && t.s.snapshotEvery > 0 && version-ld.snapAt >= int64(t.s.snapshotEvery) {
			if err := t.s.saveSnapshot(ctx, key, version, global, snap); err != nil {
				t.s.log.Warn("aggregate snapshot not stored", "stream", key, "version", version, "err", err)
			} else {
				e.snapAt = version
			}
		}
		mark := t.marks[key]
		delete(t.marks, key)
		t.s.cache.give(key, mark, e)
	})
}

// hasLoaded reports whether the transaction loaded key before.
func (t *Tx) hasLoaded(key string) bool {
	_, ok := t.loaded[key]
	return ok
}

// release ends the transaction's hold on every stream it took out of the
// cache and did not give back (it rolled back, or did not Keep them).
func (t *Tx) release() {
	for key, mark := range t.marks {
		t.s.cache.give(key, mark, nil)
	}
	t.marks = nil
}

// onCommit runs f after the transaction commits.
func (t *Tx) onCommit(f func(ctx context.Context)) { t.committed = append(t.committed, f) }

// saveSnapshot stores agg's state as the stream's snapshot at version,
// unless a newer one is stored.
func (s *Store) saveSnapshot(ctx context.Context, key string, version, global int64, agg Snapshotter) error {
	state, err := agg.Snapshot()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, err = s.pool.Exec(ctx, `INSERT INTO aggregate_snapshots (stream_id, version, global_position, schema_version, state)
VALUES ($1, $2, $3, $4, $5::text::json)
ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, global_position = excluded.global_position,
    schema_version = excluded.schema_version, state = excluded.state, taken_at = now()
WHERE aggregate_snapshots.version < excluded.version OR aggregate_snapshots.schema_version <> excluded.schema_version`,
		key, version, global, agg.SnapshotSchema(), string(state))
	if err == nil {
		s.metrics.snapshots.Inc()
	}
	return translate(err)
}

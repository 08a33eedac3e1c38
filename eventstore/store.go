// Package eventstore is KeyLink's append-only event store on PostgreSQL.
//
// One table, events, holds every event once. Appends go through Watermill's
// SQL publisher inside the caller's pgx transaction, so an event and its
// publication commit together or not at all; projections read the same table
// through Watermill's SQL subscriber, in commit order (see schemaAdapter).
package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/domain"
)

// Stream names one aggregate's stream, e.g. {Type: "supplier", ID: "0193…"}.
type Stream struct {
	Type string
	ID   string
}

// StreamOf returns the stream of an aggregate type and id.
func StreamOf(typ string, id uuid.UUID) Stream { return Stream{Type: typ, ID: id.String()} }

// Name is the stored stream id: type and id joined by a hyphen.
func (s Stream) Name() string { return s.Type + "-" + s.ID }

// ExpectedVersion is the version a stream must be at for an append to pass.
// Non-negative values are exact; NoStream (0) means the stream must not exist.
type ExpectedVersion int64

// Special expected versions.
const (
	Any      ExpectedVersion = -1
	NoStream ExpectedVersion = 0
)

// Metadata travels with every event.
type Metadata struct {
	CorrelationID string `json:"correlation_id,omitempty"`
	CausationID   string `json:"causation_id,omitempty"`
	Actor         string `json:"actor,omitempty"`
}

type metadataKey struct{}

// WithMetadata returns a context whose appends record md.
func WithMetadata(ctx context.Context, md Metadata) context.Context {
	return context.WithValue(ctx, metadataKey{}, md)
}

func metadataFrom(ctx context.Context) Metadata {
	md, _ := ctx.Value(metadataKey{}).(Metadata)
	return md
}

// Position orders events by commit: first by the writing transaction's id,
// then by global position. Projections checkpoint a Position.
type Position struct {
	TransactionID uint64
	Global        int64
}

// Less reports whether p comes before q.
func (p Position) Less(q Position) bool {
	return p.TransactionID < q.TransactionID || p.TransactionID == q.TransactionID && p.Global < q.Global
}

// Record is one stored event.
type Record struct {
	Position      Position
	EventID       uuid.UUID
	Stream        Stream
	Version       int64
	Type          string
	SchemaVersion int
	Payload       json.RawMessage
	Metadata      Metadata
	RecordedAt    time.Time
	// Event is the decoded payload, or nil when this build does not know Type.
	Event domain.Event
}

// AppendResult says where an append left its stream.
type AppendResult struct {
	// Version is the stream's version after the append.
	Version int64
	// Position is the global position of the last event appended.
	Position int64
}

// Config configures a Store.
type Config struct {
	Registry *Registry
	Logger   *slog.Logger
	Metrics  *Metrics
	// ProjectionPool, if set, is where projections are applied (the live
	// subscriptions, catch-up passes and rebuilds); it must never be used to
	// append. When its sessions carry ProjectorApplicationName (see
	// ConfigureProjectionPool), their transactions do not hold back what
	// other projections may read. Unset: the main pool is used.
	ProjectionPool *pgxpool.Pool
	// AggregateCacheBytes bounds the aggregate cache (see AggregateCache) by
	// the bytes of event JSON its aggregates were built from. 0: the
	// default; negative: no cache.
	AggregateCacheBytes int64
	// SnapshotEvery is how many events a Snapshotter's stream may grow by
	// before its state is stored again as a snapshot. 0: the default;
	// negative: no snapshots are stored or read.
	SnapshotEvery int
}

// ProjectorApplicationName is the application_name of projector sessions.
// Subscribers read past their open transactions (events_horizon in
// migrations/00006), and the database refuses their appends.
const ProjectorApplicationName = "keylink-projector"

// ConfigureProjectionPool marks cfg's sessions as projector sessions.
func ConfigureProjectionPool(cfg *pgxpool.Config) {
	cfg.ConnConfig.RuntimeParams["application_name"] = ProjectorApplicationName
}

// Store appends and reads events. It is safe for concurrent use.
type Store struct {
	pool    *pgxpool.Pool
	ppool   *pgxpool.Pool // projections are applied here
	reg     *Registry
	log     *slog.Logger
	wmlog   watermill.LoggerAdapter
	metrics *Metrics
	cache   *AggregateCache // nil: disabled
	// snapshotEvery is Config.SnapshotEvery; 0 or less: no snapshots.
	snapshotEvery int
}

// New returns a Store on pool.
func New(pool *pgxpool.Pool, cfg Config) (*Store, error) {
	var errs []error
	if pool == nil {
		errs = append(errs, errors.New("eventstore: nil pool"))
	}
	if cfg.Registry == nil {
		errs = append(errs, errors.New("eventstore: nil registry"))
	}
	if pool != nil && pool.Config().ConnConfig.RuntimeParams["application_name"] == ProjectorApplicationName {
		errs = append(errs, errors.New("eventstore: the main pool must not be a projection pool: it appends"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.ProjectionPool == nil {
		cfg.ProjectionPool = pool
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil)
	}
	s := &Store{pool: pool, ppool: cfg.ProjectionPool, reg: cfg.Registry, log: cfg.Logger,
		wmlog: watermill.NewSlogLogger(cfg.Logger), metrics: cfg.Metrics, snapshotEvery: cfg.SnapshotEvery}
	if cfg.AggregateCacheBytes == 0 {
		cfg.AggregateCacheBytes = DefaultAggregateCacheBytes
	}
	if cfg.AggregateCacheBytes > 0 {
		s.cache = newAggregateCache(cfg.AggregateCacheBytes, cfg.Metrics)
	}
	if s.snapshotEvery == 0 {
		s.snapshotEvery = DefaultSnapshotEvery
	}
	return s, nil
}

// Pool returns the connection pool, for read models that share the database.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Registry returns the event registry.
func (s *Store) Registry() *Registry { return s.reg }

// Tx is one unit of work: appends, claims and stream reads that commit
// together. It is not safe for concurrent use.
type Tx struct {
	tx  *txConn
	s   *Store
	md  Metadata
	pub *wsql.Publisher
	ret *returning
	// loaded: what Load learnt of each stream, for Keep; appended: bytes of
	// JSON appended per stream; committed: what runs after the commit.
	loaded    map[string]loaded
	appended  map[string]int64
	committed []func(ctx context.Context)
	// marks: the streams this transaction has out of the aggregate cache.
	marks map[string]chan struct{}
}

// Update runs fn in a transaction and commits it when fn returns nil. Nothing
// fn wrote survives an error. Store errors come back translated (conflicts,
// unavailability).
func (s *Store) Update(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return translate(err)
	}
	ptx := &txConn{c: conn}
	defer ptx.release(context.WithoutCancel(ctx))
	ret := &returning{q: ptx}
	pub, err := wsql.NewPublisher(ret, wsql.PublisherConfig{SchemaAdapter: schemaAdapter{}}, s.wmlog)
	if err != nil {
		return err
	}
	t := &Tx{tx: ptx, s: s, md: metadataFrom(ctx), pub: pub, ret: ret}
	defer t.release()
	if err := fn(ctx, t); err != nil {
		return s.count(translate(err))
	}
	if err := ptx.commit(ctx); err != nil {
		return s.count(translate(err))
	}
	for _, f := range t.committed {
		f(ctx)
	}
	return nil
}

func (s *Store) count(err error) error {
	if errors.Is(err, ErrVersionConflict) {
		s.metrics.conflicts.Inc()
	}
	return err
}

// Append writes events to stream atomically at the expected version and
// publishes them on Topic. It fails with ErrVersionConflict when the stream
// is not at expected. The events go in one INSERT statement, atomic on its
// own, so a lone append needs no explicit transaction: one round trip.
func (s *Store) Append(ctx context.Context, stream Stream, expected ExpectedVersion, events ...domain.Event) (AppendResult, error) {
	ret := &returning{q: s.pool}
	pub, err := wsql.NewPublisher(ret, wsql.PublisherConfig{SchemaAdapter: schemaAdapter{}}, s.wmlog)
	if err != nil {
		return AppendResult{}, err
	}
	t := &Tx{s: s, md: metadataFrom(ctx), pub: pub, ret: ret}
	res, err := t.Append(ctx, stream, expected, events...)
	return res, s.count(err)
}

// Append adds events to stream within the transaction; see Store.Append.
func (t *Tx) Append(ctx context.Context, stream Stream, expected ExpectedVersion, events ...domain.Event) (AppendResult, error) {
	if len(events) == 0 {
		return AppendResult{}, errors.New("eventstore: append of no events")
	}
	exp := expectAny
	if expected >= 0 {
		exp = strconv.FormatInt(int64(expected), 10)
	} else if expected != Any {
		return AppendResult{}, fmt.Errorf("eventstore: bad expected version %d", expected)
	}
	msgs := make([]*message.Message, len(events))
	var size int64
	for i, e := range events {
		payload, err := json.Marshal(e)
		if err != nil {
			return AppendResult{}, fmt.Errorf("eventstore: encode %s: %w", e.EventType(), err)
		}
		size += int64(len(payload))
		id, err := uuid.NewV7()
		if err != nil {
			return AppendResult{}, err
		}
		m := message.NewMessage(id.String(), payload)
		m.SetContext(ctx)
		m.Metadata = message.Metadata{
			mdStreamType: stream.Type, mdStreamID: stream.Name(), mdExpected: exp,
			mdType: e.EventType(), mdSchemaVersion: strconv.Itoa(e.SchemaVersion()),
			mdCorrelation: t.md.CorrelationID, mdCausation: t.md.CausationID, mdActor: t.md.Actor,
		}
		msgs[i] = m
	}
	t.ret.reset()
	if err := t.pub.Publish(Topic, msgs...); err != nil {
		return AppendResult{}, translate(err)
	}
	if len(t.ret.positions) != len(events) {
		return AppendResult{}, fmt.Errorf("eventstore: %d events written, want %d", len(t.ret.positions), len(events))
	}
	t.s.metrics.appends.Add(float64(len(events)))
	if t.appended == nil {
		t.appended = map[string]int64{}
	}
	t.appended[stream.Name()] += size
	n := len(events) - 1
	return AppendResult{Version: t.ret.versions[n], Position: t.ret.positions[n]}, nil
}

// Claim reserves value in scope for owner (a tax code for a supplier, say)
// within the transaction. It fails with ErrClaimed when another stream holds
// it; concurrent claimers wait for each other and exactly one wins.
func (t *Tx) Claim(ctx context.Context, scope, value string, owner Stream) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO claims (scope, value, owner_stream) VALUES ($1, $2, $3)`,
		scope, value, owner.Name())
	return translate(err)
}

// Lock serialises writers of one stream until the transaction ends, so
// commands without an expected version queue instead of failing on conflict.
func (t *Tx) Lock(ctx context.Context, stream Stream) error {
	_, err := t.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, stream.Name())
	return translate(err)
}

// LockAndRead takes the stream's lock (see Lock) and reads its events in the
// same round trip.
func (t *Tx) LockAndRead(ctx context.Context, stream Stream) ([]Record, error) {
	var b pgx.Batch
	b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, stream.Name())
	b.Queue(`SELECT `+recordColumns+` FROM events WHERE stream_id = $1 ORDER BY version`, stream.Name())
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

// Exec runs a statement in the transaction, for the few stores that share the
// command's transaction (idempotency answers).
func (t *Tx) Exec(ctx context.Context, sql string, args ...any) error {
	_, err := t.tx.Exec(ctx, sql, args...)
	return translate(err)
}

// ExecAtCommit queues a statement to run at the end of the transaction, in
// the round trip of its COMMIT (an idempotent answer, say): its error, if
// any, rolls the transaction back and comes back from Store.Update.
func (t *Tx) ExecAtCommit(sql string, args ...any) { t.tx.execAtCommit(sql, args...) }

// QueryRow runs a one-row query in the transaction.
func (t *Tx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return t.tx.QueryRow(ctx, sql, args...)
}

// ReadStream returns the events of stream in version order, within the
// transaction.
func (t *Tx) ReadStream(ctx context.Context, stream Stream) ([]Record, error) {
	return t.s.readStream(ctx, t.tx, stream)
}

// ReadStream returns the events of stream in version order.
func (s *Store) ReadStream(ctx context.Context, stream Stream) ([]Record, error) {
	return s.readStream(ctx, s.pool, stream)
}

// ReadStreamPage returns up to limit events of stream with versions above
// after, in version order, and the stream's version (0: no such stream).
// It runs two statements: a page never holds an event the version leaves
// out, since events are only ever appended.
func (s *Store) ReadStreamPage(ctx context.Context, stream Stream, after int64, limit int) ([]Record, int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+recordColumns+` FROM events WHERE stream_id = $1 AND version > $2
ORDER BY version LIMIT $3`, stream.Name(), after, limit)
	if err != nil {
		return nil, 0, translate(err)
	}
	recs, err := s.scanRecords(rows)
	if err != nil {
		return nil, 0, err
	}
	var version int64
	err = s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1`, stream.Name()).Scan(&version)
	return recs, version, translate(err)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

const recordColumns = `global_position, transaction_id::text, event_id, stream_type, stream_id, version,
	type, schema_version, payload, metadata, recorded_at`

func (s *Store) readStream(ctx context.Context, q querier, stream Stream) ([]Record, error) {
	rows, err := q.Query(ctx, `SELECT `+recordColumns+` FROM events WHERE stream_id = $1 ORDER BY version`, stream.Name())
	if err != nil {
		return nil, translate(err)
	}
	return s.scanRecords(rows)
}

// ReadAll returns up to limit committed events after position from, in commit
// order. Only events of transactions older than every running one are
// returned, so a later call never finds an event before the last one seen.
func (s *Store) ReadAll(ctx context.Context, from Position, limit int) ([]Record, error) {
	return s.readAll(ctx, s.pool, from, limit)
}

func (s *Store) readAll(ctx context.Context, q querier, from Position, limit int) ([]Record, error) {
	rows, err := q.Query(ctx, `SELECT `+recordColumns+` FROM events
WHERE (transaction_id, global_position) > ($1::text::xid8, $2)
  AND transaction_id < (SELECT events_horizon())
ORDER BY transaction_id, global_position LIMIT $3`,
		strconv.FormatUint(from.TransactionID, 10), from.Global, limit)
	if err != nil {
		return nil, translate(err)
	}
	return s.scanRecords(rows)
}

func (s *Store) scanRecords(rows pgx.Rows) ([]Record, error) {
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var (
			r    Record
			txid string
			md   []byte
		)
		if err := rows.Scan(&r.Position.Global, &txid, &r.EventID, &r.Stream.Type, &r.Stream.ID, &r.Version,
			&r.Type, &r.SchemaVersion, &r.Payload, &md, &r.RecordedAt); err != nil {
			return nil, translate(err)
		}
		r.Stream.ID = r.Stream.ID[len(r.Stream.Type)+1:]
		r.Position.TransactionID, _ = strconv.ParseUint(txid, 10, 64)
		_ = json.Unmarshal(md, &r.Metadata)
		if err := s.decode(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// decode fills r.Event; unknown event types are left nil for the caller to
// skip, so an old binary can still read a newer store.
func (s *Store) decode(r *Record) error {
	e, err := s.reg.Decode(r.Type, r.SchemaVersion, r.Payload)
	if errors.Is(err, ErrUnknownEvent) {
		return nil
	}
	if err != nil {
		return err
	}
	r.Event = e
	return nil
}

// returning executes Watermill's INSERT, in a transaction or on the pool, and
// keeps what its RETURNING clause gave back: the positions and versions of the
// events just written.
type returning struct {
	q         querier
	positions []int64
	versions  []int64
}

var _ wsql.ContextExecutor = (*returning)(nil)

func (r *returning) reset() { r.positions, r.versions = r.positions[:0], r.versions[:0] }

func (r *returning) ExecContext(ctx context.Context, query string, args ...any) (wsql.Result, error) {
	rows, err := r.q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pos, ver int64
		if err := rows.Scan(&pos, &ver); err != nil {
			return nil, err
		}
		r.positions = append(r.positions, pos)
		r.versions = append(r.versions, ver)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return wsql.PgxResult{}, nil
}

func (r *returning) QueryContext(ctx context.Context, query string, args ...any) (wsql.Rows, error) {
	rows, err := r.q.Query(ctx, query, args...)
	return wsql.PgxRows{Rows: rows}, err
}

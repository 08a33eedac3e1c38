package eventstore

import (
	"context"
	stdsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Projection builds one read model from events.
//
// Apply is called once per event, in commit order, inside the transaction
// that also advances the projection's checkpoint; it must write only through
// tx and must be deterministic so that a rebuild equals the live model. It is
// never called concurrently for one projection. Reset empties the read model
// before a rebuild.
//
// The tx given to Apply and Reset pipelines writes: Exec queues the statement
// and returns an empty CommandTag; queued statements are sent before any
// Query or QueryRow and when the batch of events (live, or a page of a
// catch-up or rebuild) is done. A failing statement fails the batch, which
// is rolled back and read again, and is blamed on the event it was queued
// for. Use Query when a statement's result matters.
type Projection interface {
	Name() string
	Apply(ctx context.Context, tx pgx.Tx, r Record) error
	Reset(ctx context.Context, tx pgx.Tx) error
}

// ProjectorConfig tunes the live subscriptions.
type ProjectorConfig struct {
	// PollInterval is how long a caught-up projection waits before asking
	// again. Watermill's default of 1 s is far too slow for read-your-writes.
	PollInterval time.Duration
	// RetryInterval is the pause after a failed batch (a poison event or the
	// database away) before it is read again.
	RetryInterval time.Duration
	// BatchSize is the most events one live transaction reads and applies.
	BatchSize int
	// CatchUpPage is how many events one catch-up transaction may apply
	// before the live subscription starts: a projection that starts far
	// behind (new, or after downtime) first replays through the pipelined
	// path, several times faster than message-by-message. Negative: no
	// catch-up.
	CatchUpPage int
	// WaitPoll is how often, while anyone waits for a read model (WaitFor),
	// one shared query reads every checkpoint: the projections of this
	// process wake waiters at once, the poll catches those another process
	// applies. Default 25 ms.
	WaitPoll time.Duration
}

func (c *ProjectorConfig) setDefaults() {
	if c.PollInterval == 0 {
		c.PollInterval = 15 * time.Millisecond
	}
	if c.RetryInterval == 0 {
		c.RetryInterval = time.Second
	}
	// A batch's writes go to the server in one round trip, so larger
	// batches cost less per event. Its transaction does not hold back the
	// other projections (events_horizon leaves projector sessions out), but
	// an event that arrives during a batch waits for it: 100 events live,
	// 5,000 in a catch-up pass.
	if c.BatchSize == 0 {
		c.BatchSize = 100
	}
	if c.CatchUpPage == 0 {
		c.CatchUpPage = 5000
	}
	if c.WaitPoll == 0 {
		c.WaitPoll = 25 * time.Millisecond
	}
}

// Validate reports every bad setting at once.
func (c ProjectorConfig) Validate() error {
	var errs []error
	if c.PollInterval < 0 || c.RetryInterval < 0 || c.WaitPoll < 0 {
		errs = append(errs, errors.New("eventstore: negative interval"))
	}
	if c.BatchSize < 0 || c.BatchSize > 10000 {
		errs = append(errs, errors.New("eventstore: batch size must be 1..10000"))
	}
	return errors.Join(errs...)
}

// Projector runs projections live through Watermill's SQL subscriber, one
// consumer group per projection, and answers read-your-writes waits.
type Projector struct {
	s           *Store
	cfg         ProjectorConfig
	projections []Projection

	mu      sync.Mutex
	failing map[string]string
	watch   watcher
}

// NewProjector returns a projector for the given projections.
func NewProjector(s *Store, cfg ProjectorConfig, projections ...Projection) (*Projector, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, p := range projections {
		if seen[p.Name()] {
			return nil, fmt.Errorf("eventstore: projection %q twice", p.Name())
		}
		seen[p.Name()] = true
	}
	return &Projector{s: s, cfg: cfg, projections: projections, failing: map[string]string{}}, nil
}

// Names lists the projections.
func (p *Projector) Names() []string {
	out := make([]string, len(p.projections))
	for i, pr := range p.projections {
		out[i] = pr.Name()
	}
	return out
}

// Projection returns the projection called name, or nil.
func (p *Projector) Projection(name string) Projection {
	for _, pr := range p.projections {
		if pr.Name() == name {
			return pr
		}
	}
	return nil
}

// Run applies events until ctx ends, then lets every projection finish the
// event in hand and commit its batch before returning.
func (p *Projector) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(p.projections))
	for _, pr := range p.projections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.run(ctx, pr); err != nil {
				errs <- fmt.Errorf("projection %s: %w", pr.Name(), err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

func (p *Projector) run(ctx context.Context, pr Projection) error {
	p.catchUp(ctx, pr)
	// No ack deadline: on one, Watermill would acknowledge and commit the
	// batch while the projection is still applying an event.
	var noDeadline time.Duration
	beginner := batchBeginner{Beginner: wsql.BeginnerFromPgx(p.s.ppool), p: p, pr: pr}
	sub, err := wsql.NewSubscriber(beginner, wsql.SubscriberConfig{
		ConsumerGroup:  pr.Name(),
		AckDeadline:    &noDeadline,
		PollInterval:   p.cfg.PollInterval,
		RetryInterval:  p.cfg.RetryInterval,
		ResendInterval: p.cfg.RetryInterval,
		BackoffManager: newAdaptiveBackoff(p.cfg.PollInterval, p.cfg.RetryInterval),
		SchemaAdapter:  schemaAdapter{batchSize: p.cfg.BatchSize},
		OffsetsAdapter: offsetsAdapter{},
	}, p.s.wmlog)
	if err != nil {
		return err
	}
	// The subscription outlives ctx: on shutdown the event in hand is
	// finished and its batch committed before the subscriber closes.
	subCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	var msgs <-chan *message.Message
	for msgs == nil {
		msgs, err = sub.Subscribe(subCtx, Topic)
		if err != nil {
			p.s.log.Warn("projection cannot subscribe yet", "projection", pr.Name(), "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(p.cfg.RetryInterval):
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			return sub.Close()
		case msg, ok := <-msgs:
			if !ok {
				return nil
			}
			p.handle(pr, msg)
		}
	}
}

// catchUp replays committed events in bounded transactions until a pass
// comes back short. Any failure (a poison event, the database away) ends it
// quietly: the live subscription takes over, retries and reports.
func (p *Projector) catchUp(ctx context.Context, pr Projection) {
	if p.cfg.CatchUpPage < 0 {
		return
	}
	for ctx.Err() == nil {
		var n int
		err := p.s.replay(ctx, pr, false, p.cfg.CatchUpPage, func(k int) { n += k })
		if err != nil {
			p.s.log.Info("catch-up stopped; the live subscription continues", "projection", pr.Name(), "err", err)
			return
		}
		if n > 0 {
			p.s.metrics.applied.WithLabelValues(pr.Name()).Add(float64(n))
			if at, err := readCheckpoint(ctx, p.s.pool, pr.Name()); err == nil {
				p.watch.advance(pr.Name(), at, nil)
				p.s.metrics.checkpoint.WithLabelValues(pr.Name()).Set(float64(at.Global))
			}
			p.s.log.Info("projection caught up", "projection", pr.Name(), "events", n)
		}
		if n < p.cfg.CatchUpPage {
			return
		}
	}
}

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
	pr       Projection
	at       Position // the last event applied, or the checkpoint the batch started from
	started  bool     // at is set
	recs     []appliedEvent
	failed   error // an event failed: the batch is rolled back and read again
	finished bool  // the writes and the checkpoint were sent
	begun    time.Time
}

// appliedEvent is what the metrics need of an applied event.
type appliedEvent struct {
	pos        Position
	typ        string
	recordedAt time.Time
}

// errBatchFailed refuses the acknowledgement of a batch in which an event
// failed, so that Watermill rolls it back.
var errBatchFailed = errors.New("eventstore: an event of the batch failed; rolling it back")

// batchBeginner begins the subscriber's transactions on the projection pool
// and wraps them for the projector.
type batchBeginner struct {
	wsql.Beginner
	p  *Projector
	pr Projection
}

func (b batchBeginner) BeginTx(ctx context.Context, opts *stdsql.TxOptions) (wsql.Tx, error) {
	tx, err := b.Beginner.BeginTx(ctx, opts)
	if err != nil {
		return tx, err
	}
	ptx, ok := tx.(*wsql.PgxTx)
	if !ok {
		_ = tx.Rollback()
		return nil, fmt.Errorf("eventstore: unexpected subscriber transaction %T", tx)
	}
	return &batchTx{Tx: tx, pl: &pipeline{Tx: ptx.Tx}, p: b.p, pr: b.pr, begun: time.Now()}, nil
}

// ExecContext takes the place of the subscriber's acknowledgement
// (AckMessageQuery): it sends the batch's queued writes with the
// checkpoint's advance, or refuses if an event failed. Other statements
// (those run before subscribing) go through.
func (t *batchTx) ExecContext(ctx context.Context, query string, args ...any) (wsql.Result, error) {
	if query != advanceCheckpointSQL {
		return t.Tx.ExecContext(ctx, query, args...)
	}
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
	if t.started && len(t.recs) > 0 {
		t.p.watch.advance(t.pr.Name(), t.at, t.recs)
	}
	if n := len(t.recs); n > 0 {
		name, m := t.pr.Name(), t.p.s.metrics
		m.batch.WithLabelValues(name).Observe(time.Since(t.begun).Seconds())
		m.applied.WithLabelValues(name).Add(float64(n))
		m.checkpoint.WithLabelValues(name).Set(float64(t.recs[n-1].pos.Global))
		lag := m.lag.WithLabelValues(name)
		now := time.Now()
		for _, r := range t.recs {
			lag.Observe(now.Sub(r.recordedAt).Seconds())
		}
		t.p.setFailing(name, "")
		m.failing.WithLabelValues(name).Set(0)
	}
	return nil
}

// fail marks the batch failed and reports why: the event to blame when the
// database refused a statement queued for it or Apply failed on it, else
// the batch as a whole (the database away, say).
func (t *batchTx) fail(err error) {
	t.failed = err
	name, m := t.pr.Name(), t.p.s.metrics
	if errors.Is(translate(err), ErrUnavailable) {
		// A connection lost to a restart or a shutdown is no fault of the
		// events: blame none, and leave /readyz to report the database.
		t.p.s.log.Warn("projection batch interrupted: database unavailable; it will be retried",
			"projection", name, "err", err)
		return
	}
	m.failures.WithLabelValues(name).Inc()
	m.failing.WithLabelValues(name).Set(1)
	var (
		fe  *flushError
		pge *pgconn.PgError
	)
	at, blamed := appliedEvent{}, false
	switch {
	case errors.As(err, &fe):
		if errors.As(err, &pge) && fe.owner >= 0 && fe.owner < len(t.recs) {
			at, blamed = t.recs[fe.owner], true
		}
	case len(t.recs) > 0: // Apply failed on the last event handled
		at, blamed = t.recs[len(t.recs)-1], true
	}
	if !blamed {
		t.p.setFailing(name, fmt.Sprintf("batch after event %d: %v", t.at.Global, err))
		t.p.s.log.Error("projection batch failed; it will be retried", "projection", name, "err", err)
		return
	}
	t.p.setFailing(name, fmt.Sprintf("event %d (%s): %v", at.pos.Global, at.typ, err))
	t.p.s.log.Error("projection failed on an event; its batch will be retried",
		"projection", name, "position", at.pos.Global, "type", at.typ, "err", err)
}

// handle applies one message of a batch and always acks it: Watermill would
// otherwise resend a nacked message inside the same transaction, keeping the
// failed attempt's writes. After a failure the rest of the batch is skipped
// and the batch's acknowledgement refused, so Watermill rolls the batch back
// and reads it again after RetryInterval.
func (p *Projector) handle(pr Projection, msg *message.Message) {
	ctx := msg.Context()
	wtx, _ := wsql.TxFromContext(ctx)
	t, ok := wtx.(*batchTx)
	if !ok {
		// Never expected. Left unacknowledged, the message holds its
		// projection back, where /readyz reports it, instead of being
		// skipped.
		p.s.log.Error("projection got a message outside its batch transaction", "projection", pr.Name(), "tx", fmt.Sprintf("%T", wtx))
		return
	}
	defer msg.Ack()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.failed != nil || t.finished {
		return
	}
	rec, err := p.record(msg)
	if err == nil && !t.started {
		// The subscriber holds the checkpoint row locked for the batch and
		// read it with the batch: every event in the batch must come after
		// it, in order.
		t.at, err = parsePosition(msg.Metadata.Get(mdCheckpoint))
		t.started = err == nil
	}
	if err == nil && !t.at.Less(rec.Position) {
		return // applied before
	}
	t.recs = append(t.recs, appliedEvent{pos: rec.Position, typ: rec.Type, recordedAt: rec.RecordedAt})
	if err == nil {
		t.pl.owner = len(t.recs) - 1
		err = pr.Apply(ctx, t.pl, rec)
	}
	if err != nil {
		t.fail(err)
		return
	}
	t.at = rec.Position
}

// parsePosition parses "transaction_id/global_position".
func parsePosition(s string) (Position, error) {
	tx, g, ok := strings.Cut(s, "/")
	var at Position
	var err1, err2 error
	at.TransactionID, err1 = strconv.ParseUint(tx, 10, 64)
	at.Global, err2 = strconv.ParseInt(g, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return Position{}, fmt.Errorf("eventstore: bad checkpoint %q", s)
	}
	return at, nil
}

func readCheckpoint(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, name string) (Position, error) {
	var (
		at   Position
		txid string
	)
	err := q.QueryRow(ctx, `SELECT transaction_id::text, global_position FROM projection_checkpoints WHERE name = $1`, name).Scan(&txid, &at.Global)
	if err != nil {
		return at, err
	}
	at.TransactionID, err = strconv.ParseUint(txid, 10, 64)
	return at, err
}

// record rebuilds a Record from a message of the events topic.
func (p *Projector) record(msg *message.Message) (Record, error) {
	md := msg.Metadata
	var r Record
	var err error
	parse := func(s string) int64 {
		v, e := strconv.ParseInt(s, 10, 64)
		if e != nil && err == nil {
			err = fmt.Errorf("eventstore: bad metadata %q: %w", s, e)
		}
		return v
	}
	r.Position.Global = parse(md.Get(mdPosition))
	r.Position.TransactionID = uint64(parse(md.Get(mdTransaction)))
	r.Version = parse(md.Get(mdVersion))
	r.SchemaVersion = int(parse(md.Get(mdSchemaVersion)))
	r.Type = md.Get(mdType)
	r.Stream.Type = md.Get(mdStreamType)
	if name := md.Get(mdStreamID); len(name) > len(r.Stream.Type) {
		r.Stream.ID = name[len(r.Stream.Type)+1:]
	}
	r.EventID, _ = uuid.Parse(msg.UUID)
	r.Payload = json.RawMessage(msg.Payload)
	r.Metadata = Metadata{CorrelationID: md.Get(mdCorrelation), CausationID: md.Get(mdCausation), Actor: md.Get(mdActor)}
	r.RecordedAt, _ = time.Parse(time.RFC3339Nano, md.Get(mdRecordedAt))
	if err != nil {
		return r, err
	}
	return r, p.s.decode(&r)
}

func (p *Projector) setFailing(name, why string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if why == "" {
		delete(p.failing, name)
	} else {
		p.failing[name] = why
	}
}

// Failing returns the projections stuck on an event, with the reason.
func (p *Projector) Failing() map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]string, len(p.failing))
	for k, v := range p.failing {
		out[k] = v
	}
	return out
}

// Behind returns the projections that have left an event committed more than
// age ago unapplied.
func (p *Projector) Behind(ctx context.Context, age time.Duration) ([]string, error) {
	rows, err := p.s.pool.Query(ctx, `SELECT c.name FROM projection_checkpoints c
WHERE c.name = ANY($1::text[]) AND EXISTS (
  SELECT 1 FROM events e
  WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
    AND e.transaction_id < (SELECT events_horizon())
    AND e.recorded_at < now() - $2::interval)`, p.Names(), age.String())
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Rebuild empties pr's read model and replays every event from position 0.
// The reset and the bulk of the replay run in one transaction, so readers see
// the old model until the new one is complete; the checkpoint row stays
// locked meanwhile, pausing the live subscription. Events of transactions
// still running when the replay reached them are applied afterwards in short
// catch-up transactions, until the projection has every committed event.
// progress, if not nil, is told how far it got.
func (s *Store) Rebuild(ctx context.Context, pr Projection, progress func(done, total int64)) error {
	var total, done int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&total); err != nil {
		return translate(err)
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
	if err := s.replay(ctx, pr, true, 0, report); err != nil {
		return err
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		var behind bool
		err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events e, projection_checkpoints c
WHERE c.name = $1 AND (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position))`, pr.Name()).Scan(&behind)
		if err != nil {
			return translate(err)
		}
		if !behind {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		if err := s.replay(ctx, pr, false, 0, report); err != nil {
			return err
		}
	}
}

// replay applies, in one transaction, the committed events after pr's
// checkpoint (after position 0 when reset), at most limit of them when limit
// is positive, then moves the checkpoint. Each page is read under a fresh
// snapshot below its xmin, in commit order, so no page can hold an event that
// sorts before the previous page's last.
func (s *Store) replay(ctx context.Context, pr Projection, reset bool, limit int, report func(int)) error {
	tx, err := s.ppool.Begin(ctx)
	if err != nil {
		return translate(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING`, pr.Name()); err != nil {
		return translate(err)
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE`, pr.Name()); err != nil {
		return translate(err)
	}
	at, err := readCheckpoint(ctx, tx, pr.Name())
	if err != nil {
		return translate(err)
	}
	pl := &pipeline{Tx: tx}
	if reset {
		if err := pr.Reset(ctx, pl); err != nil {
			return err
		}
		at = Position{}
	}
	for done := 0; limit <= 0 || done < limit; {
		if err := pl.flush(ctx); err != nil {
			return fmt.Errorf("rebuild %s after event %d: %w", pr.Name(), at.Global, err)
		}
		page := 2000
		if limit > 0 {
			page = min(page, limit-done)
		}
		recs, err := s.readAll(ctx, tx, at, page)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			break
		}
		for _, r := range recs {
			if err := pr.Apply(ctx, pl, r); err != nil {
				return fmt.Errorf("rebuild %s at event %d: %w", pr.Name(), r.Position.Global, err)
			}
		}
		at = recs[len(recs)-1].Position
		done += len(recs)
		report(len(recs))
	}
	if err := pl.flush(ctx); err != nil {
		return fmt.Errorf("rebuild %s after event %d: %w", pr.Name(), at.Global, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE projection_checkpoints SET transaction_id = $2::text::xid8, global_position = $3, updated_at = now() WHERE name = $1`,
		pr.Name(), strconv.FormatUint(at.TransactionID, 10), at.Global); err != nil {
		return translate(err)
	}
	return translate(tx.Commit(ctx))
}

// adaptiveBackoff is the subscribers' polling rhythm. After a batch, an
// empty poll is followed by another 1 ms later, then 2, 4, 8 ms and so on up
// to the poll interval: a busy projection picks the next events up within
// a millisecond or two, an idle one costs what a fixed interval would.
// Errors are Watermill's default's business.
type adaptiveBackoff struct {
	fallback     wsql.BackoffManager
	max, current time.Duration
}

const firstPoll = time.Millisecond

func newAdaptiveBackoff(poll, retry time.Duration) *adaptiveBackoff {
	return &adaptiveBackoff{fallback: wsql.NewDefaultBackoffManager(poll, retry), max: poll, current: poll}
}

func (b *adaptiveBackoff) HandleError(logger watermill.LoggerAdapter, noMsg bool, err error) time.Duration {
	switch {
	case err != nil:
		b.current = b.max
		return b.fallback.HandleError(logger, noMsg, err)
	case !noMsg:
		b.current = firstPoll
		return 0
	}
	wait := min(b.current, b.max)
	b.current = min(2*b.current, b.max)
	return wait
}

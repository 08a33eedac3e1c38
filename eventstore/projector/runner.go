// Package projector runs projections: live, through Watermill's SQL
// subscriber on the events table; in catch-up passes and rebuilds, through
// the store's pages of events; and it answers read-your-writes waits and the
// health checks.
//
// Each projection keeps its own checkpoint in projection_checkpoints, moved
// in the same transaction as its read-model writes, so a projection never
// applies an event twice nor skips one, whichever process (several keylink
// serve processes may share a database) applies it.
package projector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/keylink/keylink/eventstore"
)

// Config tunes the projector.
type Config struct {
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
	// Logger reports failing projections (nil: discarded).
	Logger *slog.Logger
	// Metrics are the projector's instruments (nil: unregistered ones).
	Metrics *Metrics
}

func (c *Config) setDefaults() {
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
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Metrics == nil {
		c.Metrics = NewMetrics(nil)
	}
}

// Validate reports every bad setting at once.
func (c Config) Validate() error {
	var errs []error
	if c.PollInterval < 0 || c.RetryInterval < 0 || c.WaitPoll < 0 {
		errs = append(errs, errors.New("projector: negative interval"))
	}
	if c.BatchSize < 0 || c.BatchSize > 10000 {
		errs = append(errs, errors.New("projector: batch size must be 1..10000"))
	}
	return errors.Join(errs...)
}

// Projector runs projections live and answers read-your-writes waits. Its
// methods are safe for concurrent use; Run runs once.
type Projector struct {
	s           *eventstore.Store
	cfg         Config
	log         *slog.Logger
	projections []eventstore.Projection

	mu      sync.Mutex
	failing map[string]string
	watch   watcher
}

// New returns a projector of s's events for the given projections, whose
// names must differ. s may be nil for a projector that is never run.
func New(s *eventstore.Store, cfg Config, projections ...eventstore.Projection) (*Projector, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, p := range projections {
		if seen[p.Name()] {
			return nil, fmt.Errorf("projector: projection %q twice", p.Name())
		}
		seen[p.Name()] = true
	}
	return &Projector{s: s, cfg: cfg, log: cfg.Logger, projections: projections, failing: map[string]string{}}, nil
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
func (p *Projector) Projection(name string) eventstore.Projection {
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

func (p *Projector) run(ctx context.Context, pr eventstore.Projection) error {
	p.catchUp(ctx, pr)
	for {
		err := ensureCheckpoints(ctx, p.s.ProjectionPool(), pr.Name())
		if err == nil {
			break
		}
		p.log.Warn("projection cannot subscribe yet", "projection", pr.Name(), "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(p.cfg.RetryInterval):
		}
	}
	// No ack deadline: on one, Watermill would acknowledge and commit the
	// batch while the projection is still applying an event.
	var noDeadline time.Duration
	beginner := batchBeginner{Beginner: wsql.BeginnerFromPgx(p.s.ProjectionPool()), p: p, pr: pr}
	sub, err := wsql.NewSubscriber(beginner, wsql.SubscriberConfig{
		ConsumerGroup:  pr.Name(),
		AckDeadline:    &noDeadline,
		PollInterval:   p.cfg.PollInterval,
		RetryInterval:  p.cfg.RetryInterval,
		ResendInterval: p.cfg.RetryInterval,
		BackoffManager: newAdaptiveBackoff(p.cfg.PollInterval, p.cfg.RetryInterval),
		SchemaAdapter:  subscription{batchSize: p.cfg.BatchSize},
		OffsetsAdapter: offsets{},
	}, watermill.NewSlogLogger(p.log))
	if err != nil {
		return err
	}
	// The subscription outlives ctx: on shutdown the event in hand is
	// finished and its batch committed before the subscriber closes.
	subCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	msgs, err := sub.Subscribe(subCtx, eventstore.Topic)
	if err != nil {
		return err
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

// handle applies one message of a batch and always acks it: Watermill would
// otherwise resend a nacked message inside the same transaction, keeping the
// failed attempt's writes. After a failure the rest of the batch is skipped
// and the batch's acknowledgement refused, so Watermill rolls the batch back
// and reads it again after RetryInterval.
func (p *Projector) handle(pr eventstore.Projection, msg *message.Message) {
	ctx := msg.Context()
	wtx, _ := wsql.TxFromContext(ctx)
	t, ok := wtx.(*batchTx)
	if !ok {
		// Never expected. Left unacknowledged, the message holds its
		// projection back, where /readyz reports it, instead of being
		// skipped.
		p.log.Error("projection got a message outside its batch transaction", "projection", pr.Name(), "tx", fmt.Sprintf("%T", wtx))
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

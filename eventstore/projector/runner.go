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
	"slices"
	"strings"
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
	// Separate names projections that get a live reader of their own
	// instead of sharing the pages of the others: a projection much slower
	// than the rest (the match lists) would otherwise add its time to every
	// other projection's lag. Each reader reads each of its pages once.
	Separate []string
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
//
// Live, one Watermill SQL subscription reads each page of events once and
// hands it to every projection, in one transaction: each projection applies
// the events after its own checkpoint behind a savepoint of its own, so a
// projection that fails is rolled back alone, and the checkpoints of all
// that succeeded move in one statement before the one commit. A projection
// that failed, or that starts behind (new, or after downtime), leaves the
// shared batches and chases the others on its own, in catch-up passes
// (replay) that read pages of their own, and joins again once a pass comes
// back short: one laggard never makes the others read old pages.
//
// Config.Separate gives a slow projection a reader of its own, so that its
// batches do not add to the others' lag.
//
// Why a Watermill subscription rather than a loop of our own: it keeps the
// polling, backoff and shutdown rhythm the store's publication was built
// around, and the reading and acknowledgement stay where the rest of the
// event bus is. Its per-message delivery costs a channel hand-off per
// event, which is small beside the writes; the page's work is done at the
// acknowledgement (batchTx), the one statement Watermill sends through a
// batch's transaction.
type Projector struct {
	s           *eventstore.Store
	cfg         Config
	log         *slog.Logger
	projections []eventstore.Projection

	mu      sync.Mutex
	failing map[string]string
	out     map[string]bool // not in the shared batches: chasing (catching up or failing)
	ctx     context.Context // Run's, for the chasers
	chasers sync.WaitGroup
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
	for _, name := range cfg.Separate {
		if !seen[name] {
			return nil, fmt.Errorf("projector: no projection %q to read separately", name)
		}
	}
	return &Projector{s: s, cfg: cfg, log: cfg.Logger, projections: projections,
		failing: map[string]string{}, out: map[string]bool{}}, nil
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

// runCtx is Run's context.
func (p *Projector) runCtx() context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ctx
}

// live lists the projections of readers that take part in the shared
// batches now.
func (p *Projector) live(readers []string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(readers))
	for _, name := range readers {
		if !p.out[name] {
			out = append(out, name)
		}
	}
	return out
}

// readers groups the projections by live reader: each of Config.Separate
// alone, the others together.
func (p *Projector) readers() [][]string {
	var shared []string
	var out [][]string
	for _, pr := range p.projections {
		if slices.Contains(p.cfg.Separate, pr.Name()) {
			out = append(out, []string{pr.Name()})
		} else {
			shared = append(shared, pr.Name())
		}
	}
	if len(shared) > 0 {
		out = append(out, shared)
	}
	return out
}

// Run applies events until ctx ends, then lets the batch in hand finish and
// commit before returning.
func (p *Projector) Run(ctx context.Context) error {
	p.mu.Lock()
	p.ctx = ctx
	p.mu.Unlock()
	for {
		err := ensureCheckpoints(ctx, p.s.ProjectionPool(), p.Names()...)
		if err == nil {
			break
		}
		p.log.Warn("projector cannot start yet", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(p.cfg.RetryInterval):
		}
	}
	if p.cfg.CatchUpPage >= 0 {
		for _, pr := range p.projections {
			p.chase(ctx, pr, 0)
		}
	}
	defer p.chasers.Wait()
	var wg sync.WaitGroup
	readers := p.readers()
	errs := make(chan error, len(readers))
	for _, names := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.read(ctx, names); err != nil {
				errs <- err
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

// read runs one live reader, for the projections of names, until ctx ends.
func (p *Projector) read(ctx context.Context, names []string) error {
	// No ack deadline: on one, Watermill would acknowledge and commit the
	// batch while the projections are still applying it.
	var noDeadline time.Duration
	sub, err := wsql.NewSubscriber(batchBeginner{Beginner: wsql.BeginnerFromPgx(p.s.ProjectionPool()), p: p}, wsql.SubscriberConfig{
		ConsumerGroup:  strings.Join(names, ","),
		AckDeadline:    &noDeadline,
		PollInterval:   p.cfg.PollInterval,
		RetryInterval:  p.cfg.RetryInterval,
		ResendInterval: p.cfg.RetryInterval,
		BackoffManager: newAdaptiveBackoff(p.cfg.PollInterval, p.cfg.RetryInterval),
		SchemaAdapter:  subscription{batchSize: p.cfg.BatchSize, names: func() []string { return p.live(names) }},
		OffsetsAdapter: offsets{},
	}, watermill.NewSlogLogger(p.log))
	if err != nil {
		return err
	}
	// The subscription outlives ctx: on shutdown the batch in hand is
	// applied and committed before the subscriber closes.
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
			p.handle(msg)
		}
	}
}

// handle adds one message to its batch and acknowledges it: the batch is
// applied when Watermill acknowledges the batch as a whole.
func (p *Projector) handle(msg *message.Message) {
	wtx, _ := wsql.TxFromContext(msg.Context())
	t, ok := wtx.(*batchTx)
	if !ok {
		// Never expected. Left unacknowledged, the message holds the
		// projections back, where /readyz reports them, instead of being
		// skipped.
		p.log.Error("projector got a message outside its batch transaction", "tx", fmt.Sprintf("%T", wtx))
		return
	}
	defer msg.Ack()
	t.add(msg)
}

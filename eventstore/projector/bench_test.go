package projector_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
)

// noop applies nothing: it measures the store's replay path alone.
type noop struct{ n atomic.Int64 }

func (*noop) Name() string                        { return "noop" }
func (*noop) Reset(context.Context, pgx.Tx) error { return nil }
func (p *noop) Apply(context.Context, pgx.Tx, eventstore.Record) error {
	p.n.Add(1)
	return nil
}

// fill appends n events in batches of 100 across 1,000 streams.
func fill(b *testing.B, s *eventstore.Store, n int) {
	ctx := context.Background()
	evs := make([]domain.Event, 100)
	for i := range evs {
		evs[i] = counted{N: i}
	}
	for i := 0; i < n/100; i++ {
		if _, err := s.Append(ctx, stream(i%1000), eventstore.Any, evs...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReplay measures catch-up from position 0: the rebuild path (one
// transaction, pages of 2,000) and the live Watermill subscription, with a
// projection that applies nothing and one that writes a row per event.
func BenchmarkReplay(b *testing.B) {
	const events = 50_000
	s, pool := newStore(b)
	if _, err := pool.Exec(context.Background(), `CREATE TABLE seen (projection text, position bigint, dups int NOT NULL DEFAULT 0, PRIMARY KEY (projection, position))`); err != nil {
		b.Fatal(err)
	}
	fill(b, s, events)
	b.Run("rebuild/noop", func(b *testing.B) {
		for range b.N {
			if err := projector.Rebuild(context.Background(), s, &noop{}, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*events)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("rebuild/row-per-event", func(b *testing.B) {
		for range b.N {
			if err := projector.Rebuild(context.Background(), s, &seen{name: "rebuild"}, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*events)/b.Elapsed().Seconds(), "events/s")
	})
	// The projections=6 cases run six projections at once, as keylink
	// serve does: events/s is then how fast all six got through the events.
	for _, tc := range []struct {
		name                        string
		batch, catchUp, projections int
	}{
		{"live/row-per-event/batch=100", 100, -1, 1},
		{"live/row-per-event/batch=1000", 1000, -1, 1},
		{"catch-up/row-per-event", 500, 0, 1},
		{"live/row-per-event/batch=100/projections=6", 100, -1, 6},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := range b.N {
				var prs []eventstore.Projection
				var names []string
				for k := range tc.projections {
					name := fmt.Sprintf("live-%d-%d-%d-%d-%d", tc.batch, tc.catchUp, tc.projections, i, k)
					prs = append(prs, &seen{name: name})
					names = append(names, name)
				}
				pr, _ := projector.New(s, projector.Config{PollInterval: 5 * time.Millisecond, BatchSize: tc.batch, CatchUpPage: tc.catchUp}, prs...)
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() { done <- pr.Run(ctx) }()
				if err := pr.WaitFor(context.Background(), names, lastEventB(b, s)); err != nil {
					b.Fatal(err)
				}
				cancel()
				<-done
			}
			b.ReportMetric(float64(b.N*events)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

func lastEventB(b *testing.B, s *eventstore.Store) int64 {
	var pos int64
	if err := s.Pool().QueryRow(context.Background(), `SELECT global_position FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`).Scan(&pos); err != nil {
		b.Fatal(err)
	}
	return pos
}

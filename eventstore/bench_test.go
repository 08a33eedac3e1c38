package eventstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
)

// BenchmarkAppend measures appends with optimistic concurrency: each writer
// owns a stream and appends at its exact version, one transaction per append,
// the way a command does. Compare events/s with scripts/bench-baseline.
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 16} {
		for _, batch := range []int{1, 10} {
			b.Run(fmt.Sprintf("writers=%d/events=%d", writers, batch), func(b *testing.B) {
				s, _ := newStore(b)
				ctx := context.Background()
				events := make([]domain.Event, batch)
				for i := range events {
					events[i] = counted{N: i}
				}
				b.ResetTimer()
				var next atomic.Int64
				var wg sync.WaitGroup
				for range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						st := eventstore.StreamOf("bench", uuid.New())
						version := eventstore.NoStream
						for next.Add(1) <= int64(b.N) {
							res, err := s.Append(ctx, st, version, events...)
							if err != nil {
								b.Error(err)
								return
							}
							version = eventstore.ExpectedVersion(res.Version)
						}
					}()
				}
				wg.Wait()
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
			})
		}
	}
}

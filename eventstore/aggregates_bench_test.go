package eventstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
)

// BenchmarkCommand measures one command the way the API runs it (load under
// the stream's lock, decide, append, keep) on a stream of one event and on
// one of 5,000, with and without the aggregate cache.
func BenchmarkCommand(b *testing.B) {
	_, pool := newStore(b)
	for _, cache := range []bool{true, false} {
		cfg := eventstore.Config{}
		if !cache {
			cfg = eventstore.Config{AggregateCacheBytes: -1, SnapshotEvery: -1}
		}
		s := storeOn(b, pool, cfg)
		for _, history := range []int{1, 5000} {
			b.Run(fmt.Sprintf("cache=%v/history=%d", cache, history), func(b *testing.B) {
				ctx := context.Background()
				st := eventstore.StreamOf("test", uuid.New())
				evs := make([]domain.Event, history)
				for i := range evs {
					evs[i] = counted{N: i}
				}
				for i := 0; i < len(evs); i += 500 {
					if _, err := s.Append(ctx, st, eventstore.Any, evs[i:min(i+500, len(evs))]...); err != nil {
						b.Fatal(err)
					}
				}
				command := func() {
					err := s.Update(ctx, func(ctx context.Context, tx *eventstore.Tx) error {
						agg := &tally{}
						v, _, err := tx.Load(ctx, st, agg)
						if err != nil {
							return err
						}
						agg.add(1)
						res, err := tx.Append(ctx, st, eventstore.ExpectedVersion(v), agg.Changes()...)
						if err != nil {
							return err
						}
						tx.Keep(st, agg, res.Version, res.Position)
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				command()
				b.ResetTimer()
				for range b.N {
					command()
				}
			})
		}
	}
}

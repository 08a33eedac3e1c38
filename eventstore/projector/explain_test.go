package projector

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/migrations/dbtest"
)

type tick struct{ N int }

func (tick) EventType() string  { return "Tick" }
func (tick) SchemaVersion() int { return 1 }

// TestSubscriberQueryUsesThePrimaryKey pins the plan of the subscriber's batch
// query: the row comparison on (transaction_id, global_position) must walk the
// primary key, never scan the table (the OR form of that predicate filtered
// 299k rows in 64 ms where the row comparison took 0.1 ms).
func TestSubscriberQueryUsesThePrimaryKey(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	reg, _ := eventstore.NewRegistry(tick{})
	s, err := eventstore.New(pool, eventstore.Config{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	evs := make([]domain.Event, 100)
	for i := range evs {
		evs[i] = tick{i}
	}
	for i := range 100 {
		if _, err := s.Append(ctx, eventstore.Stream{Type: "t", ID: fmt.Sprint(i)}, eventstore.NoStream, evs...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `ANALYZE events; INSERT INTO projection_checkpoints (name, transaction_id, global_position)
SELECT 'p', transaction_id, global_position FROM events ORDER BY 1, 2 OFFSET 5000 LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	q, err := subscription{batchSize: 100, names: func() []string { return []string{"p"} }}.SelectQuery(wsql.SelectQueryParams{Topic: eventstore.Topic})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var plan []map[string]any
	if err := tx.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+q.Query, q.Args...).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	var seqScan, pkey bool
	var walk func(node map[string]any)
	walk = func(node map[string]any) {
		if node["Relation Name"] == "events" {
			seqScan = seqScan || node["Node Type"] == "Seq Scan"
			pkey = pkey || node["Index Name"] == "events_pkey"
		}
		children, _ := node["Plans"].([]any)
		for _, c := range children {
			if m, ok := c.(map[string]any); ok {
				walk(m)
			}
		}
	}
	walk(plan[0]["Plan"].(map[string]any))
	if seqScan || !pkey {
		raw, _ := json.MarshalIndent(plan, "", " ")
		t.Fatalf("the subscriber query does not walk events_pkey:\n%s", raw)
	}
}

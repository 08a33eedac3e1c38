// Package eventstoretest is the test environment shared by the event
// store's tests and the projector's: a store on a fresh database and a
// minimal event to append.
package eventstoretest

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/migrations/dbtest"
)

// Counted is the tests' event: a number.
type Counted struct {
	N int `json:"n"`
}

// EventType names the event.
func (Counted) EventType() string { return "Counted" }

// SchemaVersion is the event's version.
func (Counted) SchemaVersion() int { return 1 }

// NewStore returns a store on a fresh database, whose projections run on a
// pool of projector sessions, as keylink serve's do.
func NewStore(t testing.TB) (*eventstore.Store, *pgxpool.Pool) {
	t.Helper()
	pool := dbtest.New(t)
	ppool := ProjectionPool(t, pool)
	reg, err := eventstore.NewRegistry(Counted{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := eventstore.New(pool, eventstore.Config{Registry: reg, Logger: slog.New(slog.DiscardHandler), ProjectionPool: ppool})
	if err != nil {
		t.Fatal(err)
	}
	return s, pool
}

// ProjectionPool opens a pool of projector sessions on pool's database.
func ProjectionPool(t testing.TB, pool *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	eventstore.ConfigureProjectionPool(cfg)
	ppool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ppool.Close)
	return ppool
}

// Stream is the i-th test stream.
func Stream(i int) eventstore.Stream { return eventstore.Stream{Type: "test", ID: fmt.Sprint(i)} }

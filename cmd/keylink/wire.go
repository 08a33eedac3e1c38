package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/migrations"
	"github.com/keylink/keylink/projections"
)

// system is the wired application.
type system struct {
	pool      *pgxpool.Pool // commands and queries
	ppool     *pgxpool.Pool // projections only: never appends
	store     *eventstore.Store
	projector *projector.Projector
}

// close closes both pools.
func (s *system) close() {
	s.pool.Close()
	s.ppool.Close()
}

// connect opens the pool. Sessions end any transaction left idle for 30 s:
// one forgotten open transaction would stall every projection, which reads
// only below the oldest running transaction.
func connect(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := poolConfig(url)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = defaultPoolSize(runtime.GOMAXPROCS(0))
	}
	return pgxpool.NewWithConfig(ctx, cfg)
}

// defaultPoolSize is the main pool's size unless DATABASE_URL sets
// pool_max_conns: a few connections per core, as PostgreSQL's own sizing
// advice has it. Requests beyond it wait for a connection in the server
// instead of crowding the database's CPUs: at 16 clients on 2 cores, 8
// connections gave about the throughput of 32 with half the projection lag
// (docs/load.md). No request holds one connection while it waits for
// another, so a small pool cannot deadlock.
func defaultPoolSize(cores int) int32 {
	return int32(max(8, 4*cores))
}

// connectProjections opens the projection pool: sessions marked as the
// projector's, whose transactions other projections need not wait for.
// The shared live batches hold one connection, and each projection one
// more while it catches up or rebuilds; the read-your-writes watcher reads
// the checkpoints on a spare one, so that it never queues behind requests
// for the main pool.
func connectProjections(ctx context.Context, url string, projections int) (*pgxpool.Pool, error) {
	cfg, err := poolConfig(url)
	if err != nil {
		return nil, err
	}
	eventstore.ConfigureProjectionPool(cfg)
	cfg.MaxConns = int32(projections + 2)
	return pgxpool.NewWithConfig(ctx, cfg)
}

func poolConfig(url string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "30000"
	cfg.ConnConfig.RuntimeParams["application_name"] = "keylink"
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	return cfg, nil
}

// migrate applies migrations, retrying while the database is not up yet.
func migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		err := migrations.Up(ctx, db, log)
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		log.Warn("database not ready, retrying", "err", err)
		time.Sleep(time.Second)
	}
}

// slowProjections get a live reader of their own (projector.Config.Separate):
// the match lists cost several times what the other read models do per
// event, and the search index's text vectors cost more than the rest;
// sharing their pages would add that to every read model's lag (make load:
// lag p99 312 ms with only the lists apart, 195 ms with both, 173 ms with a
// reader each but 11% fewer commands/s; docs/performance.md).
var slowProjections = []string{"matches", "directory_search"}

func wire(ctx context.Context, cfg config, log *slog.Logger, reg prometheus.Registerer) (*system, error) {
	pool, err := connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, pool, log); err != nil {
		pool.Close()
		return nil, err
	}
	all := projections.All()
	ppool, err := connectProjections(ctx, cfg.DatabaseURL, len(all))
	if err != nil {
		pool.Close()
		return nil, err
	}
	sys := &system{pool: pool, ppool: ppool}
	codec, err := projections.Registry()
	if err != nil {
		sys.close()
		return nil, err
	}
	sys.store, err = eventstore.New(pool, cfg.storeConfig(eventstore.Config{Registry: codec, Logger: log, Metrics: eventstore.NewMetrics(reg), ProjectionPool: ppool}))
	if err != nil {
		sys.close()
		return nil, err
	}
	sys.projector, err = projector.New(sys.store, projector.Config{Logger: log, Metrics: projector.NewMetrics(reg), Separate: slowProjections}, all...)
	if err != nil {
		sys.close()
		return nil, err
	}
	return sys, nil
}

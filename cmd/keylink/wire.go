package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/migrations"
	"github.com/keylink/keylink/projections"
)

// system is the wired application.
type system struct {
	pool      *pgxpool.Pool
	store     *eventstore.Store
	projector *eventstore.Projector
}

// connect opens the pool. Sessions end any transaction left idle for 30 s:
// one forgotten open transaction would stall every projection, which reads
// only below the oldest running transaction.
func connect(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "30000"
	cfg.ConnConfig.RuntimeParams["application_name"] = "keylink"
	if cfg.MaxConns < 32 {
		cfg.MaxConns = 32
	}
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	return pgxpool.NewWithConfig(ctx, cfg)
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

func wire(ctx context.Context, cfg config, log *slog.Logger, reg prometheus.Registerer) (*system, error) {
	pool, err := connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, pool, log); err != nil {
		pool.Close()
		return nil, err
	}
	codec, err := projections.Registry()
	if err != nil {
		pool.Close()
		return nil, err
	}
	store, err := eventstore.New(pool, eventstore.Config{Registry: codec, Logger: log, Metrics: eventstore.NewMetrics(reg)})
	if err != nil {
		pool.Close()
		return nil, err
	}
	projector, err := eventstore.NewProjector(store, eventstore.ProjectorConfig{}, projections.All()...)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &system{pool: pool, store: store, projector: projector}, nil
}

package migrations_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/keylink/keylink/migrations"
	"github.com/keylink/keylink/migrations/dbtest"
)

func TestMigrationsApplyToAnEmptyDatabaseAndAreIdempotent(t *testing.T) {
	admin := dbtest.AdminURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	name := "keylink_mig_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:12]
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	cfg, _ := pgxpool.ParseConfig(admin)
	cfg.ConnConfig.Database = name
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	if err := migrations.Up(ctx, db, logger); err != nil {
		t.Fatalf("first run: %v", err)
	}
	first := strings.Count(logs.String(), "migration applied")
	if first == 0 {
		t.Fatal("first run applied nothing")
	}
	logs.Reset()
	if err := migrations.Up(ctx, db, logger); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if n := strings.Count(logs.String(), "migration applied"); n != 0 {
		t.Fatalf("second run applied %d migrations", n)
	}
	for _, table := range []string{"events", "claims", "projection_checkpoints", "idempotency_keys"} {
		var ok bool
		if err := pool.QueryRow(ctx, fmt.Sprintf("SELECT to_regclass('%s') IS NOT NULL", table)).Scan(&ok); err != nil || !ok {
			t.Fatalf("table %s missing (%v)", table, err)
		}
	}
}

func TestTemplateDatabasesWork(t *testing.T) {
	pool := dbtest.New(t)
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM events").Scan(&n); err != nil || n != 0 {
		t.Fatalf("fresh database: %d events, %v", n, err)
	}
}

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
	"github.com/pressly/goose/v3"

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

// 00007 moves the directory's search text to tables of its own: an existing
// database keeps its search without a rebuild, and going down restores it.
func TestDirectorySearchMigrationCarriesTheSearchText(t *testing.T) {
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
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.Files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.UpTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	sid, cid := uuid.New(), uuid.New()
	for _, q := range []string{
		`INSERT INTO directory_suppliers (id, name, name_folded, tax_code, district, district_folded, ownership, contact, version, capability_text)
VALUES ($1, 'Cơ khí Đông Anh', 'co khi dong anh', '0101234567', 'Đông Anh', 'dong anh', 'private', '{}', 2, 'khuon dap')`,
		`INSERT INTO directory_capabilities (id, supplier_id, declared_version, title, industry_group, capacity_quantity, capacity_unit,
  capacity_per, lead_time_days, search_text)
VALUES ($2, $1, 2, 'Khuôn dập', 'mechanical', 10, 'pcs', 'month', 14, 'khuon dap')`,
		`INSERT INTO projection_checkpoints (name, transaction_id, global_position) VALUES ('directory', '7', 42)`,
	} {
		args := []any{sid, cid}[:strings.Count(q, "$")]
		if _, err := pool.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := provider.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	var text, checkpoint string
	if err := pool.QueryRow(ctx, `SELECT s.search_text, c.transaction_id::text || '/' || c.global_position
FROM directory_search s, projection_checkpoints c WHERE s.supplier_id = $1 AND c.name = 'directory_search'`, sid).Scan(&text, &checkpoint); err != nil {
		t.Fatal(err)
	}
	if text != "co khi dong anh khuon dap" || checkpoint != "7/42" {
		t.Fatalf("after 00007: search text %q, checkpoint %s", text, checkpoint)
	}
	if _, err := provider.DownTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT s.search_text || ' / ' || c.search_text FROM directory_suppliers s, directory_capabilities c
WHERE s.id = $1 AND c.id = $2`, sid, cid).Scan(&text); err != nil {
		t.Fatal(err)
	}
	if text != "co khi dong anh khuon dap / khuon dap" {
		t.Fatalf("after going down: %q", text)
	}
	if _, err := provider.Up(ctx); err != nil {
		t.Fatal(err)
	}
}

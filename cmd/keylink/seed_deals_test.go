package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/migrations/dbtest"
)

func TestSeedLoadsProgrammeHistory(t *testing.T) {
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("LOG_LEVEL", "error")
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"seed", "--suppliers", "40", "--buyers", "10", "--events", "0", "--seed", "5"}, &out, &errOut); code != 0 {
		t.Fatalf("seed: exit %d: %s", code, errOut.String())
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	got := eventCounts(t, pool)
	if got["RatesSet"] != 3 || got["SupportGranted"] == 0 || got["DealOpened"] < 10 || got["DealStageChanged"] == 0 || got["DealMoUSigned"] == 0 {
		t.Errorf("programme events: %v", got)
	}
	var years int
	if err := pool.QueryRow(ctx, `SELECT count(DISTINCT substr(payload->>'on', 1, 4)) FROM events WHERE type = 'DealStageChanged'`).Scan(&years); err != nil || years < 2 {
		t.Errorf("stage changes span %d years (%v), want two", years, err)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/api"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/migrations/dbtest"
	"github.com/keylink/keylink/projections"
)

func TestPercentileIsNearestRank(t *testing.T) {
	t.Parallel()
	ms := func(xs ...int) []time.Duration {
		out := make([]time.Duration, len(xs))
		for i, x := range xs {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 99, 0},
		{ms(7), 50, 7 * time.Millisecond},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 51, 3 * time.Millisecond},
		{ms(1, 2, 3, 4), 100, 4 * time.Millisecond},
		{ms(hundred...), 95, 95 * time.Millisecond},
		{ms(hundred...), 99, 99 * time.Millisecond},
		{ms(hundred...), 99.5, 100 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("percentile(%d samples, %v) = %v, want %v", len(tc.sorted), tc.p, got, tc.want)
		}
	}
}

func TestMixFollowsWeights(t *testing.T) {
	t.Parallel()
	total := 0
	for _, m := range mix {
		total += m.weight
	}
	if total != 100 {
		t.Fatalf("weights sum to %d, want 100", total)
	}
	const draws = 200000
	got := map[op]int{}
	rng := rand.New(rand.NewPCG(1, 2))
	for range draws {
		got[pick(rng)]++
	}
	for _, m := range mix {
		share := float64(got[m.op]) * 100 / draws
		if share < float64(m.weight)-0.5 || share > float64(m.weight)+0.5 {
			t.Errorf("op %d drawn %.2f%% of the time, want %d%%", m.op, share, m.weight)
		}
	}
}

func TestReportCountsAndPercentiles(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	for i := 1; i <= 100; i++ {
		rec.add(epDeclareCapability, 201, time.Duration(i)*time.Millisecond)
	}
	rec.add(epDeclareCapability, 503, time.Second)
	rec.add(epDeclareCapability, 0, time.Second)
	rec.add(epRegisterSupplier, 500, time.Millisecond)
	rec.add(epRegisterSupplier, 409, time.Millisecond)
	rec.add(epSearch, 200, 3*time.Millisecond)
	rec.addAbsent(epDemandMatches, 404, time.Millisecond)
	rec.addAbsent(epSupplierMatches, 405, time.Millisecond)
	rec.add(epSupplierMatches, 404, time.Millisecond) // a resource not found: an error
	rec.add(epSupplierAfter, 404, time.Millisecond)   // not optional: an error
	rec.lag = []time.Duration{10 * time.Millisecond, 20 * time.Millisecond}
	rec.lagTimeouts = 1

	r := report(endpoints, rec, 2*time.Second)
	if r.Accepted != 100 || r.CommandsPerSecond != 50 {
		t.Errorf("accepted %d at %v/s, want 100 at 50/s", r.Accepted, r.CommandsPerSecond)
	}
	if r.Errors != 6 || r.Unavailable != 1 || r.ServerErrors != 1 {
		t.Errorf("errors %d (503 %d, 5xx %d), want 6 (1, 1)", r.Errors, r.Unavailable, r.ServerErrors)
	}
	if r.Commands.P50Ms != 50 || r.Commands.P99Ms != 99 || r.CommandP99Ms != 99 || r.Commands.MaxMs != 100 {
		t.Errorf("command latency %+v, want p50 50, p99 99, max 100 (2xx only)", r.Commands)
	}
	if r.Lag.N != 2 || r.LagP99Ms != 20 || r.LagTimeouts != 1 {
		t.Errorf("lag %+v timeouts %d", r.Lag, r.LagTimeouts)
	}
	rows := map[string]EndpointStats{}
	for _, e := range r.Endpoints {
		rows[e.Endpoint] = e
	}
	if e := rows[epDemandMatches.name]; e.Absent != 1 || e.Errors != 0 {
		t.Errorf("demand matches %+v: a missing route is absent, not an error", e)
	}
	if e := rows[epSupplierMatches.name]; e.Absent != 1 || e.Errors != 1 || e.Statuses["404"] != 1 || e.Statuses["405"] != 1 {
		t.Errorf("supplier matches %+v: want one absent route and one unknown resource", e)
	}
	if e := rows[epDeclareCapability.name]; e.Count != 102 || e.OK != 100 || e.Statuses["net"] != 1 || e.Statuses["503"] != 1 {
		t.Errorf("declare capability %+v", e)
	}
	var table bytes.Buffer
	if err := writeTable(&table, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"POST /v1/suppliers/{id}/capabilities", "201:100 503:1 net:1", "= 50.0/s", "p99 99.0 ms"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}

func TestFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"-help"}, 0, ""},
		{[]string{"-bogus"}, 2, "flag provided but not defined"},
		{[]string{"-token", "t", "-c", "0"}, 2, "-c must be"},
		{[]string{"-token", "t", "-d", "-1s"}, 2, "-d must be"},
		{[]string{}, 2, "-token or -db"},
		{[]string{"-token", "t", "-url", "http://10.0.0.1:8080"}, 2, "not a loopback"},
		{[]string{"-token", "t", "-url", "ftp://127.0.0.1"}, 2, "not an http URL"},
		{[]string{"-token", "t", "extra"}, 2, "unexpected argument"},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tc.args, &out, &errOut)
		if code != tc.code || !strings.Contains(errOut.String(), tc.msg) {
			t.Errorf("%v: exit %d %q, want %d with %q", tc.args, code, errOut.String(), tc.code, tc.msg)
		}
		if code == 2 && strings.Count(strings.TrimRight(errOut.String(), "\n"), "\n") != 0 {
			t.Errorf("%v: stderr is not one line: %q", tc.args, errOut.String())
		}
		if code == 0 && !strings.Contains(out.String(), "Usage: keylink-load") {
			t.Errorf("%v: no help on stdout", tc.args)
		}
	}
}

func TestRouteMissing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		body   string
		want   bool
	}{
		{404, `{"type":"https://keylink.hanoi.gov.vn/problems/http-404","title":"Not Found","status":404}`, true},
		{405, `{"type":"https://keylink.hanoi.gov.vn/problems/http-405","status":405}`, true},
		{404, `{"message":"Not Found"}`, true},
		{404, `{"type":"https://keylink.hanoi.gov.vn/problems/not-found","title":"Not found","status":404}`, false},
		{200, `{"message":"Not Found"}`, false},
	}
	for _, tc := range tests {
		if got := routeMissing(tc.status, []byte(tc.body)); got != tc.want {
			t.Errorf("routeMissing(%d, %s) = %v, want %v", tc.status, tc.body, got, tc.want)
		}
	}
}

func TestIssueTokenRunsKeylink(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "keylink")
	script := "#!/bin/sh\n[ \"$1 $2 $3 $4\" = \"token issue --role organiser\" ] || exit 3\necho \"kl_$DATABASE_URL\"\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := issueToken(context.Background(), bin, "postgres://x")
	if err != nil || got != "kl_postgres://x" {
		t.Fatalf("issueToken = %q, %v", got, err)
	}
}

// TestRunAgainstTheAPI drives a real API (on a throwaway database) for two
// seconds and checks the JSON report.
func TestRunAgainstTheAPI(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	base, token := serve(t, pool)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-url", base, "-token", token, "-c", "4", "-d", "2s", "-json"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var r Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("-json printed %q: %v", out.String(), err)
	}
	if r.Accepted == 0 || r.CommandsPerSecond <= 0 || r.Commands.P99Ms <= 0 {
		t.Errorf("no accepted commands: %+v", r)
	}
	if r.ServerErrors != 0 || r.Unavailable != 0 {
		t.Errorf("errors: %d (503 %d, 5xx %d): %+v", r.Errors, r.Unavailable, r.ServerErrors, r.Endpoints)
	}
	// Every answer is a success, except that matches read without ?after=
	// may not know a firm created a moment ago.
	for _, e := range r.Endpoints {
		lagging := 0
		if e.Endpoint == epDemandMatches.name || e.Endpoint == epSupplierMatches.name {
			lagging = e.Statuses["404"] - e.Absent
		}
		if e.Errors != lagging {
			t.Errorf("%s: %d errors: %v", e.Endpoint, e.Errors, e.Statuses)
		}
	}
	if r.Lag.N == 0 || r.LagTimeouts != 0 {
		t.Errorf("lag: %+v, %d not caught up", r.Lag, r.LagTimeouts)
	}
	var registered int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM events WHERE type = 'SupplierRegistered'`).Scan(&registered); err != nil {
		t.Fatal(err)
	}
	ok := 0
	for _, e := range r.Endpoints {
		if e.Endpoint == epRegisterSupplier.name {
			ok = e.OK
		}
	}
	// Setup registers one supplier per client.
	if registered != ok+4 {
		t.Errorf("the store holds %d registrations for %d accepted and 4 of setup", registered, ok)
	}
	for _, e := range r.Endpoints {
		if e.Count == 0 {
			t.Errorf("endpoint %s never driven", e.Endpoint)
		}
	}
}

// serve runs the API with live projections on pool and returns its URL and
// an organiser token.
func serve(t *testing.T, pool *pgxpool.Pool) (string, string) {
	t.Helper()
	codec, err := projections.Registry()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	store, err := eventstore.New(pool, eventstore.Config{Registry: codec, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	proj, err := projector.New(store, projector.Config{}, projections.All()...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Config{Store: store, Projector: proj, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = proj.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; ts.Close() })
	token, err := api.IssueToken(ctx, execer{pool}, api.Principal{Role: api.RoleOrganiser, Name: "load test"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return ts.URL, token
}

type execer struct{ pool *pgxpool.Pool }

func (e execer) Exec(ctx context.Context, sql string, args ...any) error {
	_, err := e.pool.Exec(ctx, sql, args...)
	return err
}

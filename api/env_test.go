package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/api"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/migrations/dbtest"
	"github.com/keylink/keylink/projections"
)

// env is a running API on a throwaway database with live projections.
type env struct {
	t         *testing.T
	url       string
	organiser string
	pool      *pgxpool.Pool
	store     *eventstore.Store
	srv       *api.Server
}

// newEnv starts a server; opts may change its configuration (a clock, limits).
func newEnv(t *testing.T, opts ...func(*api.Config)) *env {
	t.Helper()
	pool := dbtest.New(t)
	url, srv, store := serveOn(t, pool, opts...)
	return envOn(t, pool, url, srv, store)
}

// envOn is the env of a server already serving pool's database at url.
func envOn(t *testing.T, pool *pgxpool.Pool, url string, srv *api.Server, store *eventstore.Store) *env {
	t.Helper()
	token, err := api.IssueToken(context.Background(), execer{pool}, api.Principal{Role: api.RoleOrganiser, Name: "test organiser"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, url: url, organiser: token, pool: pool, store: store, srv: srv}
}

// serveOn starts an API server with its own store and running projector
// on the database of pool, as one `keylink serve` process would.
func serveOn(t *testing.T, pool *pgxpool.Pool, opts ...func(*api.Config)) (string, *api.Server, *eventstore.Store) {
	t.Helper()
	return serveWith(t, pool, projections.All(), opts...)
}

// heldEnv is an env whose server runs every projection but the held ones,
// as a process whose projector is behind on them would.
type heldEnv struct {
	*env
	proj *projector.Projector
	held []eventstore.Projection
}

// newHeldEnv starts an env holding back the projections named.
func newHeldEnv(t *testing.T, names ...string) *heldEnv {
	t.Helper()
	pool := dbtest.New(t)
	h := &heldEnv{}
	var rest []eventstore.Projection
	for _, p := range projections.All() {
		if slices.Contains(names, p.Name()) {
			h.held = append(h.held, p)
		} else {
			rest = append(rest, p)
		}
	}
	url, srv, store := serveWith(t, pool, rest, func(c *api.Config) { h.proj = c.Projector })
	h.env = envOn(t, pool, url, srv, store)
	return h
}

// release starts the held projections once a request is waiting for a
// read model (it fails the test if none comes to wait), in a second
// process, as another keylink serve would run them.
func (h *heldEnv) release(what string) {
	h.t.Helper()
	for deadline := time.Now().Add(time.Minute); h.proj.Waiting() == 0; runtime.Gosched() {
		if time.Now().After(deadline) {
			h.t.Fatalf("%s never waited for the read models", what)
		}
	}
	serveWith(h.t, h.pool, h.held)
}

// serveWith is serveOn running only the projections projs: a test can hold
// one read model back, as a projector that is behind would.
func serveWith(t *testing.T, pool *pgxpool.Pool, projs []eventstore.Projection, opts ...func(*api.Config)) (string, *api.Server, *eventstore.Store) {
	t.Helper()
	codec, err := projections.Registry()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := eventstore.New(pool, eventstore.Config{Registry: codec, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	proj, err := projector.New(store, projector.Config{PollInterval: 5 * time.Millisecond}, projs...)
	if err != nil {
		t.Fatal(err)
	}
	cfg := api.Config{Store: store, Projector: proj, Logger: log}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = proj.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; ts.Close() })
	return ts.URL, srv, store
}

type execer struct{ pool *pgxpool.Pool }

func (e execer) Exec(ctx context.Context, sql string, args ...any) error {
	_, err := e.pool.Exec(ctx, sql, args...)
	return err
}

// resp is a decoded answer.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %q", r.status, r.body)
	}
	return m
}

func (r resp) str(t *testing.T, key string) string {
	t.Helper()
	v, _ := r.json(t)[key].(string)
	return v
}

func (r resp) num(t *testing.T, key string) int64 {
	t.Helper()
	v, _ := r.json(t)[key].(float64)
	return int64(v)
}

// fields lists the "field" of each entry of a problem's errors.
func (r resp) fields(t *testing.T) []string {
	t.Helper()
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	_ = json.Unmarshal(r.body, &p)
	out := make([]string, len(p.Errors))
	for i, e := range p.Errors {
		out[i] = e.Field
	}
	return out
}

// do sends a request. body may be nil, a string or []byte (sent as is) or
// any value (sent as JSON). headers are name, value pairs.
func (e *env) do(method, path, token string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: raw}
}

// must checks the status.
func (e *env) must(r resp, status int) resp {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

var taxSeq atomic.Int64

// taxCode returns a fresh valid tax code.
func taxCode() string { return fmt.Sprintf("01%08d", taxSeq.Add(1)+time.Now().UnixNano()%1e7) }

func supplierBody(name string) map[string]any {
	return map[string]any{
		"name": name, "tax_code": taxCode(), "district": "Đông Anh", "industrial_zone": "Thăng Long",
		"ownership": "domestic", "employees": 250,
		"contact": map[string]any{"name": "Nguyễn Văn An", "email": "an@example.vn", "phone": "+84 24 3826 1234"},
	}
}

func capabilityBody(title string) map[string]any {
	return map[string]any{
		"title": title, "description": "Dập và hàn kết cấu thép cho ô tô, xe máy",
		"industry_group": "mechanical", "vsic": "2592", "hs_codes": []string{"7326.90"},
		"processes": []string{"stamping", "welding"}, "materials": []string{"steel"},
		"certifications": []map[string]any{{"standard": "IATF 16949", "valid_until": "2027-06-30"}},
		"capacity":       map[string]any{"quantity": 50000, "unit": "pcs", "per": "month"},
		"moq":            1000, "lead_time_days": 30, "export_markets": []string{"JP", "KR"},
	}
}

func buyerBody(name string) map[string]any {
	return map[string]any{"name": name, "country": "JP", "parent_group": "Canon Inc.", "district": "Đông Anh",
		"contact": map[string]any{"name": "Tanaka Hiroshi", "email": "tanaka@example.jp"}}
}

func demandBody(title string) map[string]any {
	return map[string]any{
		"title": title, "description": "Stamped steel brackets for printer frames",
		"industry_group": "mechanical", "vsic": "2592", "hs_codes": []string{"732690"},
		"processes": []string{"stamping"}, "materials": []string{"steel"},
		"required_certifications": []string{"IATF 16949"},
		"volume":                  map[string]any{"quantity": 20000, "unit": "pcs", "per": "month"},
		"max_lead_time_days":      45, "needed_by": "2027-03-01",
	}
}

// newSupplier registers a supplier as the organiser and returns its id.
func (e *env) newSupplier(name string) string {
	e.t.Helper()
	return e.must(e.do("POST", "/v1/suppliers", e.organiser, supplierBody(name)), 201).str(e.t, "id")
}

func (e *env) newBuyer(name string) string {
	e.t.Helper()
	return e.must(e.do("POST", "/v1/buyers", e.organiser, buyerBody(name)), 201).str(e.t, "id")
}

// signup creates a firm with its user and returns organisation id and token.
func (e *env) signup(role string, org map[string]any) (string, string) {
	e.t.Helper()
	email := fmt.Sprintf("user%d@example.vn", taxSeq.Add(1))
	r := e.must(e.do("POST", "/v1/signup", "", map[string]any{
		"role": role, "email": email, "password": "correct horse battery", "organisation": org}), 201)
	return r.str(e.t, "organisation_id"), r.str(e.t, "token")
}

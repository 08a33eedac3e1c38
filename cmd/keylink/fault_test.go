package main

// Fault tests: the server killed with SIGKILL under load, PostgreSQL
// restarted under load, and a projection poisoned by one event. The first two
// run the built binary as a subprocess against a database of their own; the
// PostgreSQL restart uses a private cluster so that the shared one, used by
// every other test, stays up. Every wait is bounded.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/keylink/keylink/api"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/migrations/dbtest"
	"github.com/keylink/keylink/projections"
)

// TestFaultServerKilledMidLoad kills the server with SIGKILL while clients
// are writing, restarts it, and lets the clients retry with their
// Idempotency-Keys: every command that got a 2xx answer is in the store and
// in the read model exactly once, and so is every command at all.
func TestFaultServerKilledMidLoad(t *testing.T) {
	t.Parallel()
	bin := buildKeylink(t)
	db := dbtest.URL(t)
	addr := freeLoopbackAddr(t)
	logs := &lockedBuffer{}
	srv := startServe(t, bin, db, addr, logs)
	d := newLoadDriver(t, "http://"+addr, issueToken(t, bin, db))

	hard, cancelHard := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancelHard()
	stopNew := d.start(hard, 8)
	d.waitAcks(hard, 150)
	srv.kill()
	killedAt := time.Now()
	t.Logf("killed the server after %d acknowledged commands", d.ackCount())

	startServe(t, bin, db, addr, logs)
	d.waitAcksAfter(hard, killedAt, 100)
	stopNew()
	if hard.Err() != nil {
		t.Fatalf("the load did not finish in time; server log:\n%s", logs.tail(40))
	}
	d.checkNoFailures(logs)
	if n := d.countAnswers(func(a exchange) bool { return a.status == 0 }); n == 0 {
		t.Fatal("no request failed at the connection level: the kill did not happen mid-load")
	}
	verifyExactlyOnce(t, db, d, logs)
}

// TestFaultPostgresRestartedMidLoad stops a private PostgreSQL for two
// seconds under load: meanwhile the server answers 503 (never 500) and
// /readyz says the database is unreachable; afterwards it recovers by itself
// and no acknowledged command is lost.
func TestFaultPostgresRestartedMidLoad(t *testing.T) {
	t.Parallel()
	pg := newPGCluster(t)
	bin := buildKeylink(t)
	addr := freeLoopbackAddr(t)
	logs := &lockedBuffer{}
	srv := startServe(t, bin, pg.url, addr, logs)
	base := "http://" + addr
	d := newLoadDriver(t, base, issueToken(t, bin, pg.url))

	hard, cancelHard := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancelHard()
	stopNew := d.start(hard, 6)
	d.waitAcks(hard, 100)

	pg.ctl("stop", "-m", "fast")
	down := time.Now()
	// While the database is away, /readyz must say so.
	var readyz []int
	for time.Since(down) < 2*time.Second && hard.Err() == nil {
		readyz = append(readyz, statusOf(hard, base+"/readyz"))
		pause(hard, 50*time.Millisecond)
	}
	up := time.Now()
	pg.ctl("start")
	t.Logf("database away from %s to %s; /readyz answered %v", down.Format("15:04:05.000"), up.Format("15:04:05.000"), runs(readyz))
	if len(readyz) == 0 || slices.ContainsFunc(readyz, func(s int) bool { return s != http.StatusServiceUnavailable }) {
		t.Errorf("/readyz during the outage answered %v, want only 503", runs(readyz))
	}
	waitReady(t, hard, base, logs)
	d.waitAcksAfter(hard, up, 100)
	stopNew()
	if hard.Err() != nil {
		t.Fatalf("the load did not finish in time; server log:\n%s", logs.tail(40))
	}
	d.checkNoFailures(logs)
	select {
	case <-srv.done:
		t.Fatalf("keylink serve exited: %v\n%s", srv.cmd.ProcessState, logs.tail(30))
	default:
	}
	if n := d.countAnswers(func(a exchange) bool { return a.status == 0 }); n > 0 {
		t.Errorf("%d requests got no HTTP answer although the server stayed up", n)
	}

	// Answers received while the database was away: all 503, and prompt.
	var during []exchange
	for _, a := range d.answerLog() {
		if a.at.After(down.Add(100*time.Millisecond)) && a.at.Before(up) {
			during = append(during, a)
		}
	}
	if len(during) == 0 {
		t.Fatal("no command was answered while the database was away")
	}
	for _, a := range during {
		if a.status != http.StatusServiceUnavailable || a.took > 6*time.Second {
			t.Errorf("during the outage %s answered %d after %s, want a prompt 503", a.what, a.status, a.took)
		}
	}
	verifyExactlyOnce(t, pg.url, d, logs)
	// A connection lost to the restart is no poison event: nothing blamed.
	if strings.Contains(logs.String(), "projection failed on an event") {
		t.Errorf("the restart was blamed on an event:\n%s", logs.tail(40))
	}
}

// TestFaultPoisonEventStopsOnlyItsProjection serves the API with the
// directory projection failing on one event: the board keeps up, the failure
// shows in the log, in keylink_projection_failing and in /readyz, and once
// the projection is healed it applies the event, and the ones after it,
// exactly once.
func TestFaultPoisonEventStopsOnlyItsProjection(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	reg := prometheus.NewRegistry()
	codec, err := projections.Registry()
	if err != nil {
		t.Fatal(err)
	}
	store, err := eventstore.New(pool, eventstore.Config{Registry: codec, Logger: log, Metrics: eventstore.NewMetrics(reg)})
	if err != nil {
		t.Fatal(err)
	}
	const poisonTitle = "Poisoned capability"
	var prs []eventstore.Projection
	var bad *poisonedProjection
	for _, p := range projections.All() {
		if p.Name() == "directory" {
			bad = &poisonedProjection{Projection: p, marker: []byte(poisonTitle)}
			p = bad
		}
		prs = append(prs, p)
	}
	if bad == nil {
		t.Fatal("no directory projection to poison")
	}
	proj, err := projector.New(store, projector.Config{PollInterval: 5 * time.Millisecond, RetryInterval: 50 * time.Millisecond, Logger: log, Metrics: projector.NewMetrics(reg)}, prs...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Config{Store: store, Projector: proj, Logger: log, Gatherer: reg, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	ran := make(chan struct{})
	go func() { _ = proj.Run(ctx); close(ran) }()
	t.Cleanup(func() { cancel(); <-ran; ts.Close() })
	token, err := api.IssueToken(ctx, poolExec{pool}, api.Principal{Role: api.RoleOrganiser, Name: "fault test"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := &faultClient{t: t, base: ts.URL, token: token, http: ts.Client()}

	sup := c.command(ctx, "POST", "/v1/suppliers", faultSupplier(1, 1))
	first := c.command(ctx, "POST", "/v1/suppliers/"+sup.ID+"/capabilities", faultCapability("Dập khung thép"))
	// A failing event rolls back its whole batch: let the directory pass the
	// first capability before the poisoned one is written.
	if st, body := c.getAfter(ctx, fmt.Sprintf("/v1/suppliers/%s?after=%d", sup.ID, first.Position)); st != 200 {
		t.Fatalf("the directory did not apply the first capability: %d %s", st, body)
	}
	poison := c.command(ctx, "POST", "/v1/suppliers/"+sup.ID+"/capabilities", faultCapability(poisonTitle))
	after := c.command(ctx, "POST", "/v1/suppliers/"+sup.ID+"/capabilities", faultCapability("Hàn khung thép"))
	buyer := c.command(ctx, "POST", "/v1/buyers", faultBuyer())
	demand := c.command(ctx, "POST", "/v1/buyers/"+buyer.ID+"/demands", faultDemand())

	// The board goes past the poisoned event.
	if st, body := c.getAfter(ctx, fmt.Sprintf("/v1/buyers/%s?after=%d", buyer.ID, demand.Position)); st != 200 || !strings.Contains(body, demand.ID) {
		t.Fatalf("the board did not keep up: %d %s", st, body)
	}
	// The directory is stuck before it: reported by /readyz, metrics, log.
	var ready string
	for {
		st, body := c.get(ctx, "/readyz")
		ready = body
		if st == 503 && strings.Contains(body, `"projection:directory":"failing: event `+strconv.FormatInt(poison.Position, 10)) {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("/readyz never reported the poisoned projection: %d %s", st, body)
		}
		pause(ctx, 10*time.Millisecond)
	}
	if strings.Contains(ready, "projection:board") {
		t.Errorf("/readyz blames the board too: %s", ready)
	}
	if _, m := c.get(ctx, "/metrics"); !strings.Contains(m, `keylink_projection_failing{projection="directory"} 1`) ||
		strings.Contains(m, `keylink_projection_failing{projection="board"} 1`) {
		t.Errorf("metrics do not single out the directory:\n%s", linesWith(m, "keylink_projection_failing"))
	}
	failed := regexp.MustCompile(`"msg":"projection failed on an event[^"]*","projection":"directory","position":` + strconv.FormatInt(poison.Position, 10) + `\b`)
	if !failed.MatchString(logs.String()) {
		t.Errorf("no error log line names the directory and position %d:\n%s", poison.Position, logs.tail(10))
	}
	if _, body := c.get(ctx, "/v1/suppliers/"+sup.ID); strings.Count(body, `"title"`) != 1 {
		t.Errorf("the directory applied events past the poisoned one: %s", body)
	}

	bad.healed.Store(true)
	st, body := c.getAfter(ctx, fmt.Sprintf("/v1/suppliers/%s?after=%d", sup.ID, after.Position))
	if st != 200 {
		t.Fatalf("the healed directory did not catch up: %d %s", st, body)
	}
	var profile struct {
		Capabilities []struct{ Title string } `json:"capabilities"`
	}
	_ = json.Unmarshal([]byte(body), &profile)
	var titles []string
	for _, cp := range profile.Capabilities {
		titles = append(titles, cp.Title)
	}
	sort.Strings(titles)
	if want := []string{"Dập khung thép", "Hàn khung thép", poisonTitle}; !slices.Equal(titles, want) {
		t.Errorf("capabilities after healing: %q, want %q", titles, want)
	}
	for {
		st, body := c.get(ctx, "/readyz")
		if st == 200 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("/readyz did not recover after healing: %d %s", st, body)
		}
		pause(ctx, 10*time.Millisecond)
	}
	if _, m := c.get(ctx, "/metrics"); !strings.Contains(m, `keylink_projection_failing{projection="directory"} 0`) {
		t.Errorf("the directory still shows as failing:\n%s", linesWith(m, "keylink_projection_failing"))
	}
}

// poisonedProjection fails on every event whose payload holds marker until healed.
type poisonedProjection struct {
	eventstore.Projection
	marker []byte
	healed atomic.Bool
}

func (p *poisonedProjection) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	if !p.healed.Load() && bytes.Contains(r.Payload, p.marker) {
		return errors.New("poisoned event")
	}
	return p.Projection.Apply(ctx, tx, r)
}

// --- the server as a subprocess ---

var buildOnce struct {
	sync.Mutex
	bin string
}

// buildKeylink compiles this command once per test binary (without -race,
// so that the server runs at its real speed) and returns its path.
func buildKeylink(t *testing.T) string {
	t.Helper()
	buildOnce.Lock()
	defer buildOnce.Unlock()
	if buildOnce.bin != "" {
		return buildOnce.bin
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	dir, err := os.MkdirTemp("", "keylink-fault-bin-")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "keylink")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	buildOnce.bin = bin
	return bin
}

// TestMain removes the binary built for the fault tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildOnce.bin != "" {
		os.RemoveAll(filepath.Dir(buildOnce.bin))
	}
	os.Exit(code)
}

// serveProcess is a running 'keylink serve'.
type serveProcess struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startServe runs 'keylink serve' on addr and waits until it answers
// /healthz; it is killed when the test ends.
func startServe(t *testing.T, bin, db, addr string, logs *lockedBuffer) *serveProcess {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+db, "KEYLINK_ADDR="+addr, "LOG_LEVEL=info")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProcess{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.kill)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for statusOf(ctx, "http://"+addr+"/healthz") != 200 {
		select {
		case <-p.done:
			t.Fatalf("keylink serve exited: %v\n%s", cmd.ProcessState, logs.tail(20))
		case <-ctx.Done():
			t.Fatalf("keylink serve did not answer /healthz in 60 s\n%s", logs.tail(20))
		case <-time.After(20 * time.Millisecond):
		}
	}
	return p
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *serveProcess) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func issueToken(t *testing.T, bin, db string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "token", "issue", "--role", "organiser", "--name", "fault test")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+db, "LOG_LEVEL=error")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("token issue: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReady(t *testing.T, ctx context.Context, base string, logs *lockedBuffer) {
	t.Helper()
	for statusOf(ctx, base+"/readyz") != 200 {
		if ctx.Err() != nil {
			t.Fatalf("/readyz did not answer 200 after the database came back\n%s", logs.tail(30))
		}
		pause(ctx, 50*time.Millisecond)
	}
}

// --- a private PostgreSQL cluster ---

// pgCluster is a PostgreSQL server of one test, stopped and removed when the
// test ends.
type pgCluster struct {
	t    *testing.T
	bin  string
	data string
	port int
	as   string // run the server's tools as this user ("" = as we are)
	url  string
}

func newPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	if len(bins) == 0 {
		t.Fatal("PostgreSQL is not installed (/usr/lib/postgresql/*/bin): run 'make test', which installs it")
	}
	sort.Slice(bins, func(i, j int) bool { return pgMajor(bins[i]) < pgMajor(bins[j]) })
	c := &pgCluster{t: t, bin: bins[len(bins)-1]}
	dir, err := os.MkdirTemp("", "keylink-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	c.data = filepath.Join(dir, "data")
	if err := os.Mkdir(c.data, 0o700); err != nil {
		t.Fatal(err)
	}
	superuser := ""
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: the cluster belongs to postgres.
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root but there is no postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(c.data, uid, gid); err != nil {
			t.Fatal(err)
		}
		c.as, superuser = "postgres", "postgres"
	} else {
		u, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		superuser = u.Username
	}
	c.run("initdb", "-D", c.data, "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	c.port, _ = strconv.Atoi(strings.TrimPrefix(freeLoopbackAddr(t), "127.0.0.1:"))
	c.ctl("start")
	t.Cleanup(func() { c.run("pg_ctl", "-D", c.data, "-m", "immediate", "-w", "stop") })

	admin := fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres?sslmode=disable", superuser, c.port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE keylink`); err != nil {
		t.Fatal(err)
	}
	c.url = fmt.Sprintf("postgres://%s@127.0.0.1:%d/keylink?sslmode=disable", superuser, c.port)
	return c
}

// ctl runs pg_ctl start or stop (with extra arguments), waiting for it.
func (c *pgCluster) ctl(action string, args ...string) {
	c.t.Helper()
	all := []string{"-D", c.data, "-w", "-t", "60", "-l", filepath.Join(c.data, "server.log")}
	if action == "start" {
		all = append(all, "-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.port, c.data))
	}
	all = append(append(all, args...), action)
	if err := c.run("pg_ctl", all...); err != nil {
		c.t.Fatal(err)
	}
}

// run runs one of the server's tools, as c.as when set.
func (c *pgCluster) run(tool string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	path := filepath.Join(c.bin, tool)
	cmd := exec.CommandContext(ctx, path, args...)
	if c.as != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.as, "--", path}, args...)...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
	}
	return nil
}

// pgMajor orders /usr/lib/postgresql/N/bin by N.
func pgMajor(bin string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bin)))
	return n
}

// --- the load: suppliers and capabilities, each command retried with its
// Idempotency-Key until it is acknowledged ---

// ackedCommand is a command that got a 2xx answer.
type ackedCommand struct {
	kind     string // "supplier" or "capability"
	supplier string
	id       string
	position int64
}

// exchange is one HTTP exchange; status 0 is a connection-level failure.
type exchange struct {
	at     time.Time
	took   time.Duration
	status int
	what   string
}

type loadDriver struct {
	t      *testing.T
	c      *faultClient
	wg     sync.WaitGroup
	mu     sync.Mutex
	acks   []ackedCommand
	log    []exchange
	failed []string
	// replays counts answers replayed from an Idempotency-Key: commands
	// whose first answer was lost.
	replays atomic.Int64
	// open counts commands sent but not yet acknowledged.
	open atomic.Int64
}

func newLoadDriver(t *testing.T, base, token string) *loadDriver {
	tr := &http.Transport{MaxIdleConnsPerHost: 32}
	t.Cleanup(tr.CloseIdleConnections)
	return &loadDriver{t: t, c: &faultClient{t: t, base: base, token: token, http: &http.Client{Transport: tr, Timeout: 15 * time.Second}}}
}

// start runs n workers until the returned stop is called (or hard ends); stop
// waits until each has had its last command acknowledged.
func (d *loadDriver) start(hard context.Context, n int) (stop func()) {
	newCtx, cancel := context.WithCancel(hard)
	for w := range n {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			d.work(newCtx, hard, w)
		}()
	}
	return func() { cancel(); d.wg.Wait() }
}

// work registers suppliers and declares three capabilities on each, until
// newCtx ends; a command already sent is retried until acknowledged or hard
// ends.
func (d *loadDriver) work(newCtx, hard context.Context, w int) {
	for n := 1; newCtx.Err() == nil; n++ {
		sup, ok := d.until(hard, "supplier", "", "/v1/suppliers", fmt.Sprintf("s-%d-%d", w, n), faultSupplier(w, n))
		if !ok {
			return
		}
		for j := range 3 {
			if newCtx.Err() != nil {
				return
			}
			if _, ok := d.until(hard, "capability", sup.ID, "/v1/suppliers/"+sup.ID+"/capabilities",
				fmt.Sprintf("c-%d-%d-%d", w, n, j), faultCapability(fmt.Sprintf("Capability %d-%d-%d", w, n, j))); !ok {
				return
			}
		}
	}
}

// until sends a POST with an Idempotency-Key until a 2xx answer, retrying
// after connection failures and 503s; any other answer is a failure.
func (d *loadDriver) until(hard context.Context, kind, supplier, path, key string, body any) (cmdAnswer, bool) {
	d.open.Add(1)
	raw, _ := json.Marshal(body)
	for hard.Err() == nil {
		start := time.Now()
		status, resp, hdr, err := d.c.do(hard, "POST", path, key, raw)
		if hdr.Get("Idempotent-Replayed") == "true" {
			d.replays.Add(1)
		}
		d.mu.Lock()
		d.log = append(d.log, exchange{at: time.Now(), took: time.Since(start), status: status, what: "POST " + path})
		d.mu.Unlock()
		switch {
		case status >= 200 && status < 300:
			var a cmdAnswer
			if json.Unmarshal(resp, &a) != nil || a.ID == "" || a.Position <= 0 {
				d.fail("POST %s answered %d with %s", path, status, resp)
				return a, false
			}
			if supplier == "" {
				supplier = a.ID
			}
			d.mu.Lock()
			d.acks = append(d.acks, ackedCommand{kind: kind, supplier: supplier, id: a.ID, position: a.Position})
			d.mu.Unlock()
			d.open.Add(-1)
			return a, true
		case status == 0 && hard.Err() == nil, status == http.StatusServiceUnavailable:
			pause(hard, 20*time.Millisecond)
		default:
			d.fail("POST %s (key %s) answered %d: %s (%v)", path, key, status, resp, err)
			return cmdAnswer{}, false
		}
	}
	return cmdAnswer{}, false
}

func (d *loadDriver) fail(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failed = append(d.failed, fmt.Sprintf(format, args...))
}

func (d *loadDriver) failures() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.failed)
}

func (d *loadDriver) ackCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.acks)
}

func (d *loadDriver) answerLog() []exchange {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.log)
}

func (d *loadDriver) countAnswers(f func(exchange) bool) int {
	n := 0
	for _, a := range d.answerLog() {
		if f(a) {
			n++
		}
	}
	return n
}

// waitAcks waits until n commands are acknowledged.
func (d *loadDriver) waitAcks(ctx context.Context, n int) {
	d.t.Helper()
	for d.ackCount() < n {
		if ctx.Err() != nil {
			d.t.Fatalf("only %d of %d commands acknowledged in time: %v", d.ackCount(), n, d.failures())
		}
		pause(ctx, 10*time.Millisecond)
	}
}

// waitAcksAfter waits until n commands sent after since are acknowledged.
func (d *loadDriver) waitAcksAfter(ctx context.Context, since time.Time, n int) {
	d.t.Helper()
	for d.countAnswers(func(a exchange) bool { return a.at.After(since) && a.status >= 200 && a.status < 300 }) < n {
		if ctx.Err() != nil {
			d.t.Fatalf("the server did not take commands again after the fault: %v", d.failures())
		}
		pause(ctx, 10*time.Millisecond)
	}
}

// checkNoFailures fails the test on any answer other than 2xx, 503 or a
// connection failure, and on commands never acknowledged.
func (d *loadDriver) checkNoFailures(logs *lockedBuffer) {
	d.t.Helper()
	if failed := d.failures(); len(failed) > 0 {
		d.t.Fatalf("%d unexpected answers, first: %s\nserver log:\n%s", len(failed), failed[0], logs.tail(30))
	}
	if n := d.open.Load(); n != 0 {
		d.t.Fatalf("%d commands were never acknowledged", n)
	}
	statuses := map[int]int{}
	for _, a := range d.answerLog() {
		statuses[a.status]++
	}
	d.t.Logf("answers by status (0 = connection failure): %v; %d acknowledged, %d of them replayed from their Idempotency-Key",
		statuses, d.ackCount(), d.replays.Load())
}

// verifyExactlyOnce checks the store and the directory against the
// acknowledged commands. Every command was acknowledged, so the store must
// hold exactly their events: one SupplierRegistered per supplier, one
// CapabilityDeclared per capability, each at the answered position.
func verifyExactlyOnce(t *testing.T, db string, d *loadDriver, logs *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	type stored struct {
		stream, typ, capability string
		position                int64
	}
	rows, err := pool.Query(ctx, `SELECT stream_id, type, coalesce(payload->>'capability_id', ''), global_position
FROM events WHERE stream_type = 'supplier'`)
	if err != nil {
		t.Fatal(err)
	}
	events, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stored, error) {
		var s stored
		return s, r.Scan(&s.stream, &s.typ, &s.capability, &s.position)
	})
	if err != nil {
		t.Fatal(err)
	}
	byPos := map[int64]stored{}
	count := map[string]int{}
	for _, e := range events {
		byPos[e.position] = e
		switch e.typ {
		case "SupplierRegistered":
			count["supplier "+strings.TrimPrefix(e.stream, "supplier-")]++
		case "CapabilityDeclared":
			count["capability "+e.capability]++
		default:
			t.Errorf("unexpected event %s at %d", e.typ, e.position)
		}
	}
	d.mu.Lock()
	acks := slices.Clone(d.acks)
	d.mu.Unlock()
	var maxPos int64
	caps := map[string][]string{}
	for _, a := range acks {
		maxPos = max(maxPos, a.position)
		if n := count[a.kind+" "+a.id]; n != 1 {
			t.Errorf("acknowledged %s %s is stored %d times", a.kind, a.id, n)
		}
		e := byPos[a.position]
		if e.stream != "supplier-"+a.supplier || (a.kind == "capability" && e.capability != a.id) {
			t.Errorf("acknowledged %s %s at position %d, but that position holds %+v", a.kind, a.id, a.position, e)
		}
		if a.kind == "capability" {
			caps[a.supplier] = append(caps[a.supplier], a.id)
		} else if _, ok := caps[a.supplier]; !ok {
			caps[a.supplier] = nil
		}
	}
	if len(events) != len(acks) {
		t.Errorf("the store holds %d supplier events for %d acknowledged commands", len(events), len(acks))
	}
	// The directory shows each supplier with exactly its capabilities, once
	// it has caught up: a ?after= read answers 503 after 5 s, and a client
	// then retries, as this one does for as long as ctx allows.
	c := d.c
	start := time.Now()
	for {
		st, raw, _, _ := c.do(ctx, "GET", fmt.Sprintf("/v1/suppliers?limit=1&after=%d", maxPos), "", nil)
		body := string(raw)
		if st == 200 {
			break
		}
		if st != http.StatusServiceUnavailable || ctx.Err() != nil {
			t.Fatalf("the directory did not reach position %d in %s: %d %s\noldest write transactions in the cluster:\n%s\nserver log:\n%s",
				maxPos, time.Since(start).Round(time.Millisecond), st, body, oldestWriters(pool), logs.tail(20))
		}
	}
	t.Logf("the directory reached position %d %s after the load stopped", maxPos, time.Since(start).Round(time.Millisecond))
	for id, want := range caps {
		st, body := c.get(ctx, fmt.Sprintf("/v1/suppliers/%s?after=%d", id, maxPos))
		if st != 200 {
			t.Fatalf("GET supplier %s after %d: %d %s", id, maxPos, st, body)
		}
		var p struct {
			Capabilities []struct{ ID string } `json:"capabilities"`
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, cp := range p.Capabilities {
			got = append(got, cp.ID)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("supplier %s shows capabilities %v, want %v", id, got, want)
		}
	}
	t.Logf("%d suppliers and %d acknowledged commands checked in the store and the directory", len(caps), len(acks))
}

// oldestWriters describes the oldest transactions holding an xid anywhere in
// the cluster: while one is open, no projection reads past it.
func oldestWriters(pool *pgxpool.Pool) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := pool.Query(ctx, `SELECT datname || ' ' || (now() - xact_start)::text || ' ' || state || ' ' ||
  left(regexp_replace(query, '\s+', ' ', 'g'), 120)
FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY xact_start LIMIT 5`)
	if err != nil {
		return err.Error()
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err.Error()
	}
	return strings.Join(lines, "\n")
}

// --- HTTP ---

// cmdAnswer is the contract's reply to an accepted command.
type cmdAnswer struct {
	ID       string `json:"id"`
	Version  int64  `json:"version"`
	Position int64  `json:"position"`
}

type faultClient struct {
	t     *testing.T
	base  string
	token string
	http  *http.Client
}

// do sends one request; status 0 means no HTTP answer.
func (c *faultClient) do(ctx context.Context, method, path, key string, body []byte) (int, []byte, http.Header, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, http.Header{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, http.Header{}, err
	}
	return res.StatusCode, raw, res.Header, nil
}

// command sends a write that must be accepted.
func (c *faultClient) command(ctx context.Context, method, path string, body any) cmdAnswer {
	c.t.Helper()
	raw, _ := json.Marshal(body)
	st, resp, _, err := c.do(ctx, method, path, "", raw)
	var a cmdAnswer
	if err != nil || st/100 != 2 || json.Unmarshal(resp, &a) != nil {
		c.t.Fatalf("%s %s: %d %s %v", method, path, st, resp, err)
	}
	return a
}

func (c *faultClient) get(ctx context.Context, path string) (int, string) {
	c.t.Helper()
	st, body, _, err := c.do(ctx, "GET", path, "", nil)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return st, string(body)
}

// getAfter GETs a ?after= path, retrying its 503 (not caught up in 5 s)
// while ctx lasts, as a client honouring Retry-After would. Projections
// can be slowed by any long write transaction in the cluster, including
// other tests' in other databases.
func (c *faultClient) getAfter(ctx context.Context, path string) (int, string) {
	c.t.Helper()
	for {
		st, body := c.get(ctx, path)
		if st != http.StatusServiceUnavailable || ctx.Err() != nil {
			return st, body
		}
		if !strings.Contains(body, "not-caught-up") {
			return st, body
		}
	}
}

// statusOf GETs url without a token; 0 when there is no answer.
func statusOf(ctx context.Context, url string) int {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return 0
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// pause pauses for d or until ctx ends.
func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func faultSupplier(w, n int) map[string]any {
	return map[string]any{
		"name": fmt.Sprintf("Công ty Cơ khí %d-%d", w, n), "tax_code": fmt.Sprintf("01%02d%06d", w, n),
		"district": "Đông Anh", "ownership": "domestic",
		"contact": map[string]any{"name": "Nguyễn Văn An", "email": "an@example.vn"},
	}
}

func faultCapability(title string) map[string]any {
	return map[string]any{
		"title": title, "industry_group": "mechanical", "processes": []string{"stamping"}, "materials": []string{"steel"},
		"capacity": map[string]any{"quantity": 50000, "unit": "pcs", "per": "month"}, "lead_time_days": 30,
	}
}

func faultBuyer() map[string]any {
	return map[string]any{"name": "TOTO Việt Nam", "country": "JP", "contact": map[string]any{"name": "Tanaka", "email": "t@toto.jp"}}
}

func faultDemand() map[string]any {
	return map[string]any{"title": "Stamped brackets", "industry_group": "mechanical",
		"volume": map[string]any{"quantity": 20000, "unit": "pcs", "per": "month"}}
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers (a subprocess's
// output, a logger).
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail returns the last n lines.
func (b *lockedBuffer) tail(n int) string {
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func linesWith(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// runs renders a status sequence with runs collapsed: [503x12 200x3].
func runs(xs []int) string {
	var parts []string
	for i := 0; i < len(xs); {
		j := i
		for j < len(xs) && xs[j] == xs[i] {
			j++
		}
		parts = append(parts, fmt.Sprintf("%dx%d", xs[i], j-i))
		i = j
	}
	return "[" + strings.Join(parts, " ") + "]"
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The endpoints the mix drives, in report order.
var (
	epRegisterSupplier  = endpoint{name: "POST /v1/suppliers", command: true}
	epDeclareCapability = endpoint{name: "POST /v1/suppliers/{id}/capabilities", command: true}
	epReviseCapability  = endpoint{name: "PUT /v1/suppliers/{id}/capabilities/{cid}", command: true}
	epRegisterBuyer     = endpoint{name: "POST /v1/buyers", command: true}
	epPostDemand        = endpoint{name: "POST /v1/buyers/{id}/demands", command: true}
	epReviseDemand      = endpoint{name: "PUT /v1/buyers/{id}/demands/{did}", command: true}
	epSearch            = endpoint{name: "GET /v1/suppliers?q="}
	epDemandMatches     = endpoint{name: "GET /v1/demands/{id}/matches", optional: true}
	epSupplierMatches   = endpoint{name: "GET /v1/suppliers/{id}/matches", optional: true}
	epSupplierAfter     = endpoint{name: "GET /v1/suppliers/{id}?after="}
	epBuyerAfter        = endpoint{name: "GET /v1/buyers/{id}?after="}

	endpoints = []endpoint{epRegisterSupplier, epDeclareCapability, epReviseCapability, epRegisterBuyer,
		epPostDemand, epReviseDemand, epSearch, epDemandMatches, epSupplierMatches, epSupplierAfter, epBuyerAfter}
)

// op is one kind of step of a worker.
type op int

const (
	opRegisterSupplier op = iota
	opDeclareCapability
	opReviseCapability
	opRegisterBuyer
	opPostDemand
	opReviseDemand
	opSearch
	opDemandMatches
	opSupplierMatches
	opReadAfter
)

// mix is the share of each step in percent; the weights sum to 100.
var mix = []struct {
	op     op
	weight int
}{
	{opRegisterSupplier, 10},
	{opDeclareCapability, 25},
	{opReviseCapability, 15},
	{opRegisterBuyer, 3},
	{opPostDemand, 7},
	{opReviseDemand, 10},
	{opSearch, 15},
	{opDemandMatches, 5},
	{opSupplierMatches, 5},
	{opReadAfter, 5},
}

// pick draws a step from mix.
func pick(rng *rand.Rand) op {
	n := rng.IntN(100)
	for _, m := range mix {
		if n < m.weight {
			return m.op
		}
		n -= m.weight
	}
	return opSearch
}

// config is one run's settings.
type config struct {
	URL         string
	Token       string
	Concurrency int
	Duration    time.Duration
	Seed        uint64
	Timeout     time.Duration // per request
}

// firm is a supplier with its capabilities or a buyer with its demands.
type firm struct {
	id    string
	items []string
}

// world holds the firms created so far, shared by the workers. Lists are
// bounded: past maxFirms a new firm replaces a random old one.
type world struct {
	mu        sync.Mutex
	suppliers []*firm
	buyers    []*firm
}

const (
	maxFirms = 20000
	maxItems = 40
)

func (wo *world) add(list *[]*firm, f *firm, rng *rand.Rand) {
	wo.mu.Lock()
	defer wo.mu.Unlock()
	if len(*list) < maxFirms {
		*list = append(*list, f)
		return
	}
	(*list)[rng.IntN(len(*list))] = f
}

// any returns a random firm of list and one of its items ("" if none).
func (wo *world) any(list *[]*firm, rng *rand.Rand) (id, item string, ok bool) {
	wo.mu.Lock()
	defer wo.mu.Unlock()
	if len(*list) == 0 {
		return "", "", false
	}
	f := (*list)[rng.IntN(len(*list))]
	if len(f.items) > 0 {
		item = f.items[rng.IntN(len(f.items))]
	}
	return f.id, item, true
}

func (wo *world) addItem(list *[]*firm, id, item string, rng *rand.Rand) {
	wo.mu.Lock()
	defer wo.mu.Unlock()
	for _, f := range *list {
		if f.id != id {
			continue
		}
		if len(f.items) < maxItems {
			f.items = append(f.items, item)
		} else {
			f.items[rng.IntN(len(f.items))] = item
		}
		return
	}
}

// runner drives the API. It is safe for concurrent use by its workers.
type runner struct {
	cfg    config
	client *http.Client
	world  world
	// taxBase makes tax codes of this run differ from earlier runs' on the
	// same database; taxSeq numbers them within the run.
	taxBase int64
	taxSeq  atomic.Int64
}

func newRunner(cfg config) *runner {
	tr := &http.Transport{MaxIdleConns: cfg.Concurrency * 2, MaxIdleConnsPerHost: cfg.Concurrency * 2,
		IdleConnTimeout: time.Minute, DisableCompression: true}
	return &runner{cfg: cfg, client: &http.Client{Transport: tr, Timeout: cfg.Timeout},
		taxBase: time.Now().UnixNano() / 1e6 % 10000}
}

// errSetup reports that the firms the mix needs could not be created.
var errSetup = errors.New("setup")

// run creates a few firms (not measured), then runs cfg.Concurrency workers
// for cfg.Duration and returns the report.
func (r *runner) run(ctx context.Context) (Report, error) {
	defer r.client.CloseIdleConnections()
	if err := r.setup(ctx); err != nil {
		return Report{}, err
	}
	deadline := time.Now().Add(r.cfg.Duration)
	runCtx, cancel := context.WithDeadline(ctx, deadline.Add(r.cfg.Timeout))
	defer cancel()
	recs := make([]*recorder, r.cfg.Concurrency)
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	start := time.Now()
	for i := range recs {
		recs[i] = newRecorder()
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{r: r, rng: rand.New(rand.NewPCG(r.cfg.Seed, uint64(i))), rec: recs[i]}
			w.work(runCtx, deadline)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	all := newRecorder()
	for _, rec := range recs {
		all.merge(rec)
	}
	rep := report(endpoints, all, elapsed)
	rep.URL, rep.Concurrency, rep.Seed = r.cfg.URL, r.cfg.Concurrency, r.cfg.Seed
	rep.ClientCPUSeconds = math.Round(cpu.Seconds()*100) / 100
	return rep, nil
}

// setup registers one supplier with a capability and one buyer with a demand
// per worker, so that every step of the mix has something to act on.
func (r *runner) setup(ctx context.Context) error {
	w := &worker{r: r, rng: rand.New(rand.NewPCG(r.cfg.Seed, 1<<32)), rec: newRecorder()}
	for range r.cfg.Concurrency {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ok := w.step(ctx, opRegisterSupplier) && w.step(ctx, opDeclareCapability) &&
			w.step(ctx, opRegisterBuyer) && w.step(ctx, opPostDemand)
		if !ok {
			return fmt.Errorf("%w: could not create firms: answers %s", errSetup, w.rec.statuses())
		}
	}
	return nil
}

func (rec *recorder) statuses() string {
	all := map[string]int{}
	for _, ss := range rec.by {
		for _, s := range ss {
			all[statusKey(s.status)]++
		}
	}
	return statuses(all)
}

// opening is the order of a worker's first steps: every endpoint once, each
// read with ?after= right behind the command it reads, so that even a short
// run drives every endpoint. The weighted mix takes over after it.
var opening = []op{
	opRegisterSupplier, opDeclareCapability, opReviseCapability, opReadAfter,
	opRegisterBuyer, opPostDemand, opReviseDemand, opReadAfter,
	opSearch, opDemandMatches, opSupplierMatches,
}

// work runs steps until deadline, the opening first: the opening is always
// run whole, even past the deadline on a slow server, so that every run
// drives every endpoint. A step that got no answer or a 503 is followed by
// a short pause, so a server that is down is not spun on.
func (w *worker) work(ctx context.Context, deadline time.Time) {
	for i := 0; (i < len(opening) || time.Now().Before(deadline)) && ctx.Err() == nil; i++ {
		next := pick(w.rng)
		if i < len(opening) {
			next = opening[i]
		}
		if !w.step(ctx, next) {
			select {
			case <-ctx.Done():
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
}

// worker is one client of the run; it is used by one goroutine.
type worker struct {
	r    *runner
	rng  *rand.Rand
	rec  *recorder
	last last
}

// last is the worker's previous command, which a read-after step reads.
type last struct {
	ep       endpoint // the read that shows its effect
	id       string
	position int64
	at       time.Time
}

// step runs one step of kind o and reports whether it succeeded.
func (w *worker) step(ctx context.Context, o op) bool {
	r, rng := w.r, w.rng
	switch o {
	case opRegisterSupplier:
		a, ok := w.command(ctx, epRegisterSupplier, "POST", "/v1/suppliers", r.supplierBody(rng))
		if ok {
			r.world.add(&r.world.suppliers, &firm{id: a.ID}, rng)
		}
		return ok
	case opDeclareCapability:
		sid, _, ok := r.world.any(&r.world.suppliers, rng)
		if !ok {
			return w.step(ctx, opRegisterSupplier)
		}
		a, ok := w.command(ctx, epDeclareCapability, "POST", "/v1/suppliers/"+sid+"/capabilities", capabilityBody(rng))
		if ok {
			r.world.addItem(&r.world.suppliers, sid, a.ID, rng)
			w.last = last{epSupplierAfter, sid, a.Position, time.Now()}
		}
		return ok
	case opReviseCapability:
		sid, cid, ok := r.world.any(&r.world.suppliers, rng)
		if !ok || cid == "" {
			return w.step(ctx, opDeclareCapability)
		}
		a, ok := w.command(ctx, epReviseCapability, "PUT", "/v1/suppliers/"+sid+"/capabilities/"+cid, capabilityBody(rng))
		if ok {
			w.last = last{epSupplierAfter, sid, a.Position, time.Now()}
		}
		return ok
	case opRegisterBuyer:
		a, ok := w.command(ctx, epRegisterBuyer, "POST", "/v1/buyers", buyerBody(rng))
		if ok {
			r.world.add(&r.world.buyers, &firm{id: a.ID}, rng)
			w.last = last{epBuyerAfter, a.ID, a.Position, time.Now()}
		}
		return ok
	case opPostDemand:
		bid, _, ok := r.world.any(&r.world.buyers, rng)
		if !ok {
			return w.step(ctx, opRegisterBuyer)
		}
		a, ok := w.command(ctx, epPostDemand, "POST", "/v1/buyers/"+bid+"/demands", demandBody(rng))
		if ok {
			r.world.addItem(&r.world.buyers, bid, a.ID, rng)
			w.last = last{epBuyerAfter, bid, a.Position, time.Now()}
		}
		return ok
	case opReviseDemand:
		bid, did, ok := r.world.any(&r.world.buyers, rng)
		if !ok || did == "" {
			return w.step(ctx, opPostDemand)
		}
		a, ok := w.command(ctx, epReviseDemand, "PUT", "/v1/buyers/"+bid+"/demands/"+did, demandBody(rng))
		if ok {
			w.last = last{epBuyerAfter, bid, a.Position, time.Now()}
		}
		return ok
	case opSearch:
		return w.read(ctx, epSearch, "/v1/suppliers?limit=20&q="+searchTerms[rng.IntN(len(searchTerms))])
	case opDemandMatches:
		if _, did, ok := r.world.any(&r.world.buyers, rng); ok && did != "" {
			return w.read(ctx, epDemandMatches, "/v1/demands/"+did+"/matches?limit=20")
		}
		return w.step(ctx, opPostDemand)
	case opSupplierMatches:
		if sid, _, ok := r.world.any(&r.world.suppliers, rng); ok {
			return w.read(ctx, epSupplierMatches, "/v1/suppliers/"+sid+"/matches?limit=20")
		}
		return w.step(ctx, opRegisterSupplier)
	case opReadAfter:
		return w.readAfter(ctx)
	}
	return false
}

// readAfter measures projection lag: the time from the 2xx answer of the
// worker's immediately preceding command to a 200 of a GET with ?after= its
// position. When the previous step was not a command, it declares a
// capability first.
func (w *worker) readAfter(ctx context.Context) bool {
	r, rec := w.r, w.rec
	l := w.last
	if l.id == "" {
		if !w.step(ctx, opDeclareCapability) {
			return false
		}
		l = w.last
	}
	w.last = last{}
	path := "/v1/suppliers/"
	if l.ep == epBuyerAfter {
		path = "/v1/buyers/"
	}
	status, _ := r.do(ctx, rec, l.ep, "GET", path+l.id+"?after="+strconv.FormatInt(l.position, 10), nil, nil)
	if status != http.StatusOK {
		rec.lagTimeouts++
		return false
	}
	rec.lag = append(rec.lag, time.Since(l.at))
	return true
}

// answer is the contract's reply to an accepted command.
type answer struct {
	ID       string `json:"id"`
	Version  int64  `json:"version"`
	Position int64  `json:"position"`
}

// command sends a write and decodes its answer; ok is false unless the
// answer is 2xx with an id and a position.
func (w *worker) command(ctx context.Context, ep endpoint, method, path string, body any) (answer, bool) {
	var a answer
	status, raw := w.r.do(ctx, w.rec, ep, method, path, body, &a)
	ok := status >= 200 && status < 300 && raw && a.ID != "" && a.Position > 0
	if !ok {
		w.last = last{}
	}
	return a, ok
}

func (w *worker) read(ctx context.Context, ep endpoint, path string) bool {
	w.last = last{}
	status, _ := w.r.do(ctx, w.rec, ep, "GET", path, nil, nil)
	return status == http.StatusOK || status == http.StatusNotFound || status == http.StatusMethodNotAllowed
}

// routeMissing tells a 404 or 405 for a route the server does not serve
// (Echo's own answer, which the API words as an "http-404" problem) from a
// 404 for an unknown resource.
func routeMissing(status int, body []byte) bool {
	if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
		return false
	}
	for _, mark := range []string{`/http-404"`, `/http-405"`, `"message":"Not Found"`, `"message":"Method Not Allowed"`} {
		if bytes.Contains(body, []byte(mark)) {
			return true
		}
	}
	return false
}

// do sends one request, records its status and latency, and decodes a 2xx
// body into out (when out is not nil; decoded reports success).
func (r *runner) do(ctx context.Context, rec *recorder, ep endpoint, method, path string, body, out any) (status int, decoded bool) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			panic(err) // the bodies are built here; a failure is a bug
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.cfg.URL+path, rd)
	if err != nil {
		rec.add(ep, 0, 0)
		return 0, false
	}
	req.Header.Set("Authorization", "Bearer "+r.cfg.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	res, err := r.client.Do(req)
	if err != nil {
		rec.add(ep, 0, time.Since(start))
		return 0, false
	}
	var raw []byte
	raw, err = io.ReadAll(io.LimitReader(res.Body, 4<<20))
	res.Body.Close()
	took := time.Since(start)
	if err != nil {
		rec.add(ep, 0, took)
		return 0, false
	}
	if ep.optional && routeMissing(res.StatusCode, raw) {
		rec.addAbsent(ep, res.StatusCode, took)
	} else {
		rec.add(ep, res.StatusCode, took)
	}
	if out != nil && res.StatusCode >= 200 && res.StatusCode < 300 {
		decoded = json.Unmarshal(raw, out) == nil
	}
	return res.StatusCode, decoded
}

// cpuTime is the CPU time this process has used: the load generator shares
// the machine with the server, and the report says how much it took.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

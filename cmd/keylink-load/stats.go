package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// endpoint names one row of the report.
type endpoint struct {
	name    string // "POST /v1/suppliers"
	command bool   // a write that answers {id, version, position}
	// optional endpoints may not be routed yet: their 404 and 405 are
	// counted as absent, not as errors.
	optional bool
}

// sample is one answered (or failed) request.
type sample struct {
	status int // 0: no HTTP answer (connection refused, reset, timeout)
	took   time.Duration
	// absent: a 404 or 405 of an optional endpoint because its route is not
	// served, as opposed to a resource it does not know.
	absent bool
}

// recorder collects one worker's samples; each worker has its own, so
// recording takes no lock. Merge them when the workers are done.
type recorder struct {
	by  map[string][]sample
	lag []time.Duration
	// lagTimeouts counts ?after= reads that did not answer 200.
	lagTimeouts int
}

func newRecorder() *recorder { return &recorder{by: map[string][]sample{}} }

func (r *recorder) add(ep endpoint, status int, took time.Duration) {
	r.by[ep.name] = append(r.by[ep.name], sample{status: status, took: took})
}

// addAbsent records an answer saying that the route is not served.
func (r *recorder) addAbsent(ep endpoint, status int, took time.Duration) {
	r.by[ep.name] = append(r.by[ep.name], sample{status: status, took: took, absent: true})
}

func (r *recorder) merge(o *recorder) {
	for k, v := range o.by {
		r.by[k] = append(r.by[k], v...)
	}
	r.lag = append(r.lag, o.lag...)
	r.lagTimeouts += o.lagTimeouts
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted, exactly: the smallest sample with at least p% of samples at or
// below it. Zero for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Latency is a distribution summary in milliseconds.
type Latency struct {
	N     int     `json:"n"`
	P50Ms float64 `json:"p50_ms"`
	P95Ms float64 `json:"p95_ms"`
	P99Ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
}

func summarise(ds []time.Duration) Latency {
	s := slices.Clone(ds)
	slices.Sort(s)
	return Latency{N: len(s), P50Ms: ms(percentile(s, 50)), P95Ms: ms(percentile(s, 95)),
		P99Ms: ms(percentile(s, 99)), MaxMs: ms(percentile(s, 100))}
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// EndpointStats is one row of the report. Latencies are of 2xx answers.
type EndpointStats struct {
	Endpoint string `json:"endpoint"`
	Command  bool   `json:"command"`
	Count    int    `json:"count"`
	OK       int    `json:"ok"`
	Errors   int    `json:"errors"`
	// Absent counts 404 and 405 of endpoints that may not be routed yet,
	// when the answer says the route is missing.
	Absent   int            `json:"absent"`
	Statuses map[string]int `json:"statuses"`
	Latency
}

// Report is the outcome of a run; -json prints it.
type Report struct {
	URL         string  `json:"url"`
	Concurrency int     `json:"concurrency"`
	Seed        uint64  `json:"seed"`
	Seconds     float64 `json:"seconds"`
	// Accepted commands (2xx) per second of the timed run.
	CommandsPerSecond float64 `json:"commands_per_second"`
	Accepted          int     `json:"accepted"`
	Errors            int     `json:"errors"`
	ServerErrors      int     `json:"server_errors"` // 500..599 except 503
	Unavailable       int     `json:"unavailable"`   // 503
	CommandP99Ms      float64 `json:"command_p99_ms"`
	LagP99Ms          float64 `json:"lag_p99_ms"`
	Commands          Latency `json:"commands"`
	Lag               Latency `json:"lag"`
	LagTimeouts       int     `json:"lag_timeouts"`
	// ClientCPUSeconds is the CPU time the load generator used itself.
	ClientCPUSeconds float64         `json:"client_cpu_seconds"`
	Endpoints        []EndpointStats `json:"endpoints"`
}

// report builds the Report of a run from the merged samples, with the rows
// in the order of eps.
func report(eps []endpoint, rec *recorder, elapsed time.Duration) Report {
	r := Report{Seconds: math.Round(elapsed.Seconds()*1000) / 1000}
	var cmds []time.Duration
	for _, ep := range eps {
		samples := rec.by[ep.name]
		st := EndpointStats{Endpoint: ep.name, Command: ep.command, Count: len(samples), Statuses: map[string]int{}}
		var oks []time.Duration
		for _, s := range samples {
			st.Statuses[statusKey(s.status)]++
			switch {
			case s.status >= 200 && s.status < 300:
				st.OK++
				oks = append(oks, s.took)
			case s.absent:
				st.Absent++
			default:
				st.Errors++
				switch {
				case s.status == 503:
					r.Unavailable++
				case s.status >= 500:
					r.ServerErrors++
				}
			}
		}
		st.Latency = summarise(oks)
		r.Errors += st.Errors
		if ep.command {
			r.Accepted += st.OK
			cmds = append(cmds, oks...)
		}
		r.Endpoints = append(r.Endpoints, st)
	}
	r.Commands = summarise(cmds)
	r.CommandP99Ms = r.Commands.P99Ms
	r.Lag = summarise(rec.lag)
	r.LagP99Ms = r.Lag.P99Ms
	r.LagTimeouts = rec.lagTimeouts
	if elapsed > 0 {
		r.CommandsPerSecond = math.Round(float64(r.Accepted)/elapsed.Seconds()*10) / 10
	}
	return r
}

func statusKey(status int) string {
	if status == 0 {
		return "net"
	}
	return strconv.Itoa(status)
}

// writeTable prints the report for people.
func writeTable(w io.Writer, r Report) error {
	fmt.Fprintf(w, "keylink-load: %d clients for %.1fs against %s (seed %d)\n\n", r.Concurrency, r.Seconds, r.URL, r.Seed)
	const row = "%-42s %7s %7s %6s %6s %8s %8s %8s %8s  %s\n"
	fmt.Fprintf(w, row, "endpoint", "count", "ok", "errors", "absent", "p50 ms", "p95 ms", "p99 ms", "max ms", "statuses")
	for _, e := range r.Endpoints {
		fmt.Fprintf(w, row, e.Endpoint, strconv.Itoa(e.Count), strconv.Itoa(e.OK), strconv.Itoa(e.Errors), strconv.Itoa(e.Absent),
			fmtMs(e.P50Ms), fmtMs(e.P95Ms), fmtMs(e.P99Ms), fmtMs(e.MaxMs), statuses(e.Statuses))
	}
	fmt.Fprintf(w, "\naccepted commands: %d in %.1fs = %.1f/s; command latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n",
		r.Accepted, r.Seconds, r.CommandsPerSecond, r.Commands.P50Ms, r.Commands.P95Ms, r.Commands.P99Ms)
	fmt.Fprintf(w, "projection lag (2xx answer -> ?after= read 200): n=%d, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, not caught up %d\n",
		r.Lag.N, r.Lag.P50Ms, r.Lag.P95Ms, r.Lag.P99Ms, r.LagTimeouts)
	fmt.Fprintf(w, "errors: %d (503: %d, other 5xx: %d)\n", r.Errors, r.Unavailable, r.ServerErrors)
	_, err := fmt.Fprintf(w, "load generator CPU: %.1f s (%.0f%% of one core)\n", r.ClientCPUSeconds, 100*r.ClientCPUSeconds/max(r.Seconds, 0.001))
	return err
}

// statuses renders a status histogram as "201:10 503:2", sorted by status.
func statuses(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Compare(a, b) })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + strconv.Itoa(m[k])
	}
	return strings.Join(parts, " ")
}

func fmtMs(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

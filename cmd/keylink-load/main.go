// Command keylink-load drives a running KeyLink API with a realistic mix of
// commands and reads at a fixed concurrency for a fixed time, and reports
// accepted commands per second, latency percentiles per endpoint, errors and
// projection lag (from a command's 2xx answer until a GET with ?after= its
// position answers 200).
//
// It talks to loopback addresses only, so that it cannot load a shared
// server by mistake.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const help = `Usage: keylink-load [flags]

Drives the KeyLink HTTP API with a mix of commands and reads (register
suppliers, declare and revise capabilities, register buyers, post and revise
demands, search, matches, reads with ?after=) at -c clients for -d, then prints
per endpoint counts, errors and p50/p95/p99 latency, accepted commands/s and
projection lag. Only loopback URLs are accepted.

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command line.
type options struct {
	config
	db      string
	keylink string
	json    bool
	report  string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "keylink-load: %v\n", err)
		return 2
	}
	if o.Token == "" {
		if o.Token, err = issueToken(ctx, o.keylink, o.db); err != nil {
			fmt.Fprintf(stderr, "keylink-load: %v\n", err)
			return 1
		}
	}
	rep, err := newRunner(o.config).run(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "keylink-load: %v\n", err)
		return 1
	}
	if err := output(rep, o, stdout); err != nil {
		fmt.Fprintf(stderr, "keylink-load: %v\n", err)
		return 1
	}
	if rep.Accepted == 0 {
		fmt.Fprintln(stderr, "keylink-load: no command was accepted")
		return 1
	}
	return 0
}

func output(rep Report, o options, stdout io.Writer) error {
	raw, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	raw = append(raw, '\n')
	if o.report != "" {
		if err := os.WriteFile(o.report, raw, 0o644); err != nil {
			return err
		}
	}
	if o.json {
		_, err = stdout.Write(raw)
		return err
	}
	return writeTable(stdout, rep)
}

func parseFlags(args []string, stdout io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("keylink-load", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "base URL of the API (loopback only)")
	fs.StringVar(&o.Token, "token", "", "organiser bearer token")
	fs.StringVar(&o.db, "db", "", "PostgreSQL URL to issue an organiser token with 'keylink token issue' when -token is empty")
	fs.StringVar(&o.keylink, "keylink", "", "the keylink binary for -db (default: beside this binary, else on PATH)")
	fs.IntVar(&o.Concurrency, "c", 16, "concurrent clients")
	fs.DurationVar(&o.Duration, "d", 30*time.Second, "how long to drive the load")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the mix and the generated data")
	fs.DurationVar(&o.Timeout, "timeout", 10*time.Second, "limit of one request")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON instead of a table")
	fs.StringVar(&o.report, "report", "", "also write the JSON report to this file")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, help)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return o, err
	}
	if err != nil {
		return o, err
	}
	var errs []error
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	if err := checkURL(o.URL); err != nil {
		errs = append(errs, err)
	}
	o.URL = strings.TrimRight(o.URL, "/")
	if o.Token == "" && o.db == "" {
		errs = append(errs, errors.New("-token or -db is required"))
	}
	if o.Concurrency < 1 || o.Concurrency > 1024 {
		errs = append(errs, errors.New("-c must be 1..1024"))
	}
	if o.Duration <= 0 || o.Duration > 24*time.Hour {
		errs = append(errs, errors.New("-d must be positive and at most 24h"))
	}
	if o.Timeout <= 0 || o.Timeout > 5*time.Minute {
		errs = append(errs, errors.New("-timeout must be positive and at most 5m"))
	}
	if len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Error()
		}
		return o, errors.New(strings.Join(msgs, "; "))
	}
	return o, nil
}

// checkURL accepts http URLs of loopback hosts only.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-url %q is not an http URL", raw)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-url host %q is not a loopback address", host)
	}
	return nil
}

// issueToken runs 'keylink token issue' against db and returns the token.
func issueToken(ctx context.Context, bin, db string) (string, error) {
	if bin == "" {
		bin = "keylink"
		if self, err := os.Executable(); err == nil {
			if p := filepath.Join(filepath.Dir(self), "keylink"); isFile(p) {
				bin = p
			}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "token", "issue", "--role", "organiser", "--name", "keylink-load")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+db, "LOG_LEVEL=error")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s token issue: %v: %s", bin, err, strings.TrimSpace(errOut.String()))
	}
	return strings.TrimSpace(out.String()), nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

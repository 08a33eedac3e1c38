package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/keylink/keylink/api"
)

const importHelp = `Usage: keylink import FILE --kind K [--event ID] [--dry-run]

Imports an .xlsx or .csv file (UTF-8, with or without a byte order mark) as
POST /v1/imports does, through the API's own command path in this process:
K is key_products, suppliers, buyers, demands or registrations (which needs
--event). Column headers may be Vietnamese or English and the header row may
sit below a title block. Every row is checked first; a file with any error
writes nothing. Importing the same file again changes nothing.

Prints the answer ({"rows", "created", "updated", "unchanged", "errors"}) as
JSON on stdout, a progress bar on a terminal and a summary with each error on
stderr. Exits 1 when the file has errors or cannot be read.

`

// importKinds are the kinds keylink import takes.
var importKinds = []string{"key_products", "suppliers", "buyers", "demands", "registrations"}

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	kind := fs.String("kind", "", "what the file holds: "+strings.Join(importKinds, ", "))
	event := fs.String("event", "", "the event's id (for --kind registrations)")
	dry := fs.Bool("dry-run", false, "check every row and write nothing")
	file, err := parseWithFile(fs, args, stdout)
	if err != nil {
		return err
	}
	switch {
	case file == "":
		return fmt.Errorf("%w: expected 'keylink import FILE --kind K'", errUsage)
	case !contains(importKinds, *kind):
		return fmt.Errorf("%w: --kind must be one of %s", errUsage, strings.Join(importKinds, ", "))
	case *kind == "registrations" && uuid.Validate(*event) != nil:
		return fmt.Errorf("%w: --event ID is required for registrations", errUsage)
	case *kind != "registrations" && *event != "":
		return fmt.Errorf("%w: --event is only for --kind registrations", errUsage)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := cfg.logger()
	sys, err := wire(ctx, cfg, log, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	defer sys.close()
	// The projector is not started: the read models catch up when a
	// server runs.
	srv, err := api.New(api.Config{Store: sys.store, Projector: sys.projector, Logger: log})
	if err != nil {
		return err
	}
	token, err := api.IssueToken(ctx, poolExec{sys.pool}, api.Principal{Role: api.RoleOrganiser, Name: "keylink import"}, time.Hour)
	if err != nil {
		return fmt.Errorf("issuing the import's organiser token: %w", err)
	}
	q := url.Values{"kind": {*kind}}
	if *dry {
		q.Set("dry_run", "true")
	}
	if *event != "" {
		q.Set("event_id", *event)
	}
	bar := newProgress(stderr, "import")
	bar.unit = "rows"
	start := time.Now()
	req := httptest.NewRequestWithContext(api.WithImportProgress(ctx, func(done, total int) { bar.update(int64(done), int64(total)) }),
		http.MethodPost, "/v1/imports?"+q.Encode(), bytes.NewReader(data))
	req.Header.Set("Content-Type", mediaOfFile(file))
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	bar.done()
	if rec.Code != http.StatusOK {
		return fmt.Errorf("%s: %s", file, problemText(rec.Body.Bytes(), rec.Code))
	}
	fmt.Fprintln(stdout, strings.TrimSpace(rec.Body.String()))
	return importSummary(stderr, file, rec.Body.Bytes(), time.Since(start), log)
}

// parseWithFile parses flags given before or after the one FILE argument.
func parseWithFile(fs *flag.FlagSet, args []string, stdout io.Writer) (string, error) {
	var file string
	for {
		if err := parse(fs, importHelp, args, stdout); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			return file, nil
		}
		if file != "" {
			return "", fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
		}
		file, args = fs.Arg(0), fs.Args()[1:]
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func mediaOfFile(name string) string {
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		return "text/csv"
	}
	if strings.EqualFold(filepath.Ext(name), ".xlsx") {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/octet-stream"
}

// problemText is a problem answer in one line.
func problemText(body []byte, code int) string {
	var p api.Problem
	if json.Unmarshal(body, &p) != nil {
		return http.StatusText(code)
	}
	parts := []string{p.Detail}
	for _, e := range p.Errors {
		parts = append(parts, e.Field+": "+e.Message)
	}
	return strings.Join(parts, "; ")
}

// importSummary prints what the import did and each error; errors make
// the command fail.
func importSummary(w io.Writer, file string, body []byte, took time.Duration, log *slog.Logger) error {
	var rep api.ImportReport
	if err := json.Unmarshal(body, &rep); err != nil {
		return err
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(w, "%s: row %d, %s: %s\n", file, e.Row, e.Column, e.Message)
	}
	what := "imported"
	if !rep.Written {
		what = "checked, nothing written"
	}
	fmt.Fprintf(w, "keylink import: %s: %d rows %s: %d created, %d updated, %d unchanged, %d errors in %s\n",
		file, rep.Rows, what, rep.Created, rep.Updated, rep.Unchanged, len(rep.Errors), took.Round(time.Millisecond))
	log.Debug("import done", "rows", rep.Rows, "position", rep.Position)
	if len(rep.Errors) > 0 {
		return fmt.Errorf("%s has %d errors; nothing was written", file, len(rep.Errors))
	}
	return nil
}

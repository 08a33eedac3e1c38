package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/keylink/keylink/api"
	"github.com/keylink/keylink/eventstore/projector"
)

const seedHelp = `Usage: keylink seed [--suppliers N --buyers M --events K --seed S] [--if-empty]

Loads a realistic demo dataset through the API's own command path (no SQL
inserts): Hanoi supplier firms with capabilities and key-product recognitions,
FDI buyers with demands that overlap them, conferences and trade fairs with
registered firms (SME flags from their head count, interpreter needs,
unavailable times), meeting requests, the next conference's schedule
published and the fair's proposed, and, with any events, one past conference
with its meetings' outcomes and feedback; deals, support and two years of
programme history. The same flags send the same requests; the server picks
the ids. Prints a one-line summary to stderr.

`

func cmdSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	var o seedOptions
	fs.IntVar(&o.Suppliers, "suppliers", 300, "supplier firms to register")
	fs.IntVar(&o.Buyers, "buyers", 60, "FDI buyers to register")
	fs.IntVar(&o.Events, "events", 2, "events: a conference, then a fair, alternately (0: none)")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed; the same seed loads the same content")
	ifEmpty := fs.Bool("if-empty", false, "load nothing when the database already holds events")
	if err := parse(fs, seedHelp, args, stdout); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	case o.Suppliers < 0 || o.Suppliers > maxSeedSuppliers:
		return fmt.Errorf("%w: --suppliers must be 0..%d", errUsage, maxSeedSuppliers)
	case o.Buyers < 0 || o.Buyers > maxSeedBuyers:
		return fmt.Errorf("%w: --buyers must be 0..%d", errUsage, maxSeedBuyers)
	case o.Events < 0 || o.Events > maxSeedEvents:
		return fmt.Errorf("%w: --events must be 0..%d", errUsage, maxSeedEvents)
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
	if *ifEmpty {
		var seeded bool
		if err := sys.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events)`).Scan(&seeded); err != nil {
			return fmt.Errorf("checking for events: %w", err)
		}
		if seeded {
			fmt.Fprintln(stderr, "keylink seed: the database already holds events; nothing loaded (--if-empty)")
			return nil
		}
	}
	// The projector is handed to the API but not started: the read models
	// catch up when the server starts.
	srv, err := api.New(api.Config{Store: sys.store, Projector: sys.projector, Logger: log})
	if err != nil {
		return err
	}
	token, err := api.IssueToken(ctx, poolExec{sys.pool}, api.Principal{Role: api.RoleOrganiser, Name: "keylink seed"}, 24*time.Hour)
	if err != nil {
		return fmt.Errorf("issuing the seed's organiser token: %w", err)
	}
	o.Year, o.Past = time.Now().Year()+1, pastStart(time.Now())
	plan := planSeed(o)
	start := time.Now()
	l := &seedLoader{h: srv, auth: "Bearer " + token, log: log, seed: o.Seed, pool: sys.pool}
	if err := l.load(ctx, plan); err != nil {
		return err
	}
	if err := l.loadProgramme(ctx, plan, sys.pool, time.Now()); err != nil {
		return err
	}
	if err := l.withProjector(ctx, sys.projector, plan); err != nil {
		return err
	}
	fmt.Fprintln(stderr, l.summary(time.Since(start)))
	return nil
}

// withProjector runs the projector while loadMeetings schedules the events,
// since a schedule is drawn from the match lists.
func (l *seedLoader) withProjector(ctx context.Context, proj *projector.Projector, plan seedPlan) error {
	if len(plan.Events) == 0 {
		return nil
	}
	sups, buys, err := seededIDs(ctx, l.pool, plan)
	if err != nil {
		return err
	}
	projCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- proj.Run(projCtx) }()
	defer func() {
		stop()
		<-done
	}()
	wait := func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		return proj.WaitFor(ctx, proj.Names(), l.position)
	}
	return l.loadMeetings(ctx, plan, sups, buys, wait)
}

// seedLoader sends a plan's requests to the API handler in process, as an
// organiser, and keeps count.
type seedLoader struct {
	h    http.Handler
	pool *pgxpool.Pool
	auth string
	log  *slog.Logger
	seed uint64

	requests, suppliers, capabilities, keyProducts, buyers, demands, events, registrations int
	position                                                                               int64
	eventsSkipped                                                                          bool
	eventIDs                                                                               []uuid.UUID // of plan.Events, in order
	meetings                                                                               seedMeetings
	demoUsers                                                                              []demoUser
}

// seedStatusError is an answer other than 2xx.
type seedStatusError struct {
	path string
	code int
	body string
}

func (e *seedStatusError) Error() string {
	return fmt.Sprintf("POST %s: %d %s: %s", e.path, e.code, http.StatusText(e.code), strings.TrimSpace(e.body))
}

// post sends body to path and returns the id of the answer.
func (l *seedLoader) post(ctx context.Context, path string, body any) (uuid.UUID, error) {
	if err := ctx.Err(); err != nil {
		return uuid.Nil, err
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return uuid.Nil, err
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", l.auth)
	rec := httptest.NewRecorder()
	l.h.ServeHTTP(rec, req)
	l.requests++
	if rec.Code < 200 || rec.Code > 299 {
		return uuid.Nil, &seedStatusError{path: path, code: rec.Code, body: rec.Body.String()}
	}
	var ans struct {
		ID       uuid.UUID `json:"id"`
		Position int64     `json:"position"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
		return uuid.Nil, fmt.Errorf("POST %s: answer %q: %w", path, rec.Body.String(), err)
	}
	l.position = max(l.position, ans.Position)
	return ans.ID, nil
}

// load sends the plan: suppliers with their capabilities and recognitions,
// buyers with their demands, then events with their registrations.
func (l *seedLoader) load(ctx context.Context, plan seedPlan) error {
	supIDs := make([]uuid.UUID, len(plan.Suppliers))
	for i, s := range plan.Suppliers {
		id, err := l.post(ctx, "/v1/suppliers", s.Profile)
		if err != nil {
			var se *seedStatusError
			if i == 0 && errors.As(err, &se) && se.code == http.StatusConflict {
				return fmt.Errorf("%w (the dataset of --seed %d is loaded already: use another --seed, or --if-empty)", err, l.seed)
			}
			return err
		}
		supIDs[i] = id
		l.suppliers++
		for _, c := range s.Capabilities {
			if _, err := l.post(ctx, "/v1/suppliers/"+id.String()+"/capabilities", c); err != nil {
				return err
			}
			l.capabilities++
		}
		for _, k := range s.KeyProducts {
			if _, err := l.post(ctx, "/v1/suppliers/"+id.String()+"/key-products", k); err != nil {
				return err
			}
			l.keyProducts++
		}
	}
	buyIDs := make([]uuid.UUID, len(plan.Buyers))
	for i, b := range plan.Buyers {
		id, err := l.post(ctx, "/v1/buyers", b.Profile)
		if err != nil {
			return err
		}
		buyIDs[i] = id
		l.buyers++
		for _, d := range b.Demands {
			if _, err := l.post(ctx, "/v1/buyers/"+id.String()+"/demands", d); err != nil {
				return err
			}
			l.demands++
		}
	}
	return l.loadEvents(ctx, plan.Events, supIDs, buyIDs)
}

// loadEvents creates the events and registers their firms. A server whose
// conference endpoints are not wired yet answers the first POST /v1/events
// with 404 or 405; the events are then skipped with a note.
func (l *seedLoader) loadEvents(ctx context.Context, events []plannedEvent, supIDs, buyIDs []uuid.UUID) error {
	for i, e := range events {
		id, err := l.post(ctx, "/v1/events", e.Details)
		var se *seedStatusError
		if i == 0 && errors.As(err, &se) && (se.code == http.StatusNotFound || se.code == http.StatusMethodNotAllowed) {
			l.log.Warn("the conference endpoints are not available; events skipped", "status", se.code)
			l.eventsSkipped = true
			return nil
		}
		if err != nil {
			return err
		}
		l.events++
		l.eventIDs = append(l.eventIDs, id)
		if err := l.register(ctx, id, e, supIDs, buyIDs); err != nil {
			return err
		}
	}
	return nil
}

// seedRegistration is the body of POST /v1/events/{id}/registrations.
type seedRegistration struct {
	OrganisationID      uuid.UUID    `json:"organisation_id"`
	Booth               string       `json:"booth,omitempty"`
	InterpreterLanguage string       `json:"interpreter_language,omitempty"`
	Unavailable         []seedPeriod `json:"unavailable,omitempty"`
}

// register registers the firms of e for the event id.
func (l *seedLoader) register(ctx context.Context, id uuid.UUID, e plannedEvent, supIDs, buyIDs []uuid.UUID) error {
	for _, r := range e.Registrations {
		body := seedRegistration{Booth: r.Booth, InterpreterLanguage: r.Interpreter, Unavailable: r.Unavailable}
		if r.Supplier >= 0 {
			body.OrganisationID = supIDs[r.Supplier]
		} else {
			body.OrganisationID = buyIDs[r.Buyer]
		}
		if _, err := l.post(ctx, "/v1/events/"+id.String()+"/registrations", body); err != nil {
			return err
		}
		l.registrations++
	}
	return nil
}

// summary is the one line printed at the end.
func (l *seedLoader) summary(took time.Duration) string {
	events := fmt.Sprintf("%d events (%d registrations)", l.events, l.registrations)
	if l.eventsSkipped {
		events = "events skipped (the conference endpoints are not available)"
	}
	if l.events > 0 && !l.eventsSkipped {
		m := l.meetings
		events += fmt.Sprintf(", %d meeting requests, %d meetings scheduled, %d outcomes, %d feedback", m.requests, m.scheduled, m.outcomes, m.feedback)
	}
	for _, u := range l.demoUsers {
		events += fmt.Sprintf(", demo %s user %s", u.role, u.email)
	}
	return fmt.Sprintf("keylink seed: loaded %d suppliers (%d capabilities, %d key-product recognitions), %d buyers (%d demands), %s with --seed %d: %d requests in %s, last position %d",
		l.suppliers, l.capabilities, l.keyProducts, l.buyers, l.demands, events, l.seed, l.requests, took.Round(time.Millisecond), l.position)
}

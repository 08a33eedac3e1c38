package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/projections"
)

// readModelPrefixes name the tables of every read model; a new read model's
// tables must start with one of them to be compared here.
var readModelPrefixes = []string{"directory", "board", "match", "conference", "deals", "deal", "programme"}

// randomWorld is what a random command sequence has created so far.
type randomWorld struct {
	e          *env
	rng        *rand.Rand
	suppliers  []randomFirm
	buyers     []randomFirm
	caps       map[string][]string // supplier -> capability ids
	demands    map[string][]string // buyer -> demand ids
	events     []randomEvent
	last       int64 // highest position acknowledged
	statuses   map[string]map[int]int
	operations int
}

type randomFirm struct {
	id   string
	body map[string]any
}

type randomEvent struct {
	id       string
	start    time.Time
	slots    int
	tables   int
	firms    []string
	meetings []string
}

func (w *randomWorld) pick(n int) int { return w.rng.IntN(n) }

// send runs one command and records its status; a 5xx fails the test, any
// 2xx moves the highest acknowledged position.
func (w *randomWorld) send(op, method, path string, body any) resp {
	w.e.t.Helper()
	r := w.e.do(method, path, w.e.organiser, body)
	// A schedule waits for the match lists at most 5 s and then answers
	// 503 "not caught up", which a client retries; on a machine running
	// many test databases at once that happens. Any other 5xx fails.
	for range 5 {
		if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "not-caught-up") {
			break
		}
		r = w.e.do(method, path, w.e.organiser, body)
	}
	if w.statuses[op] == nil {
		w.statuses[op] = map[int]int{}
	}
	w.statuses[op][r.status]++
	w.operations++
	if r.status >= 400 && w.statuses[op][r.status] == 1 {
		w.e.t.Logf("%s: %d %.300s", op, r.status, r.body)
	}
	if r.status >= 500 {
		w.e.t.Fatalf("%s %s %s: %d %s", op, method, path, r.status, r.body)
	}
	if r.status < 300 {
		var a struct{ Position int64 }
		_ = jsonUnmarshal(r.body, &a)
		w.last = max(w.last, a.Position)
	}
	return r
}

func (w *randomWorld) id(r resp) string {
	var a struct{ ID string }
	_ = jsonUnmarshal(r.body, &a)
	return a.ID
}

// step sends one random valid-looking command. Some are refused by the
// domain (a full event, a meeting that started); that is fine, a 500 is not.
func (w *randomWorld) step() {
	titles := []string{"Giá đỡ thép dập", "Bo mạch điện tử", "Khuôn nhựa ép phun", "Vải may mặc"}
	switch op := w.pick(20); {
	case op == 0 || len(w.suppliers) < 2:
		b := supplierBody(fmt.Sprintf("Công ty Cơ khí số %d", len(w.suppliers)))
		if r := w.send("supplier", "POST", "/v1/suppliers", b); r.status == 201 {
			w.suppliers = append(w.suppliers, randomFirm{w.id(r), b})
		}
	case op == 1 || len(w.buyers) < 2:
		b := buyerBody(fmt.Sprintf("FDI Buyer %d", len(w.buyers)))
		if r := w.send("buyer", "POST", "/v1/buyers", b); r.status == 201 {
			w.buyers = append(w.buyers, randomFirm{w.id(r), b})
		}
	case op == 2:
		s := w.suppliers[w.pick(len(w.suppliers))]
		s.body["name"] = fmt.Sprintf("%s (đổi tên %d)", strings.Split(s.body["name"].(string), " (")[0], w.operations)
		w.send("revise supplier", "PUT", "/v1/suppliers/"+s.id, s.body)
	case op <= 4:
		s := w.suppliers[w.pick(len(w.suppliers))]
		b := capabilityBody(titles[w.pick(len(titles))])
		if r := w.send("declare", "POST", "/v1/suppliers/"+s.id+"/capabilities", b); r.status == 201 {
			w.caps[s.id] = append(w.caps[s.id], w.id(r))
		}
	case op == 5:
		s := w.suppliers[w.pick(len(w.suppliers))]
		if cs := w.caps[s.id]; len(cs) > 0 {
			c := cs[w.pick(len(cs))]
			if w.pick(2) == 0 {
				b := capabilityBody(titles[w.pick(len(titles))])
				b["lead_time_days"] = 10 + w.pick(60)
				w.send("revise capability", "PUT", "/v1/suppliers/"+s.id+"/capabilities/"+c, b)
			} else {
				w.send("withdraw", "DELETE", "/v1/suppliers/"+s.id+"/capabilities/"+c, nil)
			}
		}
	case op == 6:
		s := w.suppliers[w.pick(len(w.suppliers))]
		w.send("key product", "POST", "/v1/suppliers/"+s.id+"/key-products", map[string]any{
			"product": titles[w.pick(len(titles))], "recognized_year": 2020 + w.pick(6), "decision_no": "4303/QĐ-UBND"})
	case op <= 8:
		b := w.buyers[w.pick(len(w.buyers))]
		body := demandBody(titles[w.pick(len(titles))])
		if w.pick(3) == 0 {
			body["required_certifications"] = []string{}
		}
		if r := w.send("demand", "POST", "/v1/buyers/"+b.id+"/demands", body); r.status == 201 {
			w.demands[b.id] = append(w.demands[b.id], w.id(r))
		}
	case op == 9:
		b := w.buyers[w.pick(len(w.buyers))]
		if ds := w.demands[b.id]; len(ds) > 0 {
			d := ds[w.pick(len(ds))]
			if w.pick(2) == 0 {
				w.send("revise demand", "PUT", "/v1/buyers/"+b.id+"/demands/"+d, demandBody(titles[w.pick(len(titles))]))
			} else {
				w.send("close demand", "POST", "/v1/buyers/"+b.id+"/demands/"+d+"/close", map[string]any{"reason": "fulfilled"})
			}
		}
	case op == 10 && len(w.events) < 3 || len(w.events) == 0:
		w.createEvent()
	default:
		w.eventStep()
	}
}

// createEvent makes a conference in the past (backfilled) or the future.
func (w *randomWorld) createEvent() {
	// 08:00 at the venue 30 days on: an event of 3 hours starting later in
	// the day could cross midnight and be refused as a several-day event.
	now := time.Now().In(venue)
	start := time.Date(now.Year(), now.Month(), now.Day(), 8, 0, 0, 0, venue).AddDate(0, 0, 30)
	if w.pick(2) == 0 {
		start = start.AddDate(0, -3, 0)
	}
	ev := randomEvent{start: start, slots: 6, tables: 1 + w.pick(3)}
	body := map[string]any{"kind": "conference", "name": fmt.Sprintf("Hội nghị %d", len(w.events)), "venue": "Giảng Võ",
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(3 * time.Hour).Format(time.RFC3339),
		"slot_minutes": 30, "tables": ev.tables, "max_meetings_per_participant": 1 + w.pick(4)}
	if w.pick(2) == 0 {
		body["breaks"] = []map[string]any{{"from": start.Add(time.Hour).Format(time.RFC3339),
			"to": start.Add(90 * time.Minute).Format(time.RFC3339)}}
	}
	if r := w.send("event", "POST", "/v1/events", body); r.status == 201 {
		ev.id = w.id(r)
		w.events = append(w.events, ev)
	}
}

// eventStep sends one conference command to a random event.
func (w *randomWorld) eventStep() {
	i := w.pick(len(w.events))
	ev := &w.events[i]
	base := "/v1/events/" + ev.id
	meeting := func() (string, bool) {
		if len(ev.meetings) == 0 {
			return "", false
		}
		return ev.meetings[w.pick(len(ev.meetings))], true
	}
	remember := func(r resp) {
		var a struct{ Meetings []struct{ ID string } }
		_ = jsonUnmarshal(r.body, &a)
		for _, m := range a.Meetings {
			if !slices.Contains(ev.meetings, m.ID) {
				ev.meetings = append(ev.meetings, m.ID)
			}
		}
	}
	switch w.pick(15) {
	case 14:
		if len(ev.firms) > 0 {
			body := map[string]any{"max_meetings": w.pick(4)}
			if w.pick(2) == 0 {
				body["sme"] = w.pick(2) == 0
			}
			w.send("revise registration", "PUT", base+"/registrations/"+ev.firms[w.pick(len(ev.firms))], body)
		}
	case 0, 1, 2, 12, 13:
		firms := append(slices.Clone(w.suppliers), w.buyers...)
		f := firms[w.pick(len(firms))]
		if r := w.send("register", "POST", base+"/registrations", map[string]any{"organisation_id": f.id}); r.status == 201 {
			ev.firms = append(ev.firms, f.id)
		}
	case 3:
		if len(ev.firms) > 0 {
			f := ev.firms[w.pick(len(ev.firms))]
			if r := w.send("cancel registration", "DELETE", base+"/registrations/"+f, nil); r.status == 200 {
				ev.firms = slices.DeleteFunc(ev.firms, func(x string) bool { return x == f })
			}
		}
	case 4:
		if len(ev.firms) < 2 {
			return
		}
		a, b := ev.firms[w.pick(len(ev.firms))], ev.firms[w.pick(len(ev.firms))]
		r := w.send("request", "POST", base+"/meeting-requests", map[string]any{"from": a, "to": b})
		if r.status == 201 {
			verb := []string{"accept", "decline"}[w.pick(2)]
			w.send(verb, "POST", base+"/meeting-requests/"+w.id(r)+"/"+verb, nil)
		}
	case 5:
		w.send("interpreters", "POST", base+"/interpreters", map[string]any{"language": "JP", "count": w.pick(3)})
	case 6, 7:
		remember(w.send("propose", "POST", base+"/schedule", map[string]any{"draft": w.pick(3) != 0}))
	case 8:
		w.send("publish", "POST", base+"/schedule/publish", nil)
	case 9:
		if m, ok := meeting(); ok {
			verb := []string{"lock", "unlock"}[w.pick(2)]
			w.send(verb, "POST", base+"/meetings/"+m+"/"+verb, nil)
		}
	case 10:
		if m, ok := meeting(); ok {
			if w.pick(2) == 0 {
				at := ev.start.Add(time.Duration(w.pick(ev.slots)) * 30 * time.Minute)
				w.send("move", "POST", base+"/meetings/"+m+"/move", map[string]any{"starts_at": at.Format(time.RFC3339),
					"table": 1 + w.pick(ev.tables)})
			} else {
				w.send("cancel meeting", "DELETE", base+"/meetings/"+m, nil)
			}
		}
	case 11:
		if m, ok := meeting(); ok {
			results := []string{"none", "follow_up", "mou", "contract"}
			body := map[string]any{"status": []string{"held", "no_show"}[w.pick(2)], "result": results[w.pick(len(results))]}
			if w.pick(2) == 0 {
				w.send("outcome", "POST", base+"/meetings/"+m+"/outcome", body)
			} else if len(ev.firms) > 0 {
				w.send("feedback", "POST", base+"/meetings/"+m+"/feedback", map[string]any{
					"organisation_id": ev.firms[w.pick(len(ev.firms))], "took_place": w.pick(4) != 0})
			}
		}
	}
}

// newRandomWorld starts a random command sequence on e.
func newRandomWorld(e *env, src rand.Source) *randomWorld {
	return &randomWorld{e: e, rng: rand.New(src), caps: map[string][]string{}, demands: map[string][]string{},
		statuses: map[string]map[int]int{}}
}

// TestRandomCommandsKeepProjectionsHealthy drives random sequences of valid
// commands over every aggregate through the real API and checks that no
// command answers 5xx, that every projection applies them live (each read
// model reaches the last position and /readyz is 200), and that rebuilding
// every projection from position 0 gives exactly the live tables.
func TestRandomCommandsKeepProjectionsHealthy(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	e := newEnv(t)
	w := newRandomWorld(e, rand.NewPCG(seed, seed>>7))
	for range 300 {
		w.step()
	}
	t.Logf("%d commands: %v", w.operations, w.statuses)

	after := fmt.Sprintf("?after=%d", w.last)
	for _, path := range []string{"/v1/suppliers/" + w.suppliers[0].id, "/v1/suppliers", "/v1/buyers/" + w.buyers[0].id,
		"/v1/suppliers/" + w.suppliers[0].id + "/matches", "/v1/events/" + w.events[0].id} {
		e.must(e.read(path+after, e.organiser), http.StatusOK)
	}
	if r := e.do("GET", "/readyz", "", nil); r.status != http.StatusOK {
		t.Fatalf("/readyz after the sequence: %d %s", r.status, r.body)
	}

	rebuildEqualsLive(t, e, seed)
}

// rebuildEqualsLive rebuilds every projection from position 0 and fails
// unless the read models come out exactly as they were live.
func rebuildEqualsLive(t *testing.T, e *env, seed uint64) {
	t.Helper()
	live := dumpReadModels(t, e.pool)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, p := range projections.All() {
		if err := projector.Rebuild(ctx, e.store, p, nil); err != nil {
			t.Fatalf("rebuild %s: %v (seed %d)", p.Name(), err, seed)
		}
	}
	if rebuilt := dumpReadModels(t, e.pool); rebuilt != live {
		t.Fatalf("rebuilt read models differ from the live ones (seed %d):\n%s", seed, firstDifference(live, rebuilt))
	}
}

// TestTwoServersShareProjections runs two API servers on one database, as
// two `keylink serve` processes would (the way to scale the API tier out),
// and sends random commands to either: both serve reads after each other's
// writes, every event is projected exactly once (a rebuild from position 0
// gives the same tables), and both are ready.
func TestTwoServersShareProjections(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	a := newEnv(t)
	other, err := pgxpool.New(context.Background(), a.pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	url, _, _ := serveOn(t, other)
	b := *a
	b.url = url
	servers := []*env{a, &b}
	w := newRandomWorld(a, rand.NewPCG(seed, seed>>3))
	for i := range 150 {
		w.e = servers[i%2]
		w.step()
	}
	t.Logf("%d commands: %v", w.operations, w.statuses)
	after := fmt.Sprintf("?after=%d", w.last)
	for _, e := range servers {
		for _, path := range []string{"/v1/suppliers/" + w.suppliers[0].id, "/v1/suppliers", "/v1/buyers/" + w.buyers[0].id,
			"/v1/events/" + w.events[0].id} {
			e.must(e.read(path+after, e.organiser), http.StatusOK)
		}
		if r := e.do("GET", "/readyz", "", nil); r.status != http.StatusOK {
			t.Fatalf("/readyz of %s: %d %s", e.url, r.status, r.body)
		}
	}
	rebuildEqualsLive(t, a, seed)
}

// dumpReadModels returns every row of every read-model table as text.
func dumpReadModels(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT table_name FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND split_part(table_name, '_', 1) = ANY($1)
ORDER BY table_name`, readModelPrefixes)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if rows.Err() != nil || len(tables) < 5 {
		t.Fatalf("read-model tables %v: %v", tables, rows.Err())
	}
	var b strings.Builder
	for _, table := range tables {
		var text string
		err := pool.QueryRow(ctx, fmt.Sprintf(`SELECT coalesce(string_agg(r, E'\n' ORDER BY r), '')
FROM (SELECT to_jsonb(t)::text AS r FROM %q t) x`, table)).Scan(&text)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "-- %s\n%s\n", table, text)
	}
	return b.String()
}

// firstDifference shows the first line where two dumps differ.
func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d\nlive:    %s\nrebuilt: %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("live has %d lines, rebuilt %d", len(al), len(bl))
}

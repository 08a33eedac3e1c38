package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/keylink/keylink/api"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/migrations/dbtest"
	"github.com/keylink/keylink/projections"
	"github.com/keylink/keylink/projections/conferences"
)

// clock is a settable server clock: events are in 2030, and feedback needs
// their meetings to be over.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// venue is Hanoi's offset; eventStart the events' first slot.
var (
	venue      = time.FixedZone("", 7*3600)
	eventStart = time.Date(2030, 10, 15, 8, 0, 0, 0, venue)
)

// newClockEnv is newEnv with the server on clk.
func newClockEnv(t *testing.T, clk *clock) *env {
	t.Helper()
	pool := dbtest.New(t)
	codec, err := projections.Registry()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := eventstore.New(pool, eventstore.Config{Registry: codec, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	proj, err := projector.New(store, projector.Config{PollInterval: 5 * time.Millisecond}, projections.All()...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Config{Store: store, Projector: proj, Logger: log, Clock: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = proj.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; ts.Close() })
	token, err := api.IssueToken(ctx, execer{pool}, api.Principal{Role: api.RoleOrganiser, Name: "test organiser"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, url: ts.URL, organiser: token, pool: pool, store: store}
}

func eventBody(name string) map[string]any {
	return map[string]any{"kind": "conference", "name": name, "venue": "Trung tâm Hội nghị Quốc gia, Mỹ Đình",
		"starts_at": eventStart.Format(time.RFC3339), "ends_at": eventStart.Add(3 * time.Hour).Format(time.RFC3339),
		"slot_minutes": 30, "tables": 2, "max_meetings_per_participant": 3}
}

// newEvent creates an event as the organiser and returns its id.
func (e *env) newEvent(name string) string {
	e.t.Helper()
	return e.must(e.do("POST", "/v1/events", e.organiser, eventBody(name)), 201).str(e.t, "id")
}

// register registers org for event as the organiser; extra fields are added
// to the body.
func (e *env) register(event, org string, extra ...any) resp {
	e.t.Helper()
	body := map[string]any{"organisation_id": org}
	for i := 0; i+1 < len(extra); i += 2 {
		body[extra[i].(string)] = extra[i+1]
	}
	return e.must(e.do("POST", "/v1/events/"+event+"/registrations", e.organiser, body), 201)
}

// read is a GET that, like a patient client, tries again while the read
// model is not caught up (503): ?after waits 5 s at most, and a loaded
// machine running many test databases at once can take longer.
func (e *env) read(path, token string) resp {
	e.t.Helper()
	for range 10 {
		if r := e.do("GET", path, token, nil); r.status != 503 {
			return r
		}
	}
	return e.do("GET", path, token, nil)
}

// decode unmarshals a JSON answer.
func decode[T any](t *testing.T, r resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("answer %d: %v: %s", r.status, err, r.body)
	}
	return v
}

func TestCreateAndGetEvent(t *testing.T) {
	t.Parallel()
	e := newClockEnv(t, &clock{t: eventStart.AddDate(0, -1, 0)})
	_, supTok := e.signup("supplier", supplierBody("Cơ khí Đông Anh"))

	r := e.must(e.do("POST", "/v1/events", e.organiser, eventBody("Hội nghị kết nối doanh nghiệp FDI 2030")), 201)
	id := r.str(t, "id")
	if r.num(t, "version") != 1 || r.num(t, "position") <= 0 || r.header.Get("ETag") != `"1"` {
		t.Fatalf("create answer %s, ETag %q", r.body, r.header.Get("ETag"))
	}
	e.must(e.do("POST", "/v1/events", supTok, eventBody("x")), 403)
	e.must(e.do("POST", "/v1/events", "", eventBody("x")), 401)

	bad := eventBody("")
	bad["kind"], bad["starts_at"], bad["slot_minutes"], bad["tables"] = "party", "15/10/2030 08:00", 1, 0
	got := e.must(e.do("POST", "/v1/events", e.organiser, bad), 400).fields(t)
	for _, f := range []string{"starts_at", "kind", "name", "slot_minutes", "tables"} {
		if !slices.Contains(got, f) {
			t.Errorf("fields %v lack %s", got, f)
		}
	}
	unknown := eventBody("x")
	unknown["colour"] = "red"
	e.must(e.do("POST", "/v1/events", e.organiser, unknown), 400)
	e.must(e.do("POST", "/v1/events", e.organiser, `{"kind": `), 400)

	for _, tok := range []string{e.organiser, supTok} {
		g := e.must(e.read(fmt.Sprintf("/v1/events/%s?after=%d", id, r.num(t, "position")), tok), 200)
		ev := decode[conferences.Event](t, g)
		if ev.Name != "Hội nghị kết nối doanh nghiệp FDI 2030" || len(ev.Slots) != 6 || ev.Version != 1 || g.header.Get("ETag") != `"1"` {
			t.Fatalf("event %s", g.body)
		}
		if _, off := ev.StartsAt.Zone(); off != 7*3600 {
			t.Fatalf("starts_at %v lost the venue's offset", ev.StartsAt)
		}
	}
	list := decode[struct{ Events []conferences.EventSummary }](t, e.must(e.read("/v1/events", supTok), 200))
	if len(list.Events) != 1 || list.Events[0].ID.String() != id {
		t.Fatalf("list %+v", list)
	}
	e.must(e.do("GET", "/v1/events/0193a1f2-0000-7000-8000-000000000000", e.organiser, nil), 404)
	e.must(e.do("GET", "/v1/events/not-an-id", e.organiser, nil), 404)
	e.must(e.do("GET", "/v1/events/"+id, "", nil), 401)
	e.must(e.do("GET", "/v1/events/"+id+"?after=-1", e.organiser, nil), 400)
}

func TestRegistrations(t *testing.T) {
	t.Parallel()
	e := newClockEnv(t, &clock{t: eventStart.AddDate(0, -1, 0)})
	event := e.newEvent("Hội chợ")
	fair := eventBody("Hội chợ triển lãm")
	fair["kind"] = "fair"
	fairID := e.must(e.do("POST", "/v1/events", e.organiser, fair), 201).str(t, "id")
	sup, supTok := e.signup("supplier", supplierBody("Nhựa Tiền Phong"))
	other, otherTok := e.signup("supplier", supplierBody("Cao su Sao Vàng"))
	buy, buyTok := e.signup("buyer", buyerBody("Canon Vietnam"))
	path := "/v1/events/" + event + "/registrations"

	r := e.must(e.do("POST", path, supTok, map[string]any{"organisation_id": sup, "sme": true,
		"unavailable": []map[string]any{{"from": "2030-10-15T08:00:00+07:00", "to": "2030-10-15T09:00:00+07:00"}}}), 201)
	if r.str(t, "id") != sup || r.num(t, "version") != 2 || r.header.Get("ETag") != `"2"` {
		t.Fatalf("register answer %s", r.body)
	}
	e.must(e.do("POST", path, otherTok, map[string]any{"organisation_id": buy}), 403)
	e.must(e.do("POST", path, supTok, map[string]any{"organisation_id": sup}), 409)
	e.must(e.do("POST", path, e.organiser, map[string]any{"organisation_id": "0193a1f2-0000-7000-8000-000000000000"}), 404)
	e.must(e.do("POST", "/v1/events/0193a1f2-0000-7000-8000-000000000000/registrations", e.organiser,
		map[string]any{"organisation_id": buy}), 404)
	e.must(e.do("POST", path, e.organiser, map[string]any{"organisation_id": buy}, "If-Match", `"1"`), 412)
	fields := e.must(e.do("POST", path, e.organiser, map[string]any{"organisation_id": other, "booth": "A1",
		"interpreter_language": "JP", "unavailable": []map[string]any{{"from": "morning", "to": "2030-10-15T09:00:00+07:00"}}}), 400).fields(t)
	if !slices.Equal(fields, []string{"unavailable[0].from", "booth", "interpreter_language"}) {
		t.Fatalf("fields %v", fields)
	}
	fields = e.must(e.do("POST", path, e.organiser, map[string]any{"organisation_id": other, "booth": "A1",
		"interpreter_language": "JP"}), 400).fields(t)
	if !slices.Contains(fields, "booth") || !slices.Contains(fields, "interpreter_language") {
		t.Fatalf("fields %v", fields)
	}
	e.must(e.do("POST", path, e.organiser, map[string]any{"organisation_id": "nope"}), 400)
	reg := e.must(e.do("POST", path, buyTok, map[string]any{"organisation_id": buy, "interpreter_language": "JP"}, "If-Match", `"2"`), 201)
	e.must(e.do("POST", "/v1/events/"+fairID+"/registrations", e.organiser, map[string]any{"organisation_id": other, "booth": "A1"}), 201)
	e.must(e.do("POST", "/v1/events/"+fairID+"/registrations", e.organiser, map[string]any{"organisation_id": sup, "booth": "A1"}), 409)

	// The buyer sees who takes part, not the supplier's hours or SME flag.
	after := fmt.Sprintf("?after=%d", reg.num(t, "position"))
	seen := decode[conferences.Event](t, e.must(e.read("/v1/events/"+event+after, buyTok), 200))
	if len(seen.Registrations) != 2 || seen.Registrations[0].Name != "Nhựa Tiền Phong" || seen.Registrations[0].Role != "supplier" ||
		seen.Registrations[0].SME || seen.Registrations[0].Unavailable != nil || seen.Registrations[1].InterpreterLanguage != "JP" {
		t.Fatalf("buyer's view %+v", seen.Registrations)
	}
	full := decode[conferences.Event](t, e.must(e.read("/v1/events/"+event+after, e.organiser), 200))
	if !full.Registrations[0].SME || len(full.Registrations[0].Unavailable) != 1 {
		t.Fatalf("organiser's view %+v", full.Registrations)
	}

	e.must(e.do("DELETE", path+"/"+sup, otherTok, nil), 403)
	e.must(e.do("DELETE", path+"/"+other, e.organiser, nil), 404)
	e.must(e.do("DELETE", path+"/"+sup, supTok, nil), 200)
	e.must(e.do("DELETE", path+"/"+sup, supTok, nil), 404)
	e.must(e.do("DELETE", path+"/"+sup, "", nil), 401)
}

func TestInterpreters(t *testing.T) {
	t.Parallel()
	e := newClockEnv(t, &clock{t: eventStart.AddDate(0, -1, 0)})
	event := e.newEvent("Hội nghị")
	_, supTok := e.signup("supplier", supplierBody("Điện Quang"))
	path := "/v1/events/" + event + "/interpreters"
	if r := e.must(e.do("POST", path, e.organiser, map[string]any{"language": "JP", "count": 4}), 200); r.num(t, "version") != 2 {
		t.Fatalf("answer %s", r.body)
	}
	e.must(e.do("POST", path, supTok, map[string]any{"language": "JP", "count": 4}), 403)
	if f := e.must(e.do("POST", path, e.organiser, map[string]any{"language": "FR", "count": -1}), 400).fields(t); !slices.Equal(f, []string{"language", "count"}) {
		t.Fatalf("fields %v", f)
	}
	e.must(e.do("POST", path, e.organiser, map[string]any{"language": "KR"}), 400)
	e.must(e.do("POST", "/v1/events/0193a1f2-0000-7000-8000-000000000000/interpreters", e.organiser, map[string]any{"language": "KR", "count": 1}), 404)
}

func TestMeetingRequests(t *testing.T) {
	t.Parallel()
	e := newClockEnv(t, &clock{t: eventStart.AddDate(0, -1, 0)})
	event := e.newEvent("Hội nghị")
	s1, s1Tok := e.signup("supplier", supplierBody("Cơ khí Hà Nội"))
	s2, s2Tok := e.signup("supplier", supplierBody("Cơ khí Thăng Long"))
	b1, b1Tok := e.signup("buyer", buyerBody("Canon Vietnam"))
	for _, org := range []string{s1, s2, b1} {
		e.register(event, org)
	}
	path := "/v1/events/" + event + "/meeting-requests"

	r1 := e.must(e.do("POST", path, s1Tok, map[string]any{"from": s1, "to": b1}), 201).str(t, "id")
	e.must(e.do("POST", path, s1Tok, map[string]any{"supplier_id": s1, "buyer_id": b1}), 409) // already open
	e.must(e.do("POST", path, s1Tok, map[string]any{"from": s2, "to": b1}), 403)
	e.must(e.do("POST", path, s1Tok, map[string]any{"from": s1, "to": s2}), 400) // same side
	e.must(e.do("POST", path, s1Tok, map[string]any{"from": s1, "supplier_id": s1, "buyer_id": b1}), 400)
	e.must(e.do("POST", path, s1Tok, map[string]any{"from": s1}), 400)
	e.must(e.do("POST", path, s1Tok, map[string]any{"from": s1, "to": b1, "demand_id": "x"}), 400)
	r2 := e.must(e.do("POST", path, b1Tok, map[string]any{"supplier_id": s2, "buyer_id": b1}), 201) // the buyer asks
	r2ID := r2.str(t, "id")

	e.must(e.do("POST", path+"/"+r1+"/accept", s2Tok, nil), 404) // not its request
	e.must(e.do("POST", path+"/"+r1+"/accept", s1Tok, nil), 403) // the requester cannot accept
	e.must(e.do("POST", path+"/"+r1+"/accept", b1Tok, nil), 200)
	e.must(e.do("POST", path+"/"+r1+"/decline", b1Tok, nil), 409) // already accepted
	e.must(e.do("POST", path+"/"+r2ID+"/decline", s2Tok, map[string]any{"reason": "Không đủ năng lực"}), 200)
	e.must(e.do("POST", path+"/"+r2ID+"/decline", s2Tok, map[string]any{"why": "x"}), 400)
	e.must(e.do("POST", path+"/0193a1f2-0000-7000-8000-000000000000/accept", e.organiser, nil), 404)

	last := e.must(e.do("POST", path, e.organiser, map[string]any{"supplier_id": s2, "buyer_id": b1}), 201)
	list := decode[struct{ Requests []conferences.Request }](t, e.must(e.read(fmt.Sprintf("%s?after=%d", path, last.num(t, "position")), s1Tok), 200))
	if len(list.Requests) != 1 || list.Requests[0].ID.String() != r1 || list.Requests[0].Status != "accepted" {
		t.Fatalf("s1 sees %+v", list.Requests)
	}
	list = decode[struct{ Requests []conferences.Request }](t, e.must(e.read(path, e.organiser), 200))
	if len(list.Requests) != 3 || list.Requests[1].Status != "declined" || list.Requests[1].Reason != "Không đủ năng lực" ||
		list.Requests[1].RequestedBy.String() != b1 || list.Requests[2].RequestedBy.String() != s2 {
		t.Fatalf("organiser sees %+v", list.Requests)
	}
}

package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/api"
	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/migrations/dbtest"
	"github.com/keylink/keylink/projections"
)

// benchServer serves the API on pool with the store configured by cfg. Its
// projections do not run: the commands measured need no read model.
func benchServer(b *testing.B, pool *pgxpool.Pool, cfg eventstore.Config) (string, *eventstore.Store) {
	b.Helper()
	codec, err := projections.Registry()
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Registry, cfg.Logger = codec, log
	store, err := eventstore.New(pool, cfg)
	if err != nil {
		b.Fatal(err)
	}
	proj, err := projector.New(store, projector.Config{}, projections.All()...)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := api.New(api.Config{Store: store, Projector: proj, Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	return ts.URL, store
}

// benchConference appends, straight to the store, an event that ended
// yesterday with suppliers and buyers registered (as many of each as firms/2),
// meetings meetings proposed with unscheduled candidates beside them and
// then published, and extra outcome events after that. It returns the ids
// of the published meetings.
func benchConference(b *testing.B, store *eventstore.Store, firms, meetings, unscheduled, extra int) (uuid.UUID, []uuid.UUID) {
	b.Helper()
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	st := eventstore.StreamOf(conference.StreamType, id)
	start := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Hour)
	d := conference.Details{Kind: conference.KindConference, Name: "Benchmark fair", Venue: "Hà Nội",
		StartsAt: start, EndsAt: start.Add(9 * time.Hour), SlotMinutes: 30, Tables: 200, MaxMeetingsPerParticipant: 20}
	appendAll := func(evs []domain.Event) {
		for len(evs) > 0 {
			n := min(len(evs), 500)
			if _, err := store.Append(ctx, st, eventstore.Any, evs[:n]...); err != nil {
				b.Fatal(err)
			}
			evs = evs[n:]
		}
	}
	evs := []domain.Event{conference.EventCreated{EventID: id, Details: d}}
	sup, buy := make([]uuid.UUID, max(firms/2, 1)), make([]uuid.UUID, max(firms/2, 1))
	for i := range sup {
		sup[i], buy[i] = uuid.New(), uuid.New()
		evs = append(evs,
			conference.FirmRegistered{EventID: id, Registration: conference.Registration{OrganisationID: sup[i], Role: conference.Supplier, SME: i%3 == 0}},
			conference.FirmRegistered{EventID: id, Registration: conference.Registration{OrganisationID: buy[i], Role: conference.Buyer}})
	}
	ms := make([]conference.Meeting, meetings)
	ids := make([]uuid.UUID, meetings)
	for i := range ms {
		slot := i % 18
		ids[i] = uuid.Must(uuid.NewV7())
		ms[i] = conference.Meeting{ID: ids[i], Slot: slot, StartsAt: start.Add(time.Duration(slot) * 30 * time.Minute),
			EndsAt: start.Add(time.Duration(slot+1) * 30 * time.Minute), Table: i/18 + 1,
			SupplierID: sup[i%len(sup)], BuyerID: buy[(i/len(sup)+i)%len(buy)], DemandID: uuid.New(), Score: 50 + i%50}
	}
	un := make([]conference.Unscheduled, unscheduled)
	for i := range un {
		un[i] = conference.Unscheduled{SupplierID: sup[i%len(sup)], BuyerID: buy[(i*7)%len(buy)], DemandID: uuid.New(),
			Score: i % 100, Reason: "capacity"}
	}
	evs = append(evs, conference.ScheduleProposed{EventID: id, Meetings: ms, Unscheduled: un, Floor: 1,
		Objective: 1000, Bound: 1100, ScoreBound: 1200, ProposedAt: start.Add(-24 * time.Hour)},
		conference.SchedulePublished{EventID: id, Meetings: slices.Clone(ms)})
	for i := range extra {
		m := ms[i%len(ms)]
		evs = append(evs, conference.MeetingOutcomeRecorded{EventID: id, MeetingID: m.ID, SupplierID: m.SupplierID,
			BuyerID: m.BuyerID, Outcome: conference.Outcome{Status: conference.Held, Result: conference.ResultNone}})
	}
	appendAll(evs)
	return id, ids
}

// BenchmarkOutcomeCommand measures POST /v1/events/{id}/meetings/{mid}/outcome
// through HTTP on an event whose stream is new (a few events), has 5,000
// events, or holds a large proposal (1,200 firms, 6,000 meetings proposed
// and published, 24,000 unscheduled candidates: 7-8 MB of JSON), with the
// aggregate cache (the default), with snapshots only (every command as after
// a restart), and with neither (every command reads and decodes the whole
// stream, as before). It reports the median and the 90th percentile.
func BenchmarkOutcomeCommand(b *testing.B) {
	pool := dbtest.New(b)
	codec, err := projections.Registry()
	if err != nil {
		b.Fatal(err)
	}
	setup, err := eventstore.New(pool, eventstore.Config{Registry: codec})
	if err != nil {
		b.Fatal(err)
	}
	type stream struct {
		id       uuid.UUID
		meetings []uuid.UUID
	}
	token, err := api.IssueToken(context.Background(), execer{pool}, api.Principal{Role: api.RoleOrganiser, Name: "bench"}, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name string
		cfg  eventstore.Config
	}{
		{"cache", eventstore.Config{}},
		{"snapshots-only", eventstore.Config{AggregateCacheBytes: -1, SnapshotEvery: 1 << 30}},
		{"neither", eventstore.Config{AggregateCacheBytes: -1, SnapshotEvery: -1}},
	} {
		// Fresh streams for each mode: commands add events to them.
		streams := map[string]stream{}
		for name, shape := range map[string][4]int{
			"new":            {2, 1, 0, 0},
			"history=5000":   {2, 1, 0, 4996},
			"large-proposal": {1200, 6000, 24000, 0},
		} {
			id, ms := benchConference(b, setup, shape[0], shape[1], shape[2], shape[3])
			streams[name] = stream{id, ms}
		}
		var size int64
		if err := pool.QueryRow(context.Background(), `SELECT sum(length(payload::text)) FROM events WHERE stream_id = $1`,
			eventstore.StreamOf(conference.StreamType, streams["large-proposal"].id).Name()).Scan(&size); err != nil {
			b.Fatal(err)
		}
		if mode.name == "snapshots-only" {
			// A snapshot of each stream, as a server stores them.
			url, _ := benchServer(b, pool, eventstore.Config{AggregateCacheBytes: -1, SnapshotEvery: 1})
			for _, s := range streams {
				outcome(b, url, token, s.id, s.meetings[0])
			}
		}
		url, _ := benchServer(b, pool, mode.cfg)
		for _, name := range []string{"new", "history=5000", "large-proposal"} {
			s := streams[name]
			b.Run(mode.name+"/"+name, func(b *testing.B) {
				post := func(i int) time.Duration {
					return outcome(b, url, token, s.id, s.meetings[i%len(s.meetings)])
				}
				post(0) // warm: the first command loads the stream
				took := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for i := range b.N {
					took = append(took, post(i+1))
				}
				b.StopTimer()
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(took[len(took)*9/10].Microseconds())/1000, "p90-ms")
				if name == "large-proposal" {
					b.ReportMetric(float64(size)/(1<<20), "stream-MiB")
				}
			})
		}
	}
}

// outcome records that meeting mid of event id was held, and returns how
// long the request took.
func outcome(b *testing.B, url, token string, id, mid uuid.UUID) time.Duration {
	path := fmt.Sprintf("%s/v1/events/%s/meetings/%s/outcome", url, id, mid)
	req, _ := http.NewRequest("POST", path, strings.NewReader(`{"status":"held","result":"none"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	t0 := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("%d %s", res.StatusCode, body)
	}
	return time.Since(t0)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/matching"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/migrations/dbtest"
)

func defaultSeed() seedOptions {
	return seedOptions{Suppliers: 300, Buyers: 60, Events: 2, Seed: 1, Year: 2027}
}

func TestSeedLoadsThroughTheAPIAndIfEmptyWritesNothing(t *testing.T) {
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("LOG_LEVEL", "error")
	ctx := context.Background()

	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"seed", "--suppliers", "20", "--buyers", "5", "--seed", "7"}, &out, &errOut); code != 0 {
		t.Fatalf("seed: exit %d: %s", code, errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("seed printed to stdout: %q", out.String())
	}
	summary := errOut.String()
	if !strings.HasPrefix(summary, "keylink seed: loaded 20 suppliers") || strings.Count(summary, "\n") != 1 {
		t.Errorf("summary = %q, want one line starting with the counts", summary)
	}

	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	got := eventCounts(t, pool)

	plan := planSeed(seedOptions{Suppliers: 20, Buyers: 5, Events: 2, Seed: 7, Year: time.Now().Year() + 1, Past: pastStart(time.Now())})
	want := map[string]int{"SupplierRegistered": 20, "BuyerRegistered": 5}
	for _, s := range plan.Suppliers {
		want["CapabilityDeclared"] += len(s.Capabilities)
		want["KeyProductRecognised"] += len(s.KeyProducts)
	}
	for _, b := range plan.Buyers {
		want["DemandPosted"] += len(b.Demands)
	}
	if !strings.Contains(summary, "events skipped") {
		want["ConferenceEventCreated"] = 3 // the conference, the fair, the past conference
		for _, e := range append(plan.Events, *plan.Past) {
			want["ConferenceFirmRegistered"] += len(e.Registrations)
		}
		// Schedules: the conference and the past one published, the
		// fair's proposed; the past one has outcomes.
		want["ConferenceScheduleProposed"], want["ConferenceSchedulePublished"] = 3, 2
		if got["ConferenceMeetingOutcomeRecorded"] == 0 || got["ConferenceMeetingFeedbackGiven"] == 0 ||
			got["ConferenceInterpreterDeclared"] == 0 {
			t.Errorf("the past event has no outcomes or feedback, or nobody needs an interpreter: %v", got)
		}
		if !strings.Contains(summary, "meetings scheduled") || !strings.Contains(summary, "demo supplier user "+demoSupplierEmail) ||
			!strings.Contains(summary, "demo buyer user "+demoBuyerEmail) {
			t.Errorf("summary %q does not count the meetings", summary)
		}
	}
	for typ, n := range want {
		if got[typ] != n {
			t.Errorf("%s events: got %d, want %d", typ, got[typ], n)
		}
	}
	if want["KeyProductRecognised"] == 0 || want["ConferenceFirmRegistered"] == 0 && want["ConferenceEventCreated"] > 0 {
		t.Errorf("the small dataset lacks recognitions or registrations: %v", want)
	}

	rows, err := pool.Query(ctx, `SELECT payload->>'name' FROM events WHERE type = 'SupplierRegistered'`)
	if err != nil {
		t.Fatal(err)
	}
	names := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names++
		if !hasDiacritics(name) {
			t.Errorf("supplier name %q has no Vietnamese diacritics", name)
		}
	}
	if rows.Err() != nil || names != 20 {
		t.Fatalf("read %d names: %v", names, rows.Err())
	}

	before := total(got)
	out.Reset()
	errOut.Reset()
	if code := run(ctx, []string{"seed", "--if-empty"}, &out, &errOut); code != 0 {
		t.Fatalf("seed --if-empty: exit %d: %s", code, errOut.String())
	}
	if after := total(eventCounts(t, pool)); after != before {
		t.Errorf("seed --if-empty on a seeded database wrote %d events", after-before)
	}
	if !strings.Contains(errOut.String(), "nothing loaded") || out.Len() != 0 {
		t.Errorf("seed --if-empty said %q on stderr, %q on stdout", errOut.String(), out.String())
	}
}

func TestSeedIfEmptyLoadsAnEmptyDatabase(t *testing.T) {
	t.Setenv("DATABASE_URL", dbtest.URL(t))
	t.Setenv("LOG_LEVEL", "error")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"seed", "--if-empty", "--suppliers", "3", "--buyers", "2", "--events", "0"}, &out, &errOut)
	if code != 0 || !strings.Contains(errOut.String(), "loaded 3 suppliers") {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}

func eventCounts(t *testing.T, pool *pgxpool.Pool) map[string]int {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT type, count(*) FROM events GROUP BY type`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var typ string
		var n int
		if err := rows.Scan(&typ, &n); err != nil {
			t.Fatal(err)
		}
		out[typ] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func hasDiacritics(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func TestSeedFlags(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"seed", "--suppliers", "-1"}, 2},
		{[]string{"seed", "--buyers", "x"}, 2},
		{[]string{"seed", "--events", "21"}, 2},
		{[]string{"seed", "--seed", "-3"}, 2},
		{[]string{"seed", "--bogus"}, 2},
		{[]string{"seed", "extra"}, 2},
		{[]string{"seed", "--help"}, 0},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tc.args, &out, &errOut)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tc.args, code, tc.code, errOut.String())
		}
		if code == 2 && strings.Count(strings.TrimRight(errOut.String(), "\n"), "\n") != 0 {
			t.Errorf("%v: stderr is not one line: %q", tc.args, errOut.String())
		}
		if code == 0 && !strings.Contains(out.String(), "--suppliers") {
			t.Errorf("%v: help is %q", tc.args, out.String())
		}
	}
}

func TestSeedPlanIsDeterministic(t *testing.T) {
	a, _ := json.Marshal(planSeed(defaultSeed()))
	b, _ := json.Marshal(planSeed(defaultSeed()))
	if !bytes.Equal(a, b) {
		t.Fatal("two plans with the same options differ")
	}
	o := defaultSeed()
	o.Seed = 2
	c, _ := json.Marshal(planSeed(o))
	if bytes.Equal(a, c) {
		t.Fatal("seeds 1 and 2 give the same plan")
	}
}

func TestSeedPlanBodiesAreValid(t *testing.T) {
	plan := planSeed(defaultSeed())
	taxCodes, names := map[string]bool{}, map[string]bool{}
	for _, s := range plan.Suppliers {
		p := s.Profile
		if taxCodes[p.TaxCode] || !domain.ValidTaxCode(p.TaxCode) || len(p.TaxCode) != 10 {
			t.Errorf("tax code %q repeated or not 10 digits", p.TaxCode)
		}
		taxCodes[p.TaxCode] = true
		if names[p.Name] {
			t.Errorf("firm name %q repeated", p.Name)
		}
		names[p.Name] = true
		sup, err := supplier.Register(uuid.New(), p)
		if err != nil {
			t.Fatalf("supplier %q: %v", p.Name, err)
		}
		for _, c := range s.Capabilities {
			if err := sup.DeclareCapability(uuid.New(), c); err != nil {
				t.Errorf("%q capability %q: %v", p.Name, c.Title, err)
			}
		}
		for _, k := range s.KeyProducts {
			if err := sup.RecogniseKeyProduct(k); err != nil {
				t.Errorf("%q key product %v: %v", p.Name, k, err)
			}
		}
	}
	for _, b := range plan.Buyers {
		if names[b.Profile.Name] {
			t.Errorf("firm name %q repeated", b.Profile.Name)
		}
		names[b.Profile.Name] = true
		buy, err := buyer.Register(uuid.New(), b.Profile)
		if err != nil {
			t.Fatalf("buyer %q: %v", b.Profile.Name, err)
		}
		for _, d := range b.Demands {
			if err := buy.PostDemand(uuid.New(), d); err != nil {
				t.Errorf("%q demand %q: %v", b.Profile.Name, d.Title, err)
			}
		}
	}
	if len(plan.Events) != 2 || plan.Events[0].Details.Kind != "conference" || plan.Events[1].Details.Kind != "fair" {
		t.Fatalf("events: %+v", plan.Events)
	}
	for _, e := range plan.Events {
		d := e.Details
		err := conference.Details{Kind: conference.Kind(d.Kind), Name: d.Name, Venue: d.Venue, StartsAt: d.StartsAt, EndsAt: d.EndsAt,
			SlotMinutes: d.SlotMinutes, Tables: d.Tables, MaxMeetingsPerParticipant: d.MaxMeetingsPerParticipant}.Validate()
		if err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
		booths := map[string]bool{}
		for _, r := range e.Registrations {
			if booths[r.Booth] && r.Booth != "" {
				t.Errorf("%s: booth %s twice", d.Name, r.Booth)
			}
			booths[r.Booth] = true
		}
	}
}

// TestSeedPlanUsesCurrentWards: every demo supplier, and every buyer with a
// district, is in a real ward or commune of its former district.
func TestSeedPlanUsesCurrentWards(t *testing.T) {
	plan := planSeed(defaultSeed())
	check := func(name, district, ward string) {
		t.Helper()
		w, ok := domain.LookupWard(ward)
		if !ok || w.FullName() != ward || matching.Fold(w.FormerDistrict) != matching.Fold(district) {
			t.Errorf("%q in former %s: ward %q (former %s)", name, district, ward, w.FormerDistrict)
		}
	}
	wards := map[string]bool{}
	for _, s := range plan.Suppliers {
		check(s.Profile.Name, s.Profile.District, s.Profile.Ward)
		wards[s.Profile.Ward] = true
	}
	for _, b := range plan.Buyers {
		if b.Profile.District != "" || b.Profile.Ward != "" {
			check(b.Profile.Name, b.Profile.District, b.Profile.Ward)
		}
	}
	if len(wards) < 30 {
		t.Errorf("suppliers in only %d wards", len(wards))
	}
	for name, want := range map[string]string{"Canon Vietnam Co., Ltd.": "Xã Thiên Lộc", "Công ty CP Vicostone": "Xã Hòa Lạc"} {
		found := false
		for _, b := range plan.Buyers {
			found = found || (b.Profile.Name == name && b.Profile.Ward == want)
		}
		for _, s := range plan.Suppliers {
			found = found || (s.Profile.Name == name && s.Profile.Ward == want)
		}
		if !found {
			t.Errorf("%s is not in %s", name, want)
		}
	}
}

// TestSeedPlanIsRealistic checks the default dataset against the city's
// figures: group proportions, about 30% recognised firms, sector-fitting
// certificates, buyers from the main investor countries, and demands that
// some supplier can serve.
func TestSeedPlanIsRealistic(t *testing.T) {
	plan := planSeed(defaultSeed())
	if len(plan.Suppliers) != 300 || len(plan.Buyers) != 60 {
		t.Fatalf("%d suppliers, %d buyers", len(plan.Suppliers), len(plan.Buyers))
	}
	byGroup := map[domain.IndustryGroup]int{}
	recognised := 0
	for _, s := range plan.Suppliers {
		byGroup[s.Group]++
		if len(s.KeyProducts) > 0 {
			recognised++
		}
		for _, k := range s.KeyProducts {
			if k.RecognizedYear < 2018 || k.RecognizedYear > 2024 || !strings.HasSuffix(k.DecisionNo, "/QĐ-UBND") {
				t.Errorf("recognition %+v", k)
			}
		}
		for _, c := range s.Capabilities {
			for _, cert := range c.Certifications {
				if fit, ok := certGroups[strings.SplitN(cert.Standard, ":", 2)[0]]; ok && !slices.Contains(fit, c.IndustryGroup) {
					t.Errorf("%s holds %s for %s", s.Profile.Name, cert.Standard, c.IndustryGroup)
				}
			}
		}
	}
	order := []domain.IndustryGroup{domain.Mechanical, domain.ElectricalElectronics, domain.ChemRubberPlasticPharma,
		domain.TextileLeather, domain.AgriFood, domain.BuildingMaterials, domain.IT, domain.Handicrafts}
	for i, g := range order {
		if byGroup[g] == 0 || i > 0 && byGroup[g] > byGroup[order[i-1]] {
			t.Errorf("group sizes out of order: %v", byGroup)
		}
	}
	if recognised < 80 || recognised > 100 {
		t.Errorf("%d of 300 suppliers recognised, want about 30%%", recognised)
	}
	small := planSeed(seedOptions{Suppliers: 20, Buyers: 5, Seed: 7, Year: 2027})
	seen := map[domain.IndustryGroup]bool{}
	for _, s := range small.Suppliers {
		seen[s.Group] = true
	}
	if len(seen) != 8 {
		t.Errorf("20 suppliers cover %d groups, want all 8", len(seen))
	}

	countries := map[string]bool{}
	for _, b := range plan.Buyers {
		countries[b.Profile.Country] = true
		if len(b.Demands) < 1 || len(b.Demands) > 4 {
			t.Errorf("%s posts %d demands", b.Profile.Name, len(b.Demands))
		}
		for _, d := range b.Demands {
			if !servable(plan, d) {
				t.Errorf("no supplier can serve %s's %q", b.Profile.Name, d.Title)
			}
		}
	}
	for _, c := range []string{"JP", "KR", "TW", "CN", "SG", "US"} {
		if !countries[c] {
			t.Errorf("no buyer from %s", c)
		}
	}
	if !countries["DE"] && !countries["FR"] && !countries["NL"] {
		t.Error("no buyer from the EU")
	}
	for _, std := range []string{"IATF 16949", "ISO 13485", "HACCP", "ISO 22000", "GMP-WHO"} {
		if !plannedStandard(plan, std) {
			t.Errorf("nobody holds %s", std)
		}
	}
}

// certGroups lists where sector certificates belong.
var certGroups = map[string][]domain.IndustryGroup{
	"IATF 16949": {domain.Mechanical, domain.ElectricalElectronics, domain.ChemRubberPlasticPharma},
	"ISO 13485":  {domain.ElectricalElectronics, domain.ChemRubberPlasticPharma, domain.TextileLeather},
	"HACCP":      {domain.AgriFood},
	"ISO 22000":  {domain.AgriFood, domain.ChemRubberPlasticPharma},
	"GMP-WHO":    {domain.ChemRubberPlasticPharma},
	"WRAP":       {domain.TextileLeather},
}

// servable reports whether some capability has the demand's group and unit
// and every required certificate, valid on needed_by.
func servable(plan seedPlan, d buyer.Demand) bool {
	for _, s := range plan.Suppliers {
		for _, c := range s.Capabilities {
			if c.IndustryGroup != d.IndustryGroup || c.Capacity.Unit != d.Volume.Unit {
				continue
			}
			ok := true
			for _, req := range d.RequiredCertifications {
				ok = ok && slices.ContainsFunc(c.Certifications, func(x supplier.CertificationInput) bool {
					return strings.HasPrefix(strings.Replace(x.Standard, "ISO/IEC ", "ISO ", 1), req) &&
						(d.NeededBy == "" || x.ValidUntil >= d.NeededBy)
				})
			}
			if ok {
				return true
			}
		}
	}
	return false
}

func plannedStandard(plan seedPlan, std string) bool {
	for _, s := range plan.Suppliers {
		for _, c := range s.Capabilities {
			if holds(c, std) {
				return true
			}
		}
	}
	return false
}

func TestSeedCatalogueIsConsistent(t *testing.T) {
	keys := map[string]bool{}
	for _, p := range products {
		if keys[p.key] {
			t.Errorf("product %s twice", p.key)
		}
		keys[p.key] = true
		if !p.group.Valid() || !p.unit.Valid() || len(p.wants) == 0 || len(p.trades) == 0 || p.core > len(p.processes) ||
			(p.vsic != "" && !domain.ValidVSIC(p.vsic)) {
			t.Errorf("product %s is incomplete", p.key)
		}
		for _, hs := range p.hs {
			if _, ok := domain.NormalizeHSCode(hs); !ok {
				t.Errorf("product %s: HS %q", p.key, hs)
			}
		}
	}
	refs := func(where string, ks ...string) {
		for _, k := range ks {
			k, _, _ = strings.Cut(k, ":")
			if !keys[k] {
				t.Errorf("%s names unknown product %q", where, k)
			}
		}
	}
	for name, a := range archetypes {
		refs("archetype "+name, a.products...)
	}
	for k, also := range alsoMakes {
		refs("alsoMakes", append([]string{k}, also...)...)
	}
	for _, a := range anchors {
		refs(a.name, a.products...)
	}
	for _, b := range namedBuyers {
		if _, ok := archetypes[b.archetype]; !ok {
			t.Errorf("%s: archetype %q", b.name, b.archetype)
		}
	}
	for y := 2018; y <= 2024; y++ {
		if recognitionDecision[y] == "" {
			t.Errorf("no decision for %d", y)
		}
	}
}

func TestSeedLoaderSkipsEventsWhenTheEndpointsAreMissing(t *testing.T) {
	plan := planSeed(seedOptions{Suppliers: 2, Buyers: 1, Events: 2, Seed: 3, Year: 2027})
	for _, code := range []int{http.StatusNotFound, http.StatusMethodNotAllowed} {
		l := &seedLoader{h: fakeAPI(code), log: slog.New(slog.DiscardHandler)}
		if err := l.load(context.Background(), plan); err != nil {
			t.Fatalf("%d: %v", code, err)
		}
		if !l.eventsSkipped || l.events != 0 || l.suppliers != 2 || !strings.Contains(l.summary(time.Second), "events skipped") {
			t.Errorf("%d: skipped %v, %d events, %d suppliers", code, l.eventsSkipped, l.events, l.suppliers)
		}
	}
	l := &seedLoader{h: fakeAPI(http.StatusCreated), log: slog.New(slog.DiscardHandler)}
	if err := l.load(context.Background(), plan); err != nil || l.requests != plan.requests() || l.events != 2 ||
		l.registrations != len(plan.Events[0].Registrations)+len(plan.Events[1].Registrations) || l.position != int64(l.requests) {
		t.Errorf("all accepted: %v, %d of %d requests, %d events, %d registrations, position %d",
			err, l.requests, plan.requests(), l.events, l.registrations, l.position)
	}
	l = &seedLoader{h: fakeAPI(http.StatusBadRequest), log: slog.New(slog.DiscardHandler)}
	err := l.load(context.Background(), plan)
	if err == nil || !strings.Contains(err.Error(), "POST /v1/events: 400") || !strings.Contains(err.Error(), "bad starts_at") {
		t.Errorf("a 400 on an event gave %v, want an error with the answer's body", err)
	}
}

// fakeAPI accepts every command but POST /v1/events, which it answers
// with code.
func fakeAPI(code int) http.Handler {
	pos := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/events" && code != http.StatusCreated {
			w.WriteHeader(code)
			w.Write([]byte(`{"title":"no","detail":"bad starts_at"}`))
			return
		}
		pos++
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":%q,"version":1,"position":%d}`, uuid.New(), pos)
	})
}

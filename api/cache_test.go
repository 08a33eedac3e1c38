package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/keylink/keylink/api"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/projections"
)

// fresh loads stream's aggregate, of agg's type, from the store alone, up
// to version upto (0: all).
func fresh(t *testing.T, store *eventstore.Store, st eventstore.Stream, like eventstore.Aggregate, upto int64) eventstore.Aggregate {
	t.Helper()
	agg := reflect.New(reflect.TypeOf(like).Elem()).Interface().(eventstore.Aggregate)
	recs, err := store.ReadStream(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if upto > 0 && int64(len(recs)) > upto {
		recs = recs[:upto]
	}
	for _, r := range recs {
		if r.Event != nil {
			agg.Apply(r.Event)
		}
	}
	if len(recs) > 0 {
		agg.Loaded(recs[len(recs)-1].Version)
	}
	return agg
}

// checkCache compares every aggregate store's cache holds with one loaded
// afresh from the events, and returns how many it compared.
func checkCache(t *testing.T, store *eventstore.Store) int {
	t.Helper()
	n := 0
	for _, st := range store.Aggregates().Streams() {
		agg, version, ok := store.Aggregates().Peek(st)
		if !ok {
			continue
		}
		want := fresh(t, store, st, agg, version)
		if version != want.Version() || agg.Version() != version {
			t.Errorf("%s: cached at %d (aggregate says %d), stream at %d", st.Name(), version, agg.Version(), want.Version())
		}
		if len(agg.Changes()) != 0 {
			t.Errorf("%s: cached with %d changes", st.Name(), len(agg.Changes()))
		}
		if path, ok := sameState(reflect.ValueOf(agg), reflect.ValueOf(want), st.Type); !ok {
			t.Errorf("cached aggregate differs from the stored stream at %s", path)
		}
		n++
	}
	return n
}

var timeType = reflect.TypeFor[time.Time]()

// exposed returns v, addressable and readable even when reached through
// unexported fields, for the comparison below.
func exposed(v reflect.Value) reflect.Value {
	if !v.CanAddr() {
		c := reflect.New(v.Type()).Elem()
		if v.CanInterface() {
			c.Set(v)
			return c
		}
		panic("exposed: value neither addressable nor readable")
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// sameState compares two aggregate states: times as instants, nil and empty
// slices and maps alike (a command's event and the same event decoded from
// JSON may differ so); it returns the path of the first difference.
func sameState(a, b reflect.Value, path string) (string, bool) {
	a, b = exposed(a), exposed(b)
	if a.Type() == timeType {
		return path, a.Interface().(time.Time).Equal(b.Interface().(time.Time))
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return path, a.IsNil() == b.IsNil()
		}
		if a.Kind() == reflect.Interface && a.Elem().Type() != b.Elem().Type() {
			return path, false
		}
		return sameState(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			if p, ok := sameState(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); !ok {
				return p, false
			}
		}
		return path, true
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s (length %d, want %d)", path, a.Len(), b.Len()), false
		}
		for i := range a.Len() {
			if p, ok := sameState(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return path, true
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s (%d keys, want %d)", path, a.Len(), b.Len()), false
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				return fmt.Sprintf("%s[%v] (missing)", path, k), false
			}
			if p, ok := sameState(a.MapIndex(k), bv, fmt.Sprintf("%s[%v]", path, k)); !ok {
				return p, false
			}
		}
		return path, true
	case reflect.Func:
		return path, a.IsNil() == b.IsNil()
	}
	return path, a.Equal(b)
}

// After random command sequences every cached aggregate equals the one its
// stored events give, and conferences snapshot to the same state.
func TestCachedAggregatesEqualStoredOnes(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	e := newEnv(t)
	w := newRandomWorld(e, rand.NewPCG(seed, seed>>7))
	for range 200 {
		w.step()
	}
	t.Logf("%d commands: %v", w.operations, w.statuses)
	n := checkCache(t, e.store)
	// A rejected command drops the aggregate it took out (its state may
	// hold the refused change), so a firm whose last command was refused
	// is not cached: most firms are.
	if firms := len(w.suppliers) + len(w.buyers); n < firms/2 {
		t.Errorf("%d aggregates cached, fewer than half the %d firms", n, firms)
	}
	conferences := 0
	for _, st := range e.store.Aggregates().Streams() {
		agg, _, _ := e.store.Aggregates().Peek(st)
		c, ok := agg.(*conference.Conference)
		if !ok {
			continue
		}
		conferences++
		got, err := c.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := fresh(t, e.store, st, c, 0).(*conference.Conference).Snapshot()
		if string(got) != string(want) {
			t.Errorf("%s: snapshot of the cached aggregate differs:\n%s", st.Name(), firstDifference(string(want), string(got)))
		}
	}
	if conferences == 0 {
		t.Error("no conference cached")
	}
}

// Mutating a cached conference after its commands committed changes
// neither the stored events nor those decoded from them.
func TestCachedConferenceAliasesNoEvents(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ev := e.newEvent("Aliasing fair")
	sup, buy := e.newSupplier("Công ty Bí danh"), e.newBuyer("Alias Buyer KK")
	e.register(ev, sup, "unavailable", []map[string]any{
		{"from": eventStart.Format(time.RFC3339), "to": eventStart.Add(time.Hour).Format(time.RFC3339)}})
	e.register(ev, buy)
	st := eventstore.Stream{Type: conference.StreamType, ID: ev}
	decoded := func() string {
		recs, err := e.store.ReadStream(context.Background(), st)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(recs)
		return string(b)
	}
	before := decoded()
	agg, _, ok := e.store.Aggregates().Peek(st)
	if !ok {
		t.Fatal("the conference is not cached")
	}
	scribble(reflect.ValueOf(agg))
	if _, same := sameState(reflect.ValueOf(agg), reflect.ValueOf(fresh(t, e.store, st, agg, 0)), "conference"); same {
		t.Fatal("the comparison of aggregates is blind to the scribbles")
	}
	if after := decoded(); after != before {
		t.Fatalf("stored events changed with the cached aggregate:\n%s", firstDifference(before, after))
	}
}

// scribble overwrites every string, number and time reachable from v, in
// place (map values are replaced).
func scribble(v reflect.Value) {
	v = exposed(v)
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scribble(v.Elem())
		}
		return
	case reflect.Map:
		for _, k := range v.MapKeys() {
			c := reflect.New(v.Type().Elem()).Elem()
			c.Set(v.MapIndex(k))
			scribble(c)
			v.SetMapIndex(k, c)
		}
		return
	case reflect.Slice:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
		return
	}
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(time.Unix(1, 0)))
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			scribble(v.Field(i))
		}
	case v.Kind() == reflect.Array:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	case v.Kind() == reflect.String:
		v.SetString("scribbled")
	case v.CanInt():
		v.SetInt(-3)
	case v.CanFloat():
		v.SetFloat(-3)
	case v.Kind() == reflect.Bool:
		v.SetBool(!v.Bool())
	}
}

// Two servers on one database each cache the conference; each sees what
// the other appended, through the database's versions.
func TestCachedAggregatesSeeAnotherServer(t *testing.T) {
	t.Parallel()
	a := newEnv(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	codec, err := projections.Registry()
	if err != nil {
		t.Fatal(err)
	}
	store, err := eventstore.New(a.pool, eventstore.Config{Registry: codec, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	proj, err := projector.New(store, projector.Config{}, projections.All()...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Config{Store: store, Projector: proj, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	b := &env{t: t, url: ts.URL, organiser: a.organiser, pool: a.pool, store: store, srv: srv}

	ev := a.newEvent("Two servers fair")
	s1, s2 := a.newSupplier("Công ty Một"), a.newSupplier("Công ty Hai")
	a.register(ev, s1)
	b.register(ev, s2) // b loads the whole stream; a holds it one event behind
	// a must see b's registration: registering s2 again is a conflict.
	if r := a.do("POST", "/v1/events/"+ev+"/registrations", a.organiser, map[string]any{"organisation_id": s2}); r.status != 409 {
		t.Fatalf("a registered s2 a second time: %d %s", r.status, r.body)
	}
	s3 := a.newSupplier("Công ty Ba")
	a.register(ev, s3)
	if r := b.do("POST", "/v1/events/"+ev+"/registrations", b.organiser, map[string]any{"organisation_id": s3}); r.status != 409 {
		t.Fatalf("b registered s3 a second time: %d %s", r.status, r.body)
	}
	b.register(ev, a.newSupplier("Công ty Bốn"))
	if checkCache(t, a.store) == 0 || checkCache(t, b.store) == 0 {
		t.Fatal("nothing cached")
	}
	st := eventstore.Stream{Type: conference.StreamType, ID: ev}
	_, va, _ := a.store.Aggregates().Peek(st)
	_, vb, _ := b.store.Aggregates().Peek(st)
	if va != 4 || vb != 5 { // created, s1, s3 by a; s2, s4 by b
		t.Fatalf("a holds version %d, b %d", va, vb)
	}
}

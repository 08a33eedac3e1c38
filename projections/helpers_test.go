package projections_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/migrations/dbtest"
	"github.com/keylink/keylink/projections"
)

// env is one throwaway database with an event store on it.
type env struct {
	t     testing.TB
	pool  *pgxpool.Pool
	store *eventstore.Store
	last  int64 // global position of the last event appended
}

func newEnv(t testing.TB) *env {
	t.Helper()
	pool := dbtest.New(t)
	reg, err := projections.Registry()
	if err != nil {
		t.Fatal(err)
	}
	store, err := eventstore.New(pool, eventstore.Config{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, pool: pool, store: store}
}

// aggregate is what supplier.Supplier and buyer.Buyer share.
type aggregate interface {
	Apply(domain.Event)
	Loaded(int64)
	Version() int64
	Changes() []domain.Event
}

// update loads the aggregate of stream into a, runs cmd and appends what it
// recorded at the loaded version, like a command handler.
func (e *env) update(stream eventstore.Stream, a aggregate, cmd func() error) error {
	e.t.Helper()
	ctx := context.Background()
	recs, err := e.store.ReadStream(ctx, stream)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range recs {
		a.Apply(r.Event)
	}
	if len(recs) > 0 {
		a.Loaded(recs[len(recs)-1].Version)
	}
	if err := cmd(); err != nil {
		return err
	}
	e.append(stream, eventstore.ExpectedVersion(a.Version()), a.Changes()...)
	return nil
}

func (e *env) append(stream eventstore.Stream, v eventstore.ExpectedVersion, events ...domain.Event) {
	e.t.Helper()
	res, err := e.store.Append(context.Background(), stream, v, events...)
	if err != nil {
		e.t.Fatalf("append to %s: %v", stream.Name(), err)
	}
	e.last = res.Position
}

func (e *env) registerSupplier(id uuid.UUID, r supplier.Registration) {
	e.t.Helper()
	s, err := supplier.Register(id, r)
	if err != nil {
		e.t.Fatal(err)
	}
	e.append(eventstore.StreamOf(supplier.StreamType, id), eventstore.NoStream, s.Changes()...)
}

func (e *env) supplier(id uuid.UUID, cmd func(*supplier.Supplier) error) {
	e.t.Helper()
	s := &supplier.Supplier{}
	if err := e.update(eventstore.StreamOf(supplier.StreamType, id), s, func() error { return cmd(s) }); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) registerBuyer(id uuid.UUID, r buyer.Registration) {
	e.t.Helper()
	b, err := buyer.Register(id, r)
	if err != nil {
		e.t.Fatal(err)
	}
	e.append(eventstore.StreamOf(buyer.StreamType, id), eventstore.NoStream, b.Changes()...)
}

func (e *env) buyer(id uuid.UUID, cmd func(*buyer.Buyer) error) {
	e.t.Helper()
	b := &buyer.Buyer{}
	if err := e.update(eventstore.StreamOf(buyer.StreamType, id), b, func() error { return cmd(b) }); err != nil {
		e.t.Fatal(err)
	}
}

// rebuild replays every event into the projections.
func (e *env) rebuild(ps ...eventstore.Projection) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, p := range ps {
		if err := e.store.Rebuild(ctx, p, nil); err != nil {
			e.t.Fatalf("rebuild %s: %v", p.Name(), err)
		}
	}
}

// live runs the projections in a projector until the test ends and returns
// a function that waits until they have applied the last event appended.
func (e *env) live(ps ...eventstore.Projection) (wait func()) {
	e.t.Helper()
	pr, err := eventstore.NewProjector(e.store, eventstore.ProjectorConfig{PollInterval: 5 * time.Millisecond}, ps...)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pr.Run(ctx) }()
	e.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			e.t.Errorf("projector: %v", err)
		}
	})
	return func() {
		e.t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := pr.WaitFor(ctx, pr.Names(), e.last); err != nil {
			e.t.Fatalf("wait for position %d: %v (failing: %v)", e.last, err, pr.Failing())
		}
	}
}

func newID(t testing.TB) uuid.UUID {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func ptr[T any](v T) *T { return &v }

func date(t testing.TB, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// registration is a valid supplier profile; the tax code is derived from n.
func registration(n int, name, district string) supplier.Registration {
	return supplier.Registration{
		Name:      name,
		TaxCode:   fmt.Sprintf("01%08d", n),
		District:  district,
		Ownership: domain.Domestic,
		Contact:   domain.Contact{Name: "Nguyễn Văn An", Email: fmt.Sprintf("an%d@example.vn", n)},
	}
}

// capability is a valid capability with only the required fields.
func capability(title string, g domain.IndustryGroup) supplier.Capability {
	return supplier.Capability{
		Title:         title,
		IndustryGroup: g,
		Capacity:      domain.Rate{Quantity: 1000, Unit: domain.Pieces, Per: "month"},
		LeadTimeDays:  30,
	}
}

// wantFields checks that err is a *domain.ValidationError on exactly fields.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	var v *domain.ValidationError
	if !errors.As(err, &v) || !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("error = %v, want a *domain.ValidationError on %q", err, fields)
	}
	got := make([]string, len(v.Fields))
	for i, f := range v.Fields {
		got[i] = f.Field
	}
	if !reflect.DeepEqual(got, fields) {
		t.Errorf("invalid fields = %q, want %q", got, fields)
	}
}

// dump returns every row of the read-model tables as text, in a fixed order.
func dump(t testing.TB, pool *pgxpool.Pool, tables ...string) string {
	t.Helper()
	var b strings.Builder
	for _, table := range tables {
		rows, err := pool.Query(context.Background(),
			fmt.Sprintf(`SELECT to_jsonb(t)::text FROM %s t ORDER BY 1`, table))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "-- %s\n", table)
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s + "\n")
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

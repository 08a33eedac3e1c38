// Package projectionstest supports the read models' tests: a throwaway
// database with an event store (Env), commands run like a handler runs
// them, live and rebuilt projections, and a few valid fixtures. An Env
// belongs to one test; it is not safe for concurrent use.
package projectionstest

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
	"github.com/keylink/keylink/eventstore/projector"
	"github.com/keylink/keylink/migrations/dbtest"
	"github.com/keylink/keylink/projections"
)

// Env is one throwaway database with an event store on it.
type Env struct {
	T     testing.TB
	Pool  *pgxpool.Pool
	Store *eventstore.Store
	Last  int64 // global position of the last event appended
}

// NewEnv makes an Env dropped when t ends.
func NewEnv(t testing.TB) *Env {
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
	return &Env{T: t, Pool: pool, Store: store}
}

// Aggregate is what supplier.Supplier and buyer.Buyer share.
type Aggregate interface {
	Apply(domain.Event)
	Loaded(int64)
	Version() int64
	Changes() []domain.Event
}

// Update loads the aggregate of stream into a, runs cmd and appends what it
// recorded at the loaded version, like a command handler.
func (e *Env) Update(stream eventstore.Stream, a Aggregate, cmd func() error) error {
	e.T.Helper()
	ctx := context.Background()
	recs, err := e.Store.ReadStream(ctx, stream)
	if err != nil {
		e.T.Fatal(err)
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
	e.Append(stream, eventstore.ExpectedVersion(a.Version()), a.Changes()...)
	return nil
}

// Append appends events to stream at v and remembers the position.
func (e *Env) Append(stream eventstore.Stream, v eventstore.ExpectedVersion, events ...domain.Event) {
	e.T.Helper()
	res, err := e.Store.Append(context.Background(), stream, v, events...)
	if err != nil {
		e.T.Fatalf("append to %s: %v", stream.Name(), err)
	}
	e.Last = res.Position
}

// RegisterSupplier appends a new supplier's events.
func (e *Env) RegisterSupplier(id uuid.UUID, r supplier.Registration) {
	e.T.Helper()
	s, err := supplier.Register(id, r)
	if err != nil {
		e.T.Fatal(err)
	}
	e.Append(eventstore.StreamOf(supplier.StreamType, id), eventstore.NoStream, s.Changes()...)
}

// Supplier runs cmd on supplier id and appends what it recorded.
func (e *Env) Supplier(id uuid.UUID, cmd func(*supplier.Supplier) error) {
	e.T.Helper()
	s := &supplier.Supplier{}
	if err := e.Update(eventstore.StreamOf(supplier.StreamType, id), s, func() error { return cmd(s) }); err != nil {
		e.T.Fatal(err)
	}
}

// RegisterBuyer appends a new buyer's events.
func (e *Env) RegisterBuyer(id uuid.UUID, r buyer.Registration) {
	e.T.Helper()
	b, err := buyer.Register(id, r)
	if err != nil {
		e.T.Fatal(err)
	}
	e.Append(eventstore.StreamOf(buyer.StreamType, id), eventstore.NoStream, b.Changes()...)
}

// Buyer runs cmd on buyer id and appends what it recorded.
func (e *Env) Buyer(id uuid.UUID, cmd func(*buyer.Buyer) error) {
	e.T.Helper()
	b := &buyer.Buyer{}
	if err := e.Update(eventstore.StreamOf(buyer.StreamType, id), b, func() error { return cmd(b) }); err != nil {
		e.T.Fatal(err)
	}
}

// Rebuild replays every event into the projections.
func (e *Env) Rebuild(ps ...eventstore.Projection) {
	e.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, p := range ps {
		if err := projector.Rebuild(ctx, e.Store, p, nil); err != nil {
			e.T.Fatalf("rebuild %s: %v", p.Name(), err)
		}
	}
}

// Live runs the projections in a projector until the test ends and returns
// a function that waits until they have applied the last event appended.
func (e *Env) Live(ps ...eventstore.Projection) (wait func()) {
	e.T.Helper()
	pr, err := projector.New(e.Store, projector.Config{PollInterval: 5 * time.Millisecond}, ps...)
	if err != nil {
		e.T.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pr.Run(ctx) }()
	e.T.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			e.T.Errorf("projector: %v", err)
		}
	})
	return func() {
		e.T.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := pr.WaitFor(ctx, pr.Names(), e.Last); err != nil {
			e.T.Fatalf("wait for position %d: %v (failing: %v)", e.Last, err, pr.Failing())
		}
	}
}

// NewID is a new UUIDv7.
func NewID(t testing.TB) uuid.UUID {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Ptr is a pointer to v.
func Ptr[T any](v T) *T { return &v }

// Date parses s, YYYY-MM-DD.
func Date(t testing.TB, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Registration is a valid supplier profile; the tax code is derived from n.
func Registration(n int, name, district string) supplier.Registration {
	return supplier.Registration{
		Name:      name,
		TaxCode:   fmt.Sprintf("01%08d", n),
		District:  district,
		Ownership: domain.Domestic,
		Contact:   domain.Contact{Name: "Nguyễn Văn An", Email: fmt.Sprintf("an%d@example.vn", n)},
	}
}

// Capability is a valid capability with only the required fields.
func Capability(title string, g domain.IndustryGroup) supplier.Capability {
	return supplier.Capability{
		Title:         title,
		IndustryGroup: g,
		Capacity:      domain.Rate{Quantity: 1000, Unit: domain.Pieces, Per: "month"},
		LeadTimeDays:  30,
	}
}

// WantFields checks that err is a *domain.ValidationError on exactly fields.
func WantFields(t *testing.T, err error, fields ...string) {
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

// Dump returns every row of the read-model tables as text, in a fixed order.
func Dump(t testing.TB, pool *pgxpool.Pool, tables ...string) string {
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

// Canon is a valid buyer registration.
func Canon() buyer.Registration {
	return buyer.Registration{Name: "Canon Vietnam Co., Ltd.", Country: "jp", ParentGroup: "Canon Inc.",
		District: "Đông Anh", Contact: domain.Contact{Name: "Sato Kenji", Email: "procurement@canon.com.vn"}}
}

// Plastics is a demand with every field set.
func Plastics() buyer.Demand {
	return buyer.Demand{
		Title:                  "Precision plastic parts",
		Description:            "Injection-moulded ABS housings.",
		IndustryGroup:          domain.ChemRubberPlasticPharma,
		VSIC:                   "22201",
		HSCodes:                []string{"3926.90.99"},
		Processes:              []string{"injection moulding"},
		Materials:              []string{"ABS"},
		RequiredCertifications: []string{"ISO 9001"},
		Volume:                 domain.Rate{Quantity: 200000, Unit: domain.Pieces, Per: "month"},
		MaxLeadTimeDays:        Ptr(45),
		NeededBy:               "2026-03-31",
	}
}

// Fabric is a demand with only the required fields.
func Fabric() buyer.Demand {
	return buyer.Demand{Title: "Cotton fabric", IndustryGroup: domain.TextileLeather,
		Volume: domain.Rate{Quantity: 30000, Unit: domain.Metres, Per: "month"}}
}

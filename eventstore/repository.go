package eventstore

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// ErrPreconditionFailed: a command named the version it expects a stream
// at (an HTTP If-Match) and the stream is at another; nothing was written.
var ErrPreconditionFailed = errors.New("the resource changed since the If-Match version")

// Repository loads, changes and creates the aggregates of one stream type:
// the load / decide / append of every command, so a caller only says which
// aggregate and which domain method. It works inside a unit of work (a Tx),
// so a command that changes two streams, claims a value or stores an
// idempotent answer commits all of it or nothing. A Repository is a value
// without state; it is safe for concurrent use.
type Repository[A Aggregate] struct {
	typ  string
	elem reflect.Type // what A points to
}

// NewRepository returns the repository of the aggregates A (a pointer to
// an aggregate struct) stored in streams of streamType.
func NewRepository[A Aggregate](streamType string) Repository[A] {
	t := reflect.TypeFor[A]()
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("eventstore: NewRepository needs a pointer to an aggregate struct, not %v", t))
	}
	return Repository[A]{typ: streamType, elem: t.Elem()}
}

// Stream is the stream of the aggregate id.
func (r Repository[A]) Stream(id uuid.UUID) Stream { return StreamOf(r.typ, id) }

// Update loads aggregate id under its stream's lock (from the aggregate
// cache when it holds it), checks expected, lets decide record events and
// appends them at the loaded version. The lock queues concurrent commands,
// so one without an expected version never fails on a version conflict;
// with expected (an If-Match) a stream at another version is
// ErrPreconditionFailed and nothing is written. An empty stream is a
// domain.ErrNotFound. When decide records nothing, nothing is appended and
// the result is the stream's current version and position.
//
// The aggregate passed to decide belongs to tx: it goes back to the cache
// when tx commits, so decide must not keep it beyond the transaction.
func (r Repository[A]) Update(ctx context.Context, tx *Tx, id uuid.UUID, expected *int64, decide func(A) error) (AppendResult, error) {
	return r.update(ctx, tx, id, expected, false, decide)
}

// Upsert is Update for aggregates that come into being on their first
// change (a yearly table, say): an empty stream is decided on at version 0
// instead of being a domain.ErrNotFound.
func (r Repository[A]) Upsert(ctx context.Context, tx *Tx, id uuid.UUID, expected *int64, decide func(A) error) (AppendResult, error) {
	return r.update(ctx, tx, id, expected, true, decide)
}

func (r Repository[A]) update(ctx context.Context, tx *Tx, id uuid.UUID, expected *int64, upsert bool,
	decide func(A) error) (AppendResult, error) {
	stream := r.Stream(id)
	agg := reflect.New(r.elem).Interface().(A)
	version, global, err := tx.Load(ctx, stream, agg)
	if err != nil {
		return AppendResult{}, err
	}
	if version == 0 && !upsert {
		return AppendResult{}, domain.Errorf(domain.ErrNotFound, "no such %s", domain.Msgf(r.typ))
	}
	if expected != nil && *expected != version {
		if upsert {
			return AppendResult{}, ErrPreconditionFailed // as the rate tables always answered
		}
		return AppendResult{}, fmt.Errorf("%w: stream is at version %d", ErrPreconditionFailed, version)
	}
	if err := decide(agg); err != nil {
		return AppendResult{}, err
	}
	res := AppendResult{Version: version, Position: global}
	if changes := agg.Changes(); len(changes) > 0 {
		if res, err = tx.Append(ctx, stream, ExpectedVersion(version), changes...); err != nil {
			return res, err
		}
	}
	tx.Keep(stream, agg, res.Version, res.Position)
	return res, nil
}

// Create appends the first events of aggregate id, new: the stream must
// not exist (else ErrVersionConflict). agg goes to the aggregate cache when
// tx commits; the caller must not change it after.
func (r Repository[A]) Create(ctx context.Context, tx *Tx, id uuid.UUID, agg A) (AppendResult, error) {
	stream := r.Stream(id)
	res, err := tx.Append(ctx, stream, NoStream, agg.Changes()...)
	if err == nil {
		tx.Keep(stream, agg, res.Version, res.Position)
	}
	return res, err
}

// Read returns aggregate id as of the last commit, without a lock and
// without taking it out of the cache: for checks a command makes on
// another aggregate than the one it changes. A missing stream gives the
// zero aggregate at version 0.
func (r Repository[A]) Read(ctx context.Context, tx *Tx, id uuid.UUID) (A, error) {
	agg := reflect.New(r.elem).Interface().(A)
	recs, err := tx.ReadStream(ctx, r.Stream(id))
	if err != nil {
		return agg, err
	}
	for _, rec := range recs {
		if rec.Event != nil {
			agg.Apply(rec.Event)
		}
	}
	if len(recs) > 0 {
		agg.Loaded(recs[len(recs)-1].Version)
	}
	return agg, nil
}

package eventstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Ping checks that the database answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error { return translate(s.pool.Ping(ctx)) }

// Head is the global position of the newest event (0: none), committed or
// not yet visible to projections: waiting for every projection to reach it
// means waiting for everything written so far.
func (s *Store) Head(ctx context.Context) (int64, error) {
	var head int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(global_position), 0) FROM events`).Scan(&head)
	return head, translate(err)
}

// FirstExisting returns the first of streams (in no particular order when
// several exist) that holds events, within the transaction; found is false
// when none does. It reads one row, not the streams.
func (t *Tx) FirstExisting(ctx context.Context, streams ...Stream) (s Stream, found bool, err error) {
	names := make([]string, len(streams))
	for i, st := range streams {
		names[i] = st.Name()
	}
	var name string
	err = t.tx.QueryRow(ctx, `SELECT stream_id FROM events WHERE stream_id = ANY($1::text[]) AND version = 1 LIMIT 1`,
		names).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return Stream{}, false, nil
	}
	if err != nil {
		return Stream{}, false, translate(err)
	}
	for _, st := range streams {
		if st.Name() == name {
			return st, true, nil
		}
	}
	return Stream{}, false, nil
}

// Recorded reports whether stream holds an event of eventType whose JSON
// payload has value at its top-level field, within the transaction.
func (t *Tx) Recorded(ctx context.Context, stream Stream, eventType, field, value string) (bool, error) {
	var ok bool
	err := t.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND type = $2 AND payload->>$3 = $4)`,
		stream.Name(), eventType, field, value).Scan(&ok)
	return ok, translate(err)
}

// ClaimOwner returns the name of the stream holding value in scope (see
// Claim), within the transaction; found is false when nobody does.
func (t *Tx) ClaimOwner(ctx context.Context, scope, value string) (owner string, found bool, err error) {
	err = t.tx.QueryRow(ctx, `SELECT owner_stream FROM claims WHERE scope = $1 AND value = $2`, scope, value).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return owner, err == nil, translate(err)
}

// ClaimOwners maps those of values claimed in scope to the names of the
// streams holding them, within the transaction.
func (t *Tx) ClaimOwners(ctx context.Context, scope string, values []string) (map[string]string, error) {
	m := map[string]string{}
	err := t.tx.QueryRow(ctx, `SELECT coalesce(jsonb_object_agg(value, owner_stream), '{}') FROM claims WHERE scope = $1 AND value = ANY($2)`,
		scope, values).Scan(&m)
	return m, translate(err)
}

// LatestField maps the name of every stream of streamType to the text of
// field in the payload of its newest event of one of eventTypes, within
// the transaction: the latest name of every firm, say.
func (t *Tx) LatestField(ctx context.Context, streamType, field string, eventTypes []string) (map[string]string, error) {
	var out map[string]string
	err := t.tx.QueryRow(ctx, `SELECT coalesce(jsonb_object_agg(stream_id, value), '{}') FROM (
  SELECT DISTINCT ON (stream_id) stream_id, payload->>$3 AS value FROM events
  WHERE stream_type = $1 AND type = ANY($2) ORDER BY stream_id, version DESC) x`, streamType, eventTypes, field).Scan(&out)
	return out, translate(err)
}

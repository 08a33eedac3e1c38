// Package idempotency runs a command at most once per idempotency key: the
// answer to the first request is stored in the command's own transaction
// (table idempotency_keys), and a request repeating the key gets that
// answer back instead of running again.
package idempotency

import (
	"bytes"
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/eventstore"
)

// ErrReused: the key was first used with another request (another method,
// path or body); nothing ran.
var ErrReused = errors.New("idempotency: key used with a different request")

// Key identifies one request: who sent it, the key they chose and a hash
// of what they asked (so a key reused for another request is told apart).
// A Key with an empty Name is no key: the command simply runs.
type Key struct {
	Principal string
	Name      string
	Hash      []byte
}

// Answer is what a command answered, as stored under its key. Body must
// hold no secret: it is kept in plain text and replayed as is.
type Answer struct {
	Status int
	Body   []byte
}

// Store runs commands once per key on an event store. It is safe for
// concurrent use.
type Store struct {
	events *eventstore.Store
}

// New returns the idempotency store that runs its commands on events.
func New(events *eventstore.Store) *Store { return &Store{events: events} }

// Run runs work in one transaction of the event store, unless key was used
// before: then it returns the stored answer with replayed set (or
// ErrReused when the key came with another request). work's answer is
// stored under key in work's transaction, so the command and its answer
// commit together; of two concurrent requests with one key, the second
// waits for the first and replays its answer. When work fails nothing is
// stored, and the same key may be tried again.
func (s *Store) Run(ctx context.Context, key Key,
	work func(ctx context.Context, tx *eventstore.Tx) (Answer, error)) (a Answer, replayed bool, err error) {
	if key.Name != "" {
		if a, found, err := s.lookup(ctx, key); found || err != nil {
			return a, found, err
		}
	}
	err = s.events.Update(ctx, func(ctx context.Context, tx *eventstore.Tx) error {
		var err error
		if a, err = work(ctx, tx); err != nil || key.Name == "" {
			return err
		}
		// Sent with the COMMIT, in its round trip.
		tx.ExecAtCommit(`INSERT INTO idempotency_keys (principal, key, request_hash, status, body) VALUES ($1, $2, $3, $4, $5)`,
			key.Principal, key.Name, key.Hash, a.Status, a.Body)
		return nil
	})
	if key.Name != "" && errors.Is(err, eventstore.ErrKeyTaken) {
		// A concurrent request with the same key won; answer as it did.
		if a, found, lerr := s.lookup(ctx, key); found || lerr != nil {
			return a, found, lerr
		}
	}
	return a, false, err
}

// lookup returns the answer stored under key; found is false when the key
// is new.
func (s *Store) lookup(ctx context.Context, key Key) (a Answer, found bool, err error) {
	var hash []byte
	err = s.events.Pool().QueryRow(ctx, `SELECT request_hash, status, body FROM idempotency_keys WHERE principal = $1 AND key = $2`,
		key.Principal, key.Name).Scan(&hash, &a.Status, &a.Body)
	if errors.Is(err, pgx.ErrNoRows) {
		return Answer{}, false, nil
	}
	if err != nil {
		return Answer{}, true, eventstore.Translate(err)
	}
	if !bytes.Equal(hash, key.Hash) {
		return Answer{}, true, ErrReused
	}
	return a, true, nil
}

package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
)

// answer is the contract's reply to an accepted command.
type answer struct {
	ID       uuid.UUID `json:"id"`
	Version  int64     `json:"version"`
	Position int64     `json:"position"`
}

// secretAnswer is implemented by answers that carry a secret (a token shown
// once): the idempotency store keeps withoutSecrets() instead, so the secret
// is never stored in plain text and a replayed answer leaves it out.
type secretAnswer interface{ withoutSecrets() any }

// versioned is implemented by answers that carry a stream version (ETag).
type versioned interface{ streamVersion() int64 }

func (a answer) streamVersion() int64 { return a.Version }

// aggregate is what the command pipeline needs of an aggregate.
type aggregate = eventstore.Aggregate

// change loads the aggregate of stream into agg, checks If-Match, lets decide
// record events and appends them at the loaded version. A per-stream lock
// queues concurrent writers, so commands without If-Match never fail on a
// version conflict; with If-Match a stale version is a 412 and writes nothing.
//
// agg (the zero value) may take over the state of a cached aggregate, which
// then reads only the events after its version (see eventstore.Tx.Load); it
// goes back to the cache when the transaction commits, so the caller must
// not use agg once the transaction is over.
func change[A aggregate](ctx context.Context, tx *eventstore.Tx, stream eventstore.Stream, expected *int64,
	agg A, decide func(A) error) (eventstore.AppendResult, error) {
	version, global, err := tx.Load(ctx, stream, agg)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	if version == 0 {
		return eventstore.AppendResult{}, domain.Errorf(domain.ErrNotFound, "no such %s", domain.Msgf(stream.Type))
	}
	if expected != nil && *expected != version {
		return eventstore.AppendResult{}, fmt.Errorf("%w: stream is at version %d", errPreconditionFailed, version)
	}
	if err := decide(agg); err != nil {
		return eventstore.AppendResult{}, err
	}
	res := eventstore.AppendResult{Version: version, Position: global}
	if changes := agg.Changes(); len(changes) > 0 {
		if res, err = tx.Append(ctx, stream, eventstore.ExpectedVersion(version), changes...); err != nil {
			return res, err
		}
	}
	tx.Keep(stream, agg, res.Version, res.Position)
	return res, nil
}

// changePath runs decide on the aggregate whose id is the {id} path
// parameter, for callers authorize lets through, and answers with answerID
// (that id when uuid.Nil) and the stream's new version: the shared body of
// every "change an existing aggregate" endpoint.
func changePath[A aggregate](s *Server, c echo.Context, status int, raw []byte, answerID uuid.UUID,
	stream func(uuid.UUID) eventstore.Stream, empty func() A, authorize func(echo.Context, uuid.UUID) error,
	decide func(ctx context.Context, tx *eventstore.Tx, agg A) error) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := authorize(c, id); err != nil {
		return err
	}
	expected, err := ifMatch(c)
	if err != nil {
		return err
	}
	if answerID == uuid.Nil {
		answerID = id
	}
	return s.command(c, status, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		res, err := change(ctx, tx, stream(id), expected, empty(), func(agg A) error { return decide(ctx, tx, agg) })
		return created(answerID, res), err
	})
}

// create appends the first events of a new stream; agg goes to the
// aggregate cache when the transaction commits (see change).
func create(ctx context.Context, tx *eventstore.Tx, stream eventstore.Stream, agg aggregate) (eventstore.AppendResult, error) {
	res, err := tx.Append(ctx, stream, eventstore.NoStream, agg.Changes()...)
	if err == nil {
		tx.Keep(stream, agg, res.Version, res.Position)
	}
	return res, err
}

// command runs one write request: the Idempotency-Key check, the unit of
// work in one transaction (which also stores the answer under the key), and
// the reply with its ETag. A repeated key with the same body replays the
// first answer; with another body it is a 422.
func (s *Server) command(c echo.Context, status int, raw []byte,
	work func(ctx context.Context, tx *eventstore.Tx) (any, error)) error {
	ctx := eventstore.WithMetadata(c.Request().Context(), eventstore.Metadata{
		CorrelationID: c.Response().Header().Get(echo.HeaderXRequestID),
		Actor:         principal(c).String(),
	})
	key := c.Request().Header.Get("Idempotency-Key")
	if err := validKey(key); err != nil {
		return err
	}
	who := principal(c).String()
	sum := sha256.Sum256(append([]byte(c.Request().Method+" "+c.Request().URL.Path+"\n"), raw...))
	if key != "" {
		if done, err := s.replay(c, who, key, sum[:]); done || err != nil {
			return err
		}
	}
	var (
		out  any
		body []byte
	)
	err := s.store.Update(ctx, func(ctx context.Context, tx *eventstore.Tx) error {
		var err error
		if out, err = work(ctx, tx); err != nil {
			return err
		}
		if body, err = json.Marshal(out); err != nil {
			return err
		}
		if key == "" {
			return nil
		}
		kept := body
		if sa, ok := out.(secretAnswer); ok {
			if kept, err = json.Marshal(sa.withoutSecrets()); err != nil {
				return err
			}
		}
		return tx.Exec(ctx, `INSERT INTO idempotency_keys (principal, key, request_hash, status, body) VALUES ($1, $2, $3, $4, $5)`,
			who, key, sum[:], status, kept)
	})
	if err != nil && key != "" && isDuplicateKey(err) {
		// A concurrent request with the same key won; answer as it did.
		if done, rerr := s.replay(c, who, key, sum[:]); done || rerr != nil {
			return rerr
		}
	}
	if err != nil {
		return err
	}
	return s.reply(c, status, out, body)
}

func (s *Server) reply(c echo.Context, status int, out any, body []byte) error {
	if v, ok := out.(versioned); ok {
		c.Response().Header().Set("ETag", strconv.Quote(strconv.FormatInt(v.streamVersion(), 10)))
	} else if v := versionOf(body); v > 0 {
		c.Response().Header().Set("ETag", strconv.Quote(strconv.FormatInt(v, 10)))
	}
	return c.JSONBlob(status, body)
}

func versionOf(body []byte) int64 {
	var v struct {
		Version int64 `json:"version"`
	}
	_ = json.Unmarshal(body, &v)
	return v.Version
}

// replay answers from a stored idempotent reply; done is false when the key
// is new.
func (s *Server) replay(c echo.Context, who, key string, sum []byte) (done bool, err error) {
	var (
		hash   []byte
		status int
		body   []byte
	)
	err = s.pool.QueryRow(c.Request().Context(), `SELECT request_hash, status, body FROM idempotency_keys WHERE principal = $1 AND key = $2`,
		who, key).Scan(&hash, &status, &body)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return true, unavailable(err)
	}
	if !bytes.Equal(hash, sum) {
		return true, errIdempotencyMismatch
	}
	c.Response().Header().Set("Idempotent-Replayed", "true")
	return true, s.reply(c, status, nil, body)
}

func validKey(key string) error {
	if len(key) > 200 {
		return invalid("Idempotency-Key", "must be at most 200 characters")
	}
	for _, r := range key {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) {
			return invalid("Idempotency-Key", "must be printable ASCII")
		}
	}
	return nil
}

func isDuplicateKey(err error) bool { return errors.Is(err, eventstore.ErrKeyTaken) }

// created is a helper for handlers that answer 201 with an answer.
func created(id uuid.UUID, res eventstore.AppendResult) answer {
	return answer{ID: id, Version: res.Version, Position: res.Position}
}

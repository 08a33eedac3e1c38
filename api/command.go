package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strconv"
	"unicode"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/idempotency"
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

// changePath runs decide on the aggregate of repo whose id is the {id} path
// parameter, for callers authorize lets through, and answers with answerID
// (that id when uuid.Nil) and the stream's new version: the shared body of
// every "change an existing aggregate" endpoint. The If-Match header is the
// version the stream must be at (see eventstore.Repository.Update).
func changePath[A aggregate](s *Server, c echo.Context, status int, raw []byte, answerID uuid.UUID,
	repo eventstore.Repository[A], authorize func(echo.Context, uuid.UUID) error,
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
		res, err := repo.Update(ctx, tx, id, expected, func(agg A) error { return decide(ctx, tx, agg) })
		return created(answerID, res), err
	})
}

// command runs one write request: the Idempotency-Key check, the unit of
// work in one transaction (which also stores the answer under the key, see
// idempotency.Store.Run), and the reply with its ETag. A repeated key with
// the same body replays the first answer; with another body it is a 422.
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
	sum := sha256.Sum256(append([]byte(c.Request().Method+" "+c.Request().URL.Path+"\n"), raw...))
	var (
		out  any
		body []byte
	)
	kept, replayed, err := s.idem.Run(ctx, idempotency.Key{Principal: principal(c).String(), Name: key, Hash: sum[:]},
		func(ctx context.Context, tx *eventstore.Tx) (idempotency.Answer, error) {
			var err error
			if out, err = work(ctx, tx); err != nil {
				return idempotency.Answer{}, err
			}
			if body, err = json.Marshal(out); err != nil {
				return idempotency.Answer{}, err
			}
			a := idempotency.Answer{Status: status, Body: body}
			if sa, ok := out.(secretAnswer); ok && key != "" {
				a.Body, err = json.Marshal(sa.withoutSecrets())
			}
			return a, err
		})
	switch {
	case errors.Is(err, idempotency.ErrReused):
		return errIdempotencyMismatch
	case err != nil:
		return err
	case replayed:
		c.Response().Header().Set("Idempotent-Replayed", "true")
		return s.reply(c, kept.Status, nil, kept.Body)
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

// created is a helper for handlers that answer 201 with an answer.
func created(id uuid.UUID, res eventstore.AppendResult) answer {
	return answer{ID: id, Version: res.Version, Position: res.Position}
}

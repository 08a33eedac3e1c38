package eventstore

import (
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/keylink/keylink/domain"
)

// Errors of the store. Each wraps a domain error kind so the API maps them
// without knowing the store.
var (
	// ErrVersionConflict: the stream is not at the expected version.
	ErrVersionConflict = fmt.Errorf("%w: stream version conflict", domain.ErrConflict)
	// ErrDuplicateEvent: an event with the same id is already stored.
	ErrDuplicateEvent = fmt.Errorf("%w: duplicate event id", domain.ErrConflict)
	// ErrClaimed: a uniqueness reservation is held by another stream.
	ErrClaimed = fmt.Errorf("%w: already taken", domain.ErrConflict)
	// ErrKeyTaken: an idempotency key was stored by a concurrent request.
	ErrKeyTaken = fmt.Errorf("%w: idempotency key taken", domain.ErrConflict)
	// ErrStreamNotFound: the stream has no events.
	ErrStreamNotFound = fmt.Errorf("%w: stream", domain.ErrNotFound)
	// ErrUnknownEvent: the registry does not know the stored event type.
	ErrUnknownEvent = errors.New("eventstore: unknown event type")
	// ErrUnavailable: the database cannot be reached; callers should retry.
	ErrUnavailable = errors.New("eventstore: database unavailable")
)

// Translate maps PostgreSQL errors to the store's errors: constraint
// violations to conflicts, lost connections to ErrUnavailable. Read models
// use it for their queries too.
func Translate(err error) error { return translate(err) }

func translate(err error) error {
	if err == nil {
		return nil
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "KL409":
			return fmt.Errorf("%w: %s", ErrVersionConflict, pg.Message)
		case pg.Code == "23505" && pg.ConstraintName == "events_stream_version":
			return ErrVersionConflict
		case pg.Code == "23505" && pg.ConstraintName == "events_event_id":
			return ErrDuplicateEvent
		case pg.Code == "23505" && pg.ConstraintName == "claims_pkey":
			return ErrClaimed
		case pg.Code == "23505" && pg.ConstraintName == "idempotency_keys_pkey":
			return ErrKeyTaken
		case pg.Code == "57P01", pg.Code == "57P02", pg.Code == "57P03", pg.Code[:2] == "08",
			pg.Code[:2] == "53": // insufficient resources: too many connections, disk full
			return fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		return err
	}
	if isConnError(err) {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return err
}

// isConnError reports errors that mean the database is away rather than that
// the request was wrong: refused or dropped connections.
func isConnError(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ce) || errors.As(err, &oe) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.SafeToRetry(err)
}

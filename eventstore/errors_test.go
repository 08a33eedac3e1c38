package eventstore

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/keylink/keylink/domain"
)

func TestTranslate(t *testing.T) {
	pg := func(code, constraint string) error {
		return fmt.Errorf("exec: %w", &pgconn.PgError{Code: code, ConstraintName: constraint})
	}
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"stream version taken", pg("23505", "events_stream_version"), ErrVersionConflict},
		{"expected version ahead", pg("KL409", ""), domain.ErrConflict},
		{"claim taken", pg("23505", "claims_pkey"), ErrClaimed},
		{"admin shutdown", pg("57P01", ""), ErrUnavailable},
		{"connection failure", pg("08006", ""), ErrUnavailable},
		{"too many connections", pg("53300", ""), ErrUnavailable},
		{"disk full", pg("53100", ""), ErrUnavailable},
		{"connection dropped", io.ErrUnexpectedEOF, ErrUnavailable},
	} {
		if got := translate(tc.err); !errors.Is(got, tc.want) {
			t.Errorf("%s: translate = %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := translate(pg("22P02", "")); errors.Is(got, ErrUnavailable) || errors.Is(got, domain.ErrConflict) {
		t.Errorf("a bad value is neither unavailable nor a conflict: %v", got)
	}
}

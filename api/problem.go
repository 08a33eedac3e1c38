package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
)

// Problem is an RFC 9457 problem details document.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail"`
	Errors []domain.FieldError `json:"errors,omitempty"`
}

// Errors of the HTTP layer itself; domain and store errors map through their
// kinds.
var (
	errUnauthorized        = errors.New("missing or invalid bearer token")
	errPreconditionFailed  = eventstore.ErrPreconditionFailed
	errTooLarge            = errors.New("request body exceeds 1 MiB")
	errIdempotencyMismatch = errors.New("Idempotency-Key was used with a different request")
	errTooManyRequests     = errors.New("too many attempts; try again later")
)

type problemKind struct {
	status int
	slug   string
	title  string
}

// kinds maps every error kind to its status, in one table. The first match
// wins, so specific errors come before the kinds they wrap.
var kinds = []struct {
	err  error
	kind problemKind
}{
	{errUnauthorized, problemKind{http.StatusUnauthorized, "unauthorized", "Unauthorized"}},
	{errPreconditionFailed, problemKind{http.StatusPreconditionFailed, "precondition-failed", "Precondition failed"}},
	{errTooLarge, problemKind{http.StatusRequestEntityTooLarge, "too-large", "Request body too large"}},
	{errFileTooLarge, problemKind{http.StatusRequestEntityTooLarge, "too-large", "Request body too large"}},
	{errIdempotencyMismatch, problemKind{http.StatusUnprocessableEntity, "idempotency-key-reused", "Idempotency key reused"}},
	{errTooManyRequests, problemKind{http.StatusTooManyRequests, "too-many-requests", "Too many requests"}},
	{errBusy, problemKind{http.StatusServiceUnavailable, "busy", "Server busy"}},
	{eventstore.ErrUnavailable, problemKind{http.StatusServiceUnavailable, "unavailable", "Service unavailable"}},
	{eventstore.ErrNotCaughtUp, problemKind{http.StatusServiceUnavailable, "not-caught-up", "Read model not caught up"}},
	{domain.ErrInvalid, problemKind{http.StatusBadRequest, "validation", "Invalid request"}},
	{domain.ErrNotFound, problemKind{http.StatusNotFound, "not-found", "Not found"}},
	{domain.ErrForbidden, problemKind{http.StatusForbidden, "forbidden", "Forbidden"}},
	{domain.ErrConflict, problemKind{http.StatusConflict, "conflict", "Conflict"}},
	{domain.ErrGone, problemKind{http.StatusGone, "gone", "Gone"}},
}

// problemTypeBase prefixes problem type URIs.
const problemTypeBase = "https://keylink.hanoi.gov.vn/problems/"

// handleError is Echo's error handler: every error becomes problem+json.
// Unknown errors are logged and answered 500 without their detail.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := s.problemFor(err, c)
	if p.Status == http.StatusServiceUnavailable || p.Status == http.StatusTooManyRequests {
		c.Response().Header().Set("Retry-After", "1")
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	if c.Request().Method == http.MethodHead {
		return
	}
	_ = writeJSON(c.Response(), p)
}

func (s *Server) problemFor(err error, c echo.Context) Problem {
	l := lang(c)
	c.Response().Header().Set("Content-Language", string(l))
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if he.Code == http.StatusRequestEntityTooLarge {
			err = errTooLarge
		} else {
			return Problem{Type: problemTypeBase + "http-" + fmt.Sprint(he.Code), Title: l.T(http.StatusText(he.Code)),
				Status: he.Code, Detail: l.T(fmt.Sprint(he.Message))}
		}
	}
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			p := Problem{Type: problemTypeBase + k.kind.slug, Title: l.T(k.kind.title), Status: k.kind.status, Detail: l.Error(err)}
			var v *domain.ValidationError
			if errors.As(err, &v) {
				p.Errors = localFields(l, v.Fields)
				p.Detail = l.Tf("%d invalid field(s)", len(v.Fields))
			}
			if p.Status == http.StatusServiceUnavailable && !errors.Is(err, errBusy) {
				p.Detail = l.T("the database or a read model is not available right now; retry shortly")
			}
			return p
		}
	}
	s.log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
	return Problem{Type: problemTypeBase + "internal", Title: l.T("Internal server error"), Status: http.StatusInternalServerError,
		Detail: l.T("an unexpected error occurred; it has been logged")}
}

// localFields renders each field error's message in l; the field names
// stay as they are.
func localFields(l messages.Lang, fs []domain.FieldError) []domain.FieldError {
	if l == messages.EN {
		return fs
	}
	out := make([]domain.FieldError, len(fs))
	for i, f := range fs {
		out[i] = domain.FieldError{Field: f.Field, Message: l.Render(f.Text())}
	}
	return out
}

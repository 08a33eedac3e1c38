package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/keyset"
)

// historyPage is GET /v1/{suppliers,buyers,events}/{id}/history: a
// stream's events, oldest first. Total is the stream's version (its number
// of events).
type historyPage struct {
	Items      []historyItem `json:"items"`
	NextCursor string        `json:"next_cursor"`
	Total      int64         `json:"total"`
}

// historyItem is one event: who did what and when.
type historyItem struct {
	Position   int64     `json:"position"`
	Version    int64     `json:"version"`
	Type       string    `json:"type"`
	RecordedAt time.Time `json:"recorded_at"`
	// Actor is the principal that sent the command ("organiser:NAME",
	// "supplier:ACCOUNT-ID"...), "" when the event has none (seeded data).
	Actor   string `json:"actor"`
	Summary string `json:"summary"`
}

// supplierHistory: GET /v1/suppliers/{id}/history (organiser, or the
// supplier; another supplier's is a 404, a buyer is refused with 403).
func (s *Server) supplierHistory(c echo.Context) error {
	return s.history(c, RoleSupplier, supplier.StreamType)
}

// buyerHistory: GET /v1/buyers/{id}/history (organiser, or the buyer).
func (s *Server) buyerHistory(c echo.Context) error {
	return s.history(c, RoleBuyer, buyer.StreamType)
}

// eventHistory: GET /v1/events/{id}/history (organiser).
func (s *Server) eventHistory(c echo.Context) error {
	return s.history(c, "", conference.StreamType)
}

// history answers a stream's history to the organiser, or to a firm of
// role owner for its own stream ("" : organisers only).
func (s *Server) history(c echo.Context, owner, streamType string) error {
	if err := onlyParams(c, "limit", "cursor"); err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	switch p := principal(c); {
	case p.Role == RoleOrganiser:
	case owner == "" || p.Role != owner:
		return domain.Errorf(domain.ErrForbidden, "this history is the organiser's or its firm's")
	case p.OrganisationID != id:
		return domain.Errorf(domain.ErrNotFound, "no such %s", streamType)
	}
	var (
		problems domain.Problems
		after    int64
	)
	limit := keyset.DefaultLimit
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		problems.Check(err == nil && n >= 1 && n <= keyset.MaxLimit, "limit", "must be an integer from 1 to %d", keyset.MaxLimit)
		limit = n
	}
	if raw := c.QueryParam("cursor"); raw != "" {
		v, ok := decodeHistoryCursor(raw)
		problems.Check(ok, "cursor", "is not a cursor this endpoint returned")
		after = v
	}
	if err := problems.Err(); err != nil {
		return err
	}
	recs, version, err := s.store.ReadStreamPage(c.Request().Context(), eventstore.StreamOf(streamType, id), after, limit+1)
	if err != nil {
		return unavailable(err)
	}
	if version == 0 {
		return domain.Errorf(domain.ErrNotFound, "no such %s", streamType)
	}
	out := historyPage{Items: []historyItem{}, Total: version}
	for i, r := range recs {
		if i == limit {
			out.NextCursor = encodeHistoryCursor(recs[i-1].Version)
			break
		}
		out.Items = append(out.Items, historyItem{Position: r.Position.Global, Version: r.Version, Type: r.Type,
			RecordedAt: r.RecordedAt.UTC(), Actor: r.Metadata.Actor, Summary: summary(r, lang(c))})
	}
	return c.JSON(http.StatusOK, out)
}

// History cursors are the last version shown, opaque to clients.
func encodeHistoryCursor(version int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v" + strconv.FormatInt(version, 10)))
}

func decodeHistoryCursor(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2 || b[0] != 'v' {
		return 0, false
	}
	v, err := strconv.ParseInt(string(b[1:]), 10, 64)
	return v, err == nil && v > 0
}

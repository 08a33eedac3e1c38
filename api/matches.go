package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
	"github.com/keylink/keylink/projections/matches"
)

var readMatches = []string{"matches"}

// matchLimit parses ?limit= (1..100, default 20).
func matchLimit(c echo.Context) (int, error) {
	raw := c.QueryParam("limit")
	if raw == "" {
		return matches.DefaultMatchLimit, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > matches.MaxMatchLimit {
		return 0, invalid("limit", "must be an integer from 1 to 100")
	}
	return n, nil
}

// demandMatches: GET /v1/demands/{did}/matches. Organisers see every list; a
// buyer only its own demands' (another buyer's demand is a 404: it may not
// see it); suppliers may not read demand lists (403).
func (s *Server) demandMatches(c echo.Context) error {
	did, err := pathID(c, "did")
	if err != nil {
		return err
	}
	limit, err := matchLimit(c)
	if err != nil {
		return err
	}
	format, export, err := exportFormat(c)
	if err != nil {
		return err
	}
	p := principal(c)
	if p.Role == RoleSupplier {
		return domain.Errorf(domain.ErrForbidden, "suppliers read their own lists at /v1/suppliers/{id}/matches")
	}
	list, err := caughtUp(s, c, func(ctx context.Context) (matches.DemandMatchList, error) {
		return matches.DemandMatches(ctx, s.pool, did, limit, s.now())
	})
	if err != nil {
		return unavailable(err)
	}
	if p.Role == RoleBuyer && list.BuyerID != p.OrganisationID {
		return domain.Errorf(domain.ErrNotFound, "no such demand")
	}
	l := lang(c)
	for i := range list.Matches {
		localMatch(l, &list.Matches[i])
	}
	if export {
		return exportFile(c, "matches-"+did.String(), format, matchSheets(list))
	}
	return c.JSON(http.StatusOK, list)
}

// supplierMatches: GET /v1/suppliers/{id}/matches, the open demands the
// supplier can serve. Organisers see every list, a supplier only its own;
// buyers may not read supplier lists (403).
func (s *Server) supplierMatches(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	limit, err := matchLimit(c)
	if err != nil {
		return err
	}
	p := principal(c)
	switch {
	case p.Role == RoleBuyer:
		return domain.Errorf(domain.ErrForbidden, "buyers read their demands' lists at /v1/demands/{did}/matches")
	case p.Role == RoleSupplier && p.OrganisationID != id:
		return domain.Errorf(domain.ErrNotFound, "no such supplier")
	}
	list, err := caughtUp(s, c, func(ctx context.Context) (matches.SupplierMatchList, error) {
		return matches.SupplierMatches(ctx, s.pool, id, limit, s.now())
	})
	if err != nil {
		return unavailable(err)
	}
	l := lang(c)
	for i := range list.Matches {
		localMatch(l, &list.Matches[i].DemandMatch)
	}
	return c.JSON(http.StatusOK, list)
}

// localMatch renders a match's reasons and gaps in l; their codes stay.
// Every answer that shows a match's notes passes it through here.
func localMatch(l messages.Lang, m *matches.DemandMatch) {
	m.Reasons, m.Gaps = localNotes(l, m.Reasons), localNotes(l, m.Gaps)
}

// localNotes renders each note's detail in l (English is the detail as
// scored).
func localNotes(l messages.Lang, ns []matching.Note) []matching.Note {
	if l == messages.EN {
		return ns
	}
	out := make([]matching.Note, len(ns))
	for i, n := range ns {
		out[i] = matching.Note{Code: n.Code, Detail: l.Render(n.Text())}
	}
	return out
}

// caughtUp runs get, and when it finds nothing, once more after the match
// lists have applied every event written before the request (up to the
// ?after= bound): the match lists are the slowest read model, and a supplier
// or demand written a moment ago must not read as "no such" for lack of
// them. A request with ?after= has waited already; an id nobody wrote costs
// its 404 no more than the lists' lag.
func caughtUp[T any](s *Server, c echo.Context, get func(context.Context) (T, error)) (T, error) {
	ctx := c.Request().Context()
	v, err := get(ctx)
	if !errors.Is(err, domain.ErrNotFound) || c.QueryParam("after") != "" {
		return v, err
	}
	head, herr := s.store.Head(ctx)
	if herr != nil {
		return v, err
	}
	wctx, cancel := contextWithTimeout(c, 5*time.Second)
	defer cancel()
	if werr := s.proj.WaitFor(wctx, readMatches, head); werr != nil {
		return v, err
	}
	return get(ctx)
}

package api

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/projections/board"
)

// Read models GET /v1/demands waits for under ?after=P: a supplier's page
// shows its matches too.
var readBoardMatches = []string{"board", "matches"}

// onlyParams refuses, in one 400 naming each, the query parameters of a
// list other than allowed and "after" (read-your-writes).
func onlyParams(c echo.Context, allowed ...string) error {
	var (
		p     domain.Problems
		names []string
	)
	for name := range c.QueryParams() {
		if name != "after" && !slices.Contains(allowed, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		p.Add(name, "is not a parameter of this list")
	}
	return p.Err()
}

// paramsOnly is onlyParams as a route's middleware.
func paramsOnly(allowed ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := onlyParams(c, allowed...); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// queryLimit reads ?limit=: 0 when absent, -1 when not an integer, so that
// the query's validation reports it beside any other bad parameter.
func queryLimit(c echo.Context) int {
	raw := c.QueryParam("limit")
	if raw == "" {
		return 0
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return -1
	}
	return n
}

// listBuyers: GET /v1/buyers?q=&country=&ward=&limit=&cursor= (any caller).
func (s *Server) listBuyers(c echo.Context) error {
	if err := onlyParams(c, "q", "country", "ward", "limit", "cursor"); err != nil {
		return err
	}
	page, err := board.ListBuyers(c.Request().Context(), s.pool, board.BuyerQuery{
		Q: c.QueryParam("q"), Country: c.QueryParam("country"), Ward: c.QueryParam("ward"), Limit: queryLimit(c),
		Cursor: c.QueryParam("cursor")})
	if err != nil {
		return unavailable(err)
	}
	return c.JSON(http.StatusOK, page)
}

// listDemands: GET /v1/demands?q=&industry_group=&hs=&certification=&country=&limit=&cursor=,
// the board of open demands (any caller). A supplier reads each demand with
// its own match, null when it has none.
func (s *Server) listDemands(c echo.Context) error {
	if err := onlyParams(c, "q", "industry_group", "hs", "certification", "country", "limit", "cursor"); err != nil {
		return err
	}
	ctx := c.Request().Context()
	page, err := board.ListDemands(ctx, s.pool, board.DemandQuery{
		Q: c.QueryParam("q"), IndustryGroup: c.QueryParam("industry_group"), HS: c.QueryParam("hs"),
		Certification: c.QueryParam("certification"), Country: c.QueryParam("country"),
		Limit: queryLimit(c), Cursor: c.QueryParam("cursor")})
	if err != nil {
		return unavailable(err)
	}
	if p := principal(c); p.Role == RoleSupplier {
		matched, err := page.WithMatches(ctx, s.pool, p.OrganisationID, s.now())
		if err != nil {
			return unavailable(err)
		}
		return c.JSON(http.StatusOK, matched)
	}
	return c.JSON(http.StatusOK, page)
}

package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/projections"
)

func contextWithTimeout(c echo.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), d)
}

// withETag answers v with the stream version as its ETag.
func withETag(c echo.Context, version int64, v any) error {
	c.Response().Header().Set("ETag", strconv.Quote(strconv.FormatInt(version, 10)))
	return c.JSON(http.StatusOK, v)
}

// getSupplier: GET /v1/suppliers/{id}, the profile from the directory.
func (s *Server) getSupplier(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	sup, err := projections.GetSupplier(c.Request().Context(), s.pool, id)
	if err != nil {
		return unavailable(err)
	}
	return withETag(c, sup.Version, sup)
}

// searchSuppliers: GET /v1/suppliers?q=&industry_group=&certification=&district=&limit=&cursor=.
func (s *Server) searchSuppliers(c echo.Context) error {
	q := projections.SupplierQuery{
		Q: c.QueryParam("q"), IndustryGroup: c.QueryParam("industry_group"),
		Certification: c.QueryParam("certification"), District: c.QueryParam("district"),
		Cursor: c.QueryParam("cursor"),
	}
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 100 {
			return invalid("limit", "must be an integer from 1 to 100")
		}
		q.Limit = n
	}
	if format, export, err := exportFormat(c); export || err != nil {
		return s.exportSuppliers(c, q, format, err)
	}
	page, err := projections.SearchSuppliers(c.Request().Context(), s.pool, q)
	if err != nil {
		return unavailable(err)
	}
	return c.JSON(http.StatusOK, page)
}

// getBuyer: GET /v1/buyers/{id}, the profile with its demands.
func (s *Server) getBuyer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	b, err := projections.GetBuyer(c.Request().Context(), s.pool, id)
	if err != nil {
		return unavailable(err)
	}
	return withETag(c, b.Version, b)
}

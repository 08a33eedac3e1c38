package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/projections/board"
	"github.com/keylink/keylink/projections/directory"
	"github.com/keylink/keylink/projections/search"
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
	sup, err := directory.GetSupplier(c.Request().Context(), s.pool, id)
	if err != nil {
		return unavailable(err)
	}
	return withETag(c, sup.Version, sup)
}

// searchSuppliers: GET /v1/suppliers?q=&industry_group=&certification=&district=&ward=&key_product=&recognized_year=&tax_code=&limit=&cursor=.
// Certificates count when valid on the server's today.
func (s *Server) searchSuppliers(c echo.Context) error {
	if err := onlyParams(c, "q", "industry_group", "certification", "district", "ward", "key_product", "recognized_year",
		"tax_code", "limit", "cursor", "format", "section"); err != nil {
		return err
	}
	q := search.SupplierQuery{
		Q: c.QueryParam("q"), IndustryGroup: c.QueryParam("industry_group"),
		Certification: c.QueryParam("certification"), District: c.QueryParam("district"), Ward: c.QueryParam("ward"),
		KeyProduct: c.QueryParam("key_product"), RecognizedYear: c.QueryParam("recognized_year"),
		TaxCode: c.QueryParam("tax_code"), Limit: queryLimit(c), Cursor: c.QueryParam("cursor"), Today: s.now(),
	}
	if format, export, err := exportFormat(c); export || err != nil {
		return s.exportSuppliers(c, q, format, err)
	}
	page, err := search.SearchSuppliers(c.Request().Context(), s.pool, q)
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
	b, err := board.GetBuyer(c.Request().Context(), s.pool, id)
	if err != nil {
		return unavailable(err)
	}
	return withETag(c, b.Version, b)
}

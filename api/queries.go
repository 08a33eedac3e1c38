package api

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"
)

func contextWithTimeout(c echo.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), d)
}

func (s *Server) getSupplier(c echo.Context) error     { return echo.ErrNotImplemented }
func (s *Server) searchSuppliers(c echo.Context) error { return echo.ErrNotImplemented }
func (s *Server) getBuyer(c echo.Context) error        { return echo.ErrNotImplemented }

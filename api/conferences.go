package api

import "github.com/labstack/echo/v4"

// conferenceRoutes registers the conference and trade-fair endpoints.
func (s *Server) conferenceRoutes(g *echo.Group) {}

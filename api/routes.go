package api

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/keylink/keylink/eventstore"
)

// Read models each GET waits for under ?after=P.
var (
	readDirectory = []string{"directory"}
	readSearch    = []string{"directory_search"}
	readBoard     = []string{"board"}
)

// routes registers the /v1 endpoints.
func (s *Server) routes() {
	v1 := s.e.Group("/v1")
	loginLimit := middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(s.cfg.LoginRate), Burst: s.cfg.LoginBurst, ExpiresIn: 10 * time.Minute}),
		DenyHandler:  func(c echo.Context, _ string, _ error) error { return errTooManyRequests },
		ErrorHandler: func(c echo.Context, _ error) error { return errTooManyRequests },
	})
	v1.POST("/signup", s.signup, loginLimit)
	v1.POST("/sessions", s.login, loginLimit)
	v1.POST("/invitations/accept", s.acceptInvitation, loginLimit)

	auth := v1.Group("", s.authenticate)
	auth.DELETE("/sessions/current", s.logout)
	auth.POST("/organisations/:id/invitations", s.invite)

	auth.POST("/suppliers", s.registerSupplier)
	auth.PUT("/suppliers/:id", s.reviseSupplier)
	auth.POST("/suppliers/:id/capabilities", s.declareCapability)
	auth.PUT("/suppliers/:id/capabilities/:cid", s.reviseCapability)
	auth.DELETE("/suppliers/:id/capabilities/:cid", s.withdrawCapability)
	auth.POST("/suppliers/:id/key-products", s.recogniseKeyProduct)
	auth.GET("/suppliers/:id", s.getSupplier, s.after(readDirectory))
	auth.GET("/suppliers", s.searchSuppliers, s.after(readSearch))
	auth.GET("/suppliers/:id/history", s.supplierHistory)

	auth.POST("/buyers", s.registerBuyer)
	auth.POST("/buyers/:id/demands", s.postDemand)
	auth.PUT("/buyers/:id/demands/:did", s.reviseDemand)
	auth.POST("/buyers/:id/demands/:did/close", s.closeDemand)
	auth.GET("/buyers/:id", s.getBuyer, s.after(readBoard))
	auth.GET("/buyers", s.listBuyers, s.after(readBoard))
	auth.GET("/buyers/:id/history", s.buyerHistory)
	auth.GET("/demands", s.listDemands, s.after(readBoardMatches))

	auth.GET("/demands/:did/matches", s.demandMatches, s.after(readMatches), paramsOnly("limit", "format", "section"))
	auth.GET("/suppliers/:id/matches", s.supplierMatches, s.after(readMatches), paramsOnly("limit"))

	s.conferenceRoutes(auth)
	auth.GET("/events/:id/history", s.eventHistory)
	auth.POST("/imports", s.postImport)
	s.dealRoutes(auth)
}

// after implements ?after=P: wait until the named read models have applied
// the event at global position P, at most 5 s, else 503 with Retry-After.
func (s *Server) after(names []string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			raw := c.QueryParam("after")
			if raw == "" {
				return next(c)
			}
			pos, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || pos < 0 {
				return invalid("after", "must be a non-negative integer position")
			}
			ctx, cancel := contextWithTimeout(c, 5*time.Second)
			defer cancel()
			if err := s.proj.WaitFor(ctx, names, pos); err != nil {
				return err
			}
			return next(c)
		}
	}
}

var _ = eventstore.ErrNotCaughtUp

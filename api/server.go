// Package api translates HTTP to commands and queries, and errors to RFC 9457
// problem details. Handlers bind, validate, send one command or query and
// write the contract's answer; they never decide business rules.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/credentials"
	"github.com/keylink/keylink/eventstore/idempotency"
	"github.com/keylink/keylink/eventstore/projector"
)

// Config wires a Server.
type Config struct {
	Store     *eventstore.Store
	Projector *projector.Projector
	Logger    *slog.Logger
	// Gatherer serves /metrics; Registerer receives the HTTP metrics.
	Gatherer   prometheus.Gatherer
	Registerer prometheus.Registerer
	// Clock returns the current time; tests may fix it.
	Clock func() time.Time
	// LoginRate and LoginBurst bound sign-up and login attempts per client
	// address (token bucket). Defaults: 1 per second, bursts of 10.
	LoginRate  float64
	LoginBurst int
	// Hashing bounds password hashing across the server (see HashingConfig).
	Hashing HashingConfig
}

// Validate reports every missing dependency at once.
func (c Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("api: nil store"))
	}
	if c.Projector == nil {
		errs = append(errs, errors.New("api: nil projector"))
	}
	return errors.Join(errs...)
}

// Server is the HTTP API. It is safe for concurrent use.
type Server struct {
	e     *echo.Echo
	store *eventstore.Store
	proj  *projector.Projector
	// pool is handed to the read models' queries; api runs no SQL itself.
	pool *pgxpool.Pool
	log  *slog.Logger
	now  func() time.Time
	cfg  Config
	// openapi is the OpenAPI document, built once from routeTable().
	openapi []byte
	idem    *idempotency.Store
	creds   *credentials.Store
	tokens  tokenCache
	pw      *passwords
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Gatherer == nil {
		cfg.Gatherer = prometheus.NewRegistry()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.LoginRate <= 0 {
		cfg.LoginRate = 1
	}
	if cfg.LoginBurst <= 0 {
		cfg.LoginBurst = 10
	}
	s := &Server{e: echo.New(), store: cfg.Store, proj: cfg.Projector, pool: cfg.Store.Pool(), log: cfg.Logger, now: cfg.Clock, cfg: cfg}
	s.idem = idempotency.New(cfg.Store)
	s.creds = credentials.New(s.pool)
	s.pw = newPasswords(cfg.Hashing, cfg.Registerer)
	s.e.HideBanner, s.e.HidePort = true, true
	// The client address is the TCP peer: X-Forwarded-For is not trusted, so
	// the login limiter cannot be dodged with a forged header.
	s.e.IPExtractor = echo.ExtractIPDirect()
	s.e.HTTPErrorHandler = s.handleError
	s.e.Use(negotiateLanguage)
	s.e.Use(middleware.RequestID())
	s.e.Use(middleware.Recover())
	s.e.Use(s.accessLog)
	s.e.Use(httpMetrics(cfg.Registerer))

	if err := s.routes(); err != nil {
		return nil, err
	}
	if err := s.consoleRoutes(); err != nil {
		return nil, err
	}
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.e.ServeHTTP(w, r) }

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when the database is reachable, no projection is stuck
// and none has left an event older than 5 s unapplied.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok", "projections": "ok"}
	ready := true
	if err := s.store.Ping(ctx); err != nil {
		checks["database"], ready = "unreachable", false
	} else if behind, err := s.proj.Behind(ctx, 5*time.Second); err != nil {
		checks["projections"], ready = "unknown", false
	} else if len(behind) > 0 {
		checks["projections"], ready = "behind: "+join(behind), false
	}
	failing := s.proj.Failing()
	for name, why := range failing {
		checks["projection:"+name], ready = "failing: "+why, false
	}
	status, code := "ready", http.StatusOK
	if !ready {
		status, code = "not ready", http.StatusServiceUnavailable
		c.Response().Header().Set("Retry-After", "1")
	}
	return c.JSON(code, map[string]any{"status": status, "checks": checks})
}

func join(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		level := slog.LevelDebug
		if status >= 500 {
			level = slog.LevelWarn
		}
		s.log.Log(c.Request().Context(), level, "http", "method", c.Request().Method, "path", c.Path(),
			"status", status, "duration", time.Since(start), "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		return nil
	}
}

func httpMetrics(reg prometheus.Registerer) echo.MiddlewareFunc {
	dur := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "keylink_http_request_duration_seconds", Help: "HTTP request latency by route and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"method", "route", "status"})
	if reg != nil {
		reg.MustRegister(dur)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			dur.WithLabelValues(c.Request().Method, c.Path(), http.StatusText(c.Response().Status)).Observe(time.Since(start).Seconds())
			return nil
		}
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

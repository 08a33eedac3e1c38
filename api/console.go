package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/keylink/keylink/api/console"
	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/conferences"
)

// consoleRoutes serves the web console at / and /console/. Its sign-in and
// its acceptance of invitations are held to the same per-address rate as
// POST /v1/sessions (a limiter of its
// own, so a console user does not spend the API's allowance).
func (s *Server) consoleRoutes() error {
	con, err := console.NewWithConfig(console.Config{Backend: consoleBackend{s}, DB: s.pool, Logger: s.log, Clock: s.now, API: s})
	if err != nil {
		return err
	}
	h := echo.WrapHandler(con)
	limit := middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(s.cfg.LoginRate), Burst: s.cfg.LoginBurst, ExpiresIn: 10 * time.Minute}),
		DenyHandler:  func(c echo.Context, _ string, _ error) error { return errTooManyRequests },
		ErrorHandler: func(c echo.Context, _ error) error { return errTooManyRequests },
	})
	signIn := limit(h)
	// The console is one catch-all route under its prefix (so the API's
	// route table and OpenAPI document are untouched), and / is that
	// prefix's home page.
	s.e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if r := c.Request(); r.URL.Path == "/" {
				r.URL.Path = console.Prefix
			}
			return next(c)
		}
	})
	s.e.Any(console.Prefix+"*", func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodPost && (r.URL.Path == console.Prefix+"signin" ||
			r.URL.Path == console.Prefix+"invitations/accept") {
			return signIn(c)
		}
		return h(c)
	})
	return nil
}

// consoleBackend gives the console the API's own sign-in, tokens and
// command path.
type consoleBackend struct{ s *Server }

var _ console.Backend = consoleBackend{}

func (b consoleBackend) SignIn(ctx context.Context, email, password string) (string, error) {
	_, token, err := b.s.startSession(ctx, email, password)
	if errors.Is(err, errBadCredentials) {
		return "", console.ErrBadCredentials
	}
	return token, err
}

// SignInToken trades an organiser's bearer token for a session of its own,
// so that signing out of the console does not revoke the printed token.
func (b consoleBackend) SignInToken(ctx context.Context, token string) (string, error) {
	p, err := b.resolve(ctx, token)
	if errors.Is(err, errUnauthorized) || (err == nil && p.Role != RoleOrganiser) {
		return "", console.ErrBadCredentials
	}
	if err != nil {
		return "", err
	}
	session, err := IssueToken(ctx, b.s.creds, p, TokenTTL)
	return session, unavailable(err)
}

func (b consoleBackend) resolve(ctx context.Context, token string) (Principal, error) {
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return Principal{}, errUnauthorized
	}
	return b.s.tokens.lookup(ctx, b.s, hashToken(token))
}

func (b consoleBackend) Resolve(ctx context.Context, token string) (console.Principal, error) {
	p, err := b.resolve(ctx, token)
	if errors.Is(err, errUnauthorized) {
		return console.Principal{}, console.ErrNoSession
	}
	if err != nil {
		return console.Principal{}, err
	}
	return console.Principal{Role: p.Role, OrganisationID: p.OrganisationID, Name: p.Name, Actor: p.String()}, nil
}

func (b consoleBackend) SignOut(ctx context.Context, token string) error {
	h := hashToken(token)
	if err := b.s.creds.RevokeToken(ctx, h[:]); err != nil {
		return unavailable(err)
	}
	b.s.tokens.forget(h[:])
	return nil
}

// decide runs one command on an existing stream for p, as changePath does
// for the API: p must be allowed to act for the organisation.
func decide[A aggregate](ctx context.Context, b consoleBackend, p console.Principal, id uuid.UUID,
	repo eventstore.Repository[A], do func(A) error) (int64, error) {
	if !(Principal{Role: p.Role, OrganisationID: p.OrganisationID}).mayActFor(id) {
		return 0, domain.Errorf(domain.ErrForbidden, "may not act for organisation %s", id)
	}
	ctx = eventstore.WithMetadata(ctx, eventstore.Metadata{Actor: p.Actor})
	var pos int64
	err := b.s.store.Update(ctx, func(ctx context.Context, tx *eventstore.Tx) error {
		res, err := repo.Update(ctx, tx, id, nil, do)
		pos = res.Position
		return err
	})
	return pos, err
}

func (b consoleBackend) DeclareCapability(ctx context.Context, p console.Principal, id uuid.UUID, in supplier.Capability) (int64, error) {
	cid := uuid.Must(uuid.NewV7())
	return decide(ctx, b, p, id, suppliers,
		func(sup *supplier.Supplier) error { return sup.DeclareCapability(cid, in) })
}

func (b consoleBackend) PostDemand(ctx context.Context, p console.Principal, id uuid.UUID, in buyer.Demand) (int64, error) {
	did := uuid.Must(uuid.NewV7())
	return decide(ctx, b, p, id, buyers, func(x *buyer.Buyer) error { return x.PostDemand(did, in) })
}

func (b consoleBackend) EventReport(ctx context.Context, id uuid.UUID) ([]byte, string, error) {
	r, err := conferences.EventReport(ctx, b.s.pool, id, b.s.now())
	if err != nil {
		return nil, "", unavailable(err)
	}
	page, err := reportHTML(r, b.s.now(), messages.VI)
	return page, reportCSP, err
}

func (b consoleBackend) WaitFor(ctx context.Context, names []string, pos int64) error {
	if pos <= 0 {
		var err error
		if pos, err = b.s.store.Head(ctx); err != nil {
			return unavailable(err)
		}
	}
	return b.s.proj.WaitFor(ctx, names, pos)
}

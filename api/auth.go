package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore/credentials"
)

// Roles of the contract.
const (
	RoleOrganiser = "organiser"
	RoleSupplier  = "supplier"
	RoleBuyer     = "buyer"
)

// Principal is who a bearer token speaks for.
type Principal struct {
	Role           string
	OrganisationID uuid.UUID // zero for organisers
	AccountID      uuid.UUID // zero for organiser tokens
	Name           string
}

// String identifies the principal in event metadata and idempotency keys.
func (p Principal) String() string {
	switch {
	case p.Role == "":
		return "anonymous"
	case p.AccountID != uuid.Nil:
		return p.Role + ":" + p.AccountID.String()
	case p.OrganisationID != uuid.Nil:
		return p.Role + ":" + p.OrganisationID.String()
	default:
		return p.Role + ":" + p.Name
	}
}

// mayActFor reports whether p may write for organisation org.
func (p Principal) mayActFor(org uuid.UUID) bool {
	return p.Role == RoleOrganiser || p.OrganisationID == org
}

// tokenPrefix makes tokens recognisable in logs and secret scanners.
const tokenPrefix = "kl_"

// TokenTTL is how long sign-up and login tokens live.
const TokenTTL = 30 * 24 * time.Hour

// Execer runs statements: a command's transaction, or a pool (see
// credentials.Execer).
type Execer = credentials.Execer

// IssueToken creates a token for p that expires after ttl, stores its hash
// through db and returns the token. The token is shown once and never stored.
func IssueToken(ctx context.Context, db Execer, p Principal, ttl time.Duration) (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	err := credentials.SaveToken(ctx, db, hashToken(token), credentials.Grant(p), ttl)
	return token, err
}

func hashToken(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// authenticate resolves the bearer token. The lookup is by the token's
// SHA-256, so no comparison of secrets happens in Go.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
			return errUnauthorized
		}
		sum := hashToken(token)
		p, err := s.tokens.lookup(c.Request().Context(), s, sum)
		if err != nil {
			return err
		}
		c.Set("principal", p)
		c.Set("token_hash", sum[:])
		return next(c)
	}
}

// tokenCacheTTL is how long a resolved token is trusted without asking the
// database again: a revoked token may keep working that long on other
// server processes (the revoking process forgets it at once).
const tokenCacheTTL = 5 * time.Second

// tokenCache remembers resolved tokens by hash. Safe for concurrent use.
type tokenCache struct {
	mu      sync.Mutex
	entries map[[32]byte]cachedToken
}

type cachedToken struct {
	p       Principal
	expires time.Time
}

func (tc *tokenCache) lookup(ctx context.Context, s *Server, sum [32]byte) (Principal, error) {
	now := time.Now()
	tc.mu.Lock()
	if e, ok := tc.entries[sum]; ok && now.Before(e.expires) {
		tc.mu.Unlock()
		return e.p, nil
	}
	tc.mu.Unlock()
	g, expires, found, err := s.creds.Token(ctx, sum)
	if err != nil {
		return Principal{}, unavailable(err)
	}
	if !found {
		return Principal{}, errUnauthorized
	}
	p := Principal(g)
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.entries == nil || len(tc.entries) > 100_000 {
		tc.entries = map[[32]byte]cachedToken{}
	}
	until := now.Add(tokenCacheTTL)
	if expires.Before(until) {
		until = expires
	}
	tc.entries[sum] = cachedToken{p: p, expires: until}
	return p, nil
}

func (tc *tokenCache) forget(sum []byte) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	delete(tc.entries, [32]byte(sum))
}

func principal(c echo.Context) Principal {
	p, _ := c.Get("principal").(Principal)
	return p
}

// requireOrganiser answers 403 to anyone but an organiser.
func requireOrganiser(c echo.Context) error {
	if principal(c).Role != RoleOrganiser {
		return domain.Errorf(domain.ErrForbidden, "only organisers may do this")
	}
	return nil
}

// requireActFor answers 403 unless the caller may write for org.
func requireActFor(c echo.Context, org uuid.UUID) error {
	if !principal(c).mayActFor(org) {
		return domain.Errorf(domain.ErrForbidden, "this token may not act for organisation %s", org)
	}
	return nil
}

// Package console is the web console of KeyLink: server-rendered pages in
// Vietnamese (English by a switch) where organisers, suppliers and buyers do
// their work in a browser. It reads the read models through the projections
// package's queries and writes through the API server's own command path
// (the Backend), so it holds no business rule and no second way to the
// database. Pages are plain HTML forms that work without JavaScript.
package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/supplier"
)

// Roles, as the API names them.
const (
	RoleOrganiser = "organiser"
	RoleSupplier  = "supplier"
	RoleBuyer     = "buyer"
)

// Principal is who a console session speaks for.
type Principal struct {
	Role           string
	OrganisationID uuid.UUID // zero for organisers
	Name           string
	// Actor is how the events the principal causes name it.
	Actor string
}

// Errors a Backend answers with. Others are failures of the service.
var (
	// ErrBadCredentials: unknown e-mail, wrong password or a bad token.
	ErrBadCredentials = errors.New("console: bad credentials")
	// ErrNoSession: the session token is unknown, expired or revoked.
	ErrNoSession = errors.New("console: no session")
)

// Backend is what the console needs of the API server: its sign-in, its
// sessions and its commands. Implementations are safe for concurrent use.
// Command errors are the domain's (validation errors list each bad field).
type Backend interface {
	// SignIn checks an e-mail and password as POST /v1/sessions does and
	// returns a new session token.
	SignIn(ctx context.Context, email, password string) (string, error)
	// SignInToken exchanges an organiser's bearer token for a new session
	// token, leaving the bearer token as it is.
	SignInToken(ctx context.Context, token string) (string, error)
	// Resolve returns the principal of a session token, or ErrNoSession.
	Resolve(ctx context.Context, token string) (Principal, error)
	// SignOut revokes a session token.
	SignOut(ctx context.Context, token string) error
	// DeclareCapability runs POST /v1/suppliers/{id}/capabilities for p and
	// returns the global position of the event.
	DeclareCapability(ctx context.Context, p Principal, supplierID uuid.UUID, in supplier.Capability) (int64, error)
	// PostDemand runs POST /v1/buyers/{id}/demands for p.
	PostDemand(ctx context.Context, p Principal, buyerID uuid.UUID, in buyer.Demand) (int64, error)
	// EventReport renders GET /v1/events/{id}/report?format=html: the page
	// and its Content-Security-Policy.
	EventReport(ctx context.Context, eventID uuid.UUID) (page []byte, csp string, err error)
	// WaitFor waits until the named read models have applied position pos;
	// a pos of 0 or less means the latest event stored.
	WaitFor(ctx context.Context, names []string, pos int64) error
	// FirmBackend holds the commands of the firms' pages.
	FirmBackend
}

// Querier runs the read models' queries: a *pgxpool.Pool in production.
// Every read model's package declares the same interface.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Config wires a Console.
type Config struct {
	Backend Backend
	// DB is where the read models are queried.
	DB     Querier
	Logger *slog.Logger
	Clock  func() time.Time
	// API is the HTTP API, which the organiser's pages call in this
	// process with the session's token (see org_api.go).
	API http.Handler
}

// Validate reports every missing dependency at once.
func (c Config) Validate() error {
	var errs []error
	if c.Backend == nil {
		errs = append(errs, errors.New("console: nil backend"))
	}
	if c.DB == nil {
		errs = append(errs, errors.New("console: nil database"))
	}
	return errors.Join(errs...)
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
}

// Console serves the pages under / and /console/. Safe for concurrent use.
type Console struct {
	cfg   Config
	mux   *http.ServeMux
	pages map[string]*template.Template
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Prefix is the path under which every console page but the sign-in page
// (at /) lives.
const Prefix = "/console/"

// NewWithConfig builds the console and parses its templates.
func NewWithConfig(cfg Config) (*Console, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	c := &Console{cfg: cfg, mux: http.NewServeMux(), pages: map[string]*template.Template{}}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if n == "templates/layout.html" || n == "templates/fields.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/fields.html", n)
		if err != nil {
			return nil, fmt.Errorf("console: %s: %w", n, err)
		}
		c.pages[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] = t
	}
	static, _ := fs.Sub(staticFS, "static")
	c.mux.Handle("GET /console/static/", http.StripPrefix("/console/static/", http.FileServerFS(static)))
	c.mux.HandleFunc("GET /{$}", c.home)
	c.mux.HandleFunc("GET /console/{$}", c.home)
	c.mux.HandleFunc("POST /console/signin", c.signIn)
	c.mux.HandleFunc("POST /console/signout", c.page(c.signOut))
	c.mux.HandleFunc("GET /console/suppliers/{id}", c.page(c.supplierPage))
	c.mux.HandleFunc("POST /console/suppliers/{id}/capabilities", c.page(c.declareCapability))
	c.mux.HandleFunc("GET /console/buyers/{id}", c.page(c.buyerPage))
	c.mux.HandleFunc("POST /console/buyers/{id}/demands", c.page(c.postDemand))
	c.mux.HandleFunc("GET /console/directory", c.page(c.directory))
	c.mux.HandleFunc("GET /console/events", c.page(c.events))
	c.mux.HandleFunc("GET /console/events/{id}/report", c.page(c.eventReport))
	c.orgRoutes()
	c.firmRoutes()
	return c, nil
}

// csp allows the console's own stylesheet and form posts to itself only:
// no script runs and nothing is fetched from another host.
const csp = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// ServeHTTP implements http.Handler.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	c.mux.ServeHTTP(w, r)
}

// Cookie names.
const (
	sessionCookie = "kl_session"
	// preCookie is the anonymous visitor's CSRF secret, before sign-in.
	preCookie = "kl_pre"
)

// view is what every page template gets.
type view struct {
	L     lang
	Title string
	User  *Principal
	CSRF  string
	Path  string
	Data  any
	// Done confirms what the form before the page did (see savedURL).
	Done string
	// Now is the console's clock, for what a page shows as past.
	Now time.Time
}

// request is one page request: who asks, in which language, with which
// CSRF secret.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	l       lang
	user    Principal
	session string
}

// page wraps a handler for signed-in users: it resolves the session
// (redirecting to the sign-in page without one) and checks the CSRF token
// of every POST.
func (c *Console) page(h func(*request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req := &request{w: w, r: r, l: pickLang(w, r)}
		w.Header().Set("Content-Language", string(req.l))
		w.Header().Set("Cache-Control", "no-store")
		ck, err := r.Cookie(sessionCookie)
		if err == nil {
			req.session = ck.Value
			req.user, err = c.cfg.Backend.Resolve(r.Context(), ck.Value)
		}
		if err != nil {
			if errors.Is(err, ErrNoSession) || errors.Is(err, http.ErrNoCookie) {
				http.Redirect(w, r, "/", http.StatusSeeOther)
				return
			}
			c.fail(req, err)
			return
		}
		if r.Method == http.MethodPost && !validCSRF(r, req.session) {
			c.status(req, http.StatusForbidden, "csrf")
			return
		}
		if err := h(req); err != nil {
			c.fail(req, err)
		}
	}
}

// csrfToken derives the token forms carry from the secret cookie (the
// session, or the anonymous visitor's cookie before sign-in). A page on
// another site can neither read the cookie nor compute the token.
func csrfToken(secret string) string {
	sum := sha256.Sum256([]byte("keylink-console-csrf\x00" + secret))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func validCSRF(r *http.Request, secret string) bool {
	if secret == "" {
		return false
	}
	got := r.PostFormValue("csrf")
	return subtle.ConstantTimeCompare([]byte(got), []byte(csrfToken(secret))) == 1
}

// render writes a page with status.
func (c *Console) render(req *request, status int, name, title string, data any) error {
	t, ok := c.pages[name]
	if !ok {
		return fmt.Errorf("console: no template %q", name)
	}
	v := view{L: req.l, Title: title, Data: data, Path: req.r.URL.Path, Done: doneMessage(req), Now: c.cfg.Clock()}
	if req.user.Role != "" {
		u := req.user
		v.User = &u
	}
	if req.session != "" {
		v.CSRF = csrfToken(req.session)
	}
	var b strings.Builder
	if err := t.Execute(&b, v); err != nil {
		return err
	}
	req.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	req.w.Header().Set("Content-Language", string(req.l))
	req.w.WriteHeader(status)
	_, err := req.w.Write([]byte(b.String()))
	return err
}

// status renders the error page with a catalogue message.
func (c *Console) status(req *request, code int, key string) {
	if err := c.render(req, code, "error", req.l.T("error"), req.l.T(key)); err != nil {
		c.cfg.Logger.Error("console: render error page", "err", err)
	}
}

// newSecret is a random cookie value.
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
}

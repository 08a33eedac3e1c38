package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/board"
	"github.com/keylink/keylink/projections/conferences"
	"github.com/keylink/keylink/projections/directory"
	"github.com/keylink/keylink/projections/matches"
	"github.com/keylink/keylink/projections/search"
)

// sessionMaxAge matches the lifetime of the API's session tokens.
const sessionMaxAge = 30 * 24 * 3600

// home is the sign-in page, or the signed-in user's own start page.
func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	req := &request{w: w, r: r, l: pickLang(w, r)}
	if ck, err := r.Cookie(sessionCookie); err == nil {
		if p, err := c.cfg.Backend.Resolve(r.Context(), ck.Value); err == nil {
			http.Redirect(w, r, startPage(p), http.StatusSeeOther)
			return
		}
	}
	c.signInPage(req, http.StatusOK, "", "")
}

// startPage is where a principal lands after signing in.
func startPage(p Principal) string {
	switch p.Role {
	case RoleSupplier:
		return Prefix + "suppliers/" + p.OrganisationID.String()
	case RoleBuyer:
		return Prefix + "buyers/" + p.OrganisationID.String()
	}
	return Prefix + "directory"
}

// signInPage renders the sign-in forms, giving an anonymous visitor the
// secret cookie its CSRF token is derived from.
func (c *Console) signInPage(req *request, status int, email, problem string) {
	secret := ""
	if ck, err := req.r.Cookie(preCookie); err == nil && len(ck.Value) >= 32 {
		secret = ck.Value
	} else {
		secret = newSecret()
		setCookie(req.w, req.r, preCookie, secret, 3600*12)
	}
	req.w.Header().Set("Cache-Control", "no-store")
	data := struct{ Email, Problem, Token string }{email, problem, csrfToken(secret)}
	if err := c.render(req, status, "signin", req.l.T("signin.title"), data); err != nil {
		c.cfg.Logger.Error("console: render sign-in", "err", err)
	}
}

// signIn checks the e-mail and password (or an organiser's token) and sets
// the session cookie.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	req := &request{w: w, r: r, l: pickLang(w, r)}
	ck, err := r.Cookie(preCookie)
	if err != nil || !validCSRF(r, ck.Value) {
		c.status(req, http.StatusForbidden, "csrf")
		return
	}
	email := r.PostFormValue("email")
	var token string
	if t := r.PostFormValue("token"); t != "" {
		token, err = c.cfg.Backend.SignInToken(r.Context(), t)
	} else {
		token, err = c.cfg.Backend.SignIn(r.Context(), email, r.PostFormValue("password"))
	}
	switch {
	case errors.Is(err, ErrBadCredentials):
		key := "signin.bad"
		if r.PostFormValue("token") != "" {
			key = "signin.badtoken"
		}
		c.signInPage(req, http.StatusUnauthorized, email, req.l.T(key))
		return
	case err != nil:
		c.fail(req, err)
		return
	}
	setCookie(w, r, preCookie, "", -1)
	setCookie(w, r, sessionCookie, token, sessionMaxAge)
	c.landed(r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// landingReadModels are the read models the pages a principal lands on read.
var landingReadModels = []string{"directory", "directory_search", "board", "matches"}

// signInWait bounds how long signing in waits for the read models.
const signInWait = 5 * time.Second

// landed waits, up to signInWait, until the read models a landing page reads
// hold everything written before the sign-in: a firm signed up, imported or
// edited a moment ago sees itself on its first page. A read model still late
// leaves the page as it stands.
func (c *Console) landed(r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), signInWait)
	defer cancel()
	if err := c.cfg.Backend.WaitFor(ctx, landingReadModels, 0); err != nil {
		c.cfg.Logger.Warn("console: read models late at sign-in", "err", err)
	}
}

func (c *Console) signOut(req *request) error {
	if err := c.cfg.Backend.SignOut(req.r.Context(), req.session); err != nil {
		return err
	}
	setCookie(req.w, req.r, sessionCookie, "", -1)
	http.Redirect(req.w, req.r, "/", http.StatusSeeOther)
	return nil
}

// fail renders the error page for err: the domain's kinds as their
// statuses, a database outage as 503, anything else logged and a 500.
func (c *Console) fail(req *request, err error) {
	err = eventstore.Translate(err)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		c.status(req, http.StatusNotFound, "notfound")
	case errors.Is(err, domain.ErrForbidden):
		c.status(req, http.StatusForbidden, "forbidden")
	case errors.Is(err, domain.ErrConflict):
		c.status(req, http.StatusConflict, "conflict")
	case errors.Is(err, eventstore.ErrUnavailable), errors.Is(err, eventstore.ErrNotCaughtUp):
		req.w.Header().Set("Retry-After", "1")
		c.status(req, http.StatusServiceUnavailable, "unavailable")
	default:
		c.cfg.Logger.Error("console: request failed", "path", req.r.URL.Path, "err", err)
		c.status(req, http.StatusInternalServerError, "error")
	}
}

var (
	errNotFound  = domain.Errorf(domain.ErrNotFound, "no such page")
	errForbidden = domain.Errorf(domain.ErrForbidden, "not for this role")
)

// firm parses the {id} of a firm's page and checks that the user may open
// it: organisers any, a firm of role its own only (another firm's page is
// not found, as in the API), other roles none.
func firm(req *request, role string) (uuid.UUID, error) {
	id, err := uuid.Parse(req.r.PathValue("id"))
	if err != nil {
		return uuid.Nil, errNotFound
	}
	switch u := req.user; {
	case u.Role == RoleOrganiser:
	case u.Role == role && u.OrganisationID == id:
	case u.Role == role:
		return uuid.Nil, errNotFound
	default:
		return uuid.Nil, errForbidden
	}
	return id, nil
}

// organiser refuses everyone else.
func organiser(req *request) error {
	if req.user.Role != RoleOrganiser {
		return errForbidden
	}
	return nil
}

// afterWait bounds how long a page waits for its read models. It is longer
// than the API's 5 s: a person who just saved a form would rather wait a
// little more than see a page without what they saved.
const afterWait = 20 * time.Second

// waitAfter honours ?after=P, the position a form's command answered with,
// so that a page shown after a write includes it. A read model still late
// after afterWait leaves the page as it stands.
func (c *Console) waitAfter(req *request, names ...string) {
	pos, err := strconv.ParseInt(req.r.URL.Query().Get("after"), 10, 64)
	if err != nil || pos <= 0 {
		return
	}
	ctx, cancel := context.WithTimeout(req.r.Context(), afterWait)
	defer cancel()
	if err := c.cfg.Backend.WaitFor(ctx, names, pos); err != nil {
		c.cfg.Logger.Warn("console: read model late", "after", pos, "err", err)
	}
}

// supplierView is the supplier page: profile, capabilities, match list and
// the capability form.
type supplierView struct {
	Supplier directory.Supplier
	Matches  matches.SupplierMatchList
	Form     *form
	Saved    bool
}

func (c *Console) supplierPage(req *request) error {
	id, err := firm(req, RoleSupplier)
	if err != nil {
		return err
	}
	c.waitAfter(req, "directory", "matches")
	return c.renderSupplier(req, id, http.StatusOK, newForm(map[string]string{"capacity.unit": "pcs"}))
}

// catchUp runs get, and once more after the read models caught up with
// the latest event when it found nothing: a firm that signed up a moment
// ago may not be in them yet.
func catchUp[T any](c *Console, req *request, names []string, get func() (T, error)) (T, error) {
	v, err := get()
	if !errors.Is(err, domain.ErrNotFound) {
		return v, err
	}
	ctx, cancel := context.WithTimeout(req.r.Context(), afterWait)
	defer cancel()
	if werr := c.cfg.Backend.WaitFor(ctx, names, 0); werr != nil {
		return v, err
	}
	return get()
}

func (c *Console) renderSupplier(req *request, id uuid.UUID, status int, f *form) error {
	ctx := req.r.Context()
	sup, err := catchUp(c, req, []string{"directory"}, func() (directory.Supplier, error) {
		return directory.GetSupplier(ctx, c.cfg.DB, id)
	})
	if err != nil {
		return err
	}
	// A firm that signed up a moment ago may not be in the matches yet:
	// its page shows no matches rather than no page.
	ms, err := matches.SupplierMatches(ctx, c.cfg.DB, id, matches.DefaultMatchLimit, c.cfg.Clock())
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	v := supplierView{Supplier: sup, Matches: ms, Form: f, Saved: req.r.URL.Query().Get("saved") == "1"}
	return c.render(req, status, "supplier", sup.Name, v)
}

// declareCapability handles the capability form: bad fields come back
// beside their inputs with what was typed; a declared capability redirects
// to the page, which waits for the read models to include it.
func (c *Console) declareCapability(req *request) error {
	id, err := firm(req, RoleSupplier)
	if err != nil {
		return err
	}
	in, f := capability(req.l, req.r)
	if !f.Bad() {
		var pos int64
		pos, err = c.cfg.Backend.DeclareCapability(req.r.Context(), req.user, id, in)
		if err == nil {
			http.Redirect(req.w, req.r, afterURL(req.r.URL.Path[:len(req.r.URL.Path)-len("/capabilities")], pos), http.StatusSeeOther)
			return nil
		}
		if !f.addDomain(req.l, err) {
			return err
		}
	}
	return c.renderSupplier(req, id, http.StatusBadRequest, f)
}

// afterURL is a page to show once the read models reached pos.
func afterURL(path string, pos int64) string {
	return path + "?" + url.Values{"after": {strconv.FormatInt(pos, 10)}, "saved": {"1"}}.Encode()
}

// buyerView is the buyer page: its demands with their ranked matches and
// the demand form.
type buyerView struct {
	Buyer   board.Buyer
	Demands []demandView
	Form    *form
	Saved   bool
}

type demandView struct {
	board.Demand
	Matches []matches.DemandMatch
}

func (c *Console) buyerPage(req *request) error {
	id, err := firm(req, RoleBuyer)
	if err != nil {
		return err
	}
	c.waitAfter(req, "board", "matches")
	return c.renderBuyer(req, id, http.StatusOK, newForm(map[string]string{"volume.unit": "pcs"}))
}

func (c *Console) renderBuyer(req *request, id uuid.UUID, status int, f *form) error {
	ctx := req.r.Context()
	b, err := catchUp(c, req, []string{"board"}, func() (board.Buyer, error) {
		return board.GetBuyer(ctx, c.cfg.DB, id)
	})
	if err != nil {
		return err
	}
	v := buyerView{Buyer: b, Form: f, Saved: req.r.URL.Query().Get("saved") == "1"}
	for i := len(b.Demands) - 1; i >= 0; i-- {
		d := demandView{Demand: b.Demands[i]}
		if d.Status == "open" {
			list, err := matches.DemandMatches(ctx, c.cfg.DB, d.ID, 10, c.cfg.Clock())
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return err
			}
			d.Matches = list.Matches
		}
		v.Demands = append(v.Demands, d)
	}
	return c.render(req, status, "buyer", b.Name, v)
}

func (c *Console) postDemand(req *request) error {
	id, err := firm(req, RoleBuyer)
	if err != nil {
		return err
	}
	in, f := demand(req.l, req.r)
	if !f.Bad() {
		var pos int64
		pos, err = c.cfg.Backend.PostDemand(req.r.Context(), req.user, id, in)
		if err == nil {
			http.Redirect(req.w, req.r, afterURL(req.r.URL.Path[:len(req.r.URL.Path)-len("/demands")], pos), http.StatusSeeOther)
			return nil
		}
		if !f.addDomain(req.l, err) {
			return err
		}
	}
	return c.renderBuyer(req, id, http.StatusBadRequest, f)
}

// directoryView is the organiser's directory: the query and one page.
type directoryView struct {
	Q, Group string
	Groups   []domain.IndustryGroup
	Page     search.SupplierPage
	NextURL  string
}

func (c *Console) directory(req *request) error {
	if err := organiser(req); err != nil {
		return err
	}
	c.waitAfter(req, "directory_search")
	q := req.r.URL.Query()
	v := directoryView{Q: q.Get("q"), Group: q.Get("industry_group"), Groups: domain.IndustryGroups}
	if v.Group != "" && !domain.IndustryGroup(v.Group).Valid() {
		v.Group = ""
	}
	page, err := search.SearchSuppliers(req.r.Context(), c.cfg.DB, search.SupplierQuery{
		Q: v.Q, IndustryGroup: v.Group, Limit: 25, Cursor: q.Get("cursor")})
	if err != nil {
		if errors.Is(err, domain.ErrInvalid) {
			return errNotFound
		}
		return err
	}
	v.Page = page
	if page.NextCursor != "" {
		v.NextURL = Prefix + "directory?" + url.Values{"q": {v.Q}, "industry_group": {v.Group}, "cursor": {page.NextCursor}}.Encode()
	}
	return c.render(req, http.StatusOK, "directory", req.l.T("directory"), v)
}

func (c *Console) events(req *request) error {
	if err := organiser(req); err != nil {
		return err
	}
	list, err := conferences.ListEvents(req.r.Context(), c.cfg.DB, 100)
	if err != nil {
		return err
	}
	return c.render(req, http.StatusOK, "events", req.l.T("events"), list)
}

// eventReport is the API's HTML report, for an organiser signed in to the
// console (the API itself wants a bearer token).
func (c *Console) eventReport(req *request) error {
	if err := organiser(req); err != nil {
		return err
	}
	id, err := uuid.Parse(req.r.PathValue("id"))
	if err != nil {
		return errNotFound
	}
	page, policy, err := c.cfg.Backend.EventReport(req.r.Context(), id)
	if err != nil {
		return err
	}
	req.w.Header().Set("Content-Security-Policy", policy)
	req.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err = req.w.Write(page)
	return err
}

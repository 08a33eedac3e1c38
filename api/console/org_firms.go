package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/projections/board"
	"github.com/keylink/keylink/projections/directory"
)

// firmAdminRoutes registers the organiser's pages of firms: a firm's page
// (history, invitations, key-product recognitions), the buyer list and the
// demand board.
func (c *Console) firmAdminRoutes() {
	c.mux.HandleFunc("GET /console/firms/{id}", c.org(c.firmPage))
	c.mux.HandleFunc("POST /console/firms/{id}/invitations", c.org(c.inviteUser))
	c.mux.HandleFunc("POST /console/firms/{id}/key-products", c.org(c.recogniseKeyProduct))
	c.mux.HandleFunc("GET /console/buyers", c.org(c.buyerList))
	c.mux.HandleFunc("GET /console/demands", c.org(c.demandBoard))
}

// firmView is the organiser's page of one firm.
type firmView struct {
	ID       uuid.UUID
	Role     string
	Supplier *directory.Supplier
	Buyer    *board.Buyer
	History  []historyItem
	// HistoryNext is the URL of the history's next page.
	HistoryNext string
	// Invitation is the one-time link just made, shown once.
	Invitation *invitation
	Invite     *form
	KeyProduct *form
	Problem    string
	OK         string
}

// historyItem is one line of GET /v1/{suppliers|buyers}/{id}/history.
type historyItem struct {
	Position   int64     `json:"position"`
	Type       string    `json:"type"`
	RecordedAt time.Time `json:"recorded_at"`
	Actor      string    `json:"actor"`
	Summary    string    `json:"summary"`
}

// invitation is the answer of POST /v1/organisations/{id}/invitations with
// the link that accepts it.
type invitation struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Email     string    `json:"-"`
	Link      string    `json:"-"`
}

func (c *Console) firmPage(req *request) error {
	c.waitAfter(req, "directory", "board")
	return c.renderFirm(req, http.StatusOK, nil, nil, nil, "")
}

// renderFirm shows firm {id}: a supplier, else a buyer.
func (c *Console) renderFirm(req *request, status int, inv *invitation, invite, kp *form, problem string) error {
	id, err := uuid.Parse(req.r.PathValue("id"))
	if err != nil {
		return errNotFound
	}
	v := firmView{ID: id, Invitation: inv, Invite: invite, KeyProduct: kp, Problem: problem, OK: okMessage(req)}
	if v.Invite == nil {
		v.Invite = newForm(nil)
	}
	if v.KeyProduct == nil {
		v.KeyProduct = newForm(map[string]string{"recognized_year": strconv.Itoa(c.cfg.Clock().Year())})
	}
	var s directory.Supplier
	err = c.api(req, http.MethodGet, "/v1/suppliers/"+id.String(), nil, &s)
	switch {
	case err == nil:
		v.Role, v.Supplier = RoleSupplier, &s
	case errors.Is(err, domain.ErrNotFound):
		var b board.Buyer
		if err := c.api(req, http.MethodGet, "/v1/buyers/"+id.String(), nil, &b); err != nil {
			return err
		}
		v.Role, v.Buyer = RoleBuyer, &b
	default:
		return err
	}
	var h struct {
		Items      []historyItem `json:"items"`
		NextCursor string        `json:"next_cursor"`
	}
	q := url.Values{"limit": {"50"}}
	if cur := req.r.URL.Query().Get("cursor"); cur != "" {
		q.Set("cursor", cur)
	}
	if err := c.api(req, http.MethodGet, "/v1/"+v.Role+"s/"+id.String()+"/history?"+q.Encode(), nil, &h); err != nil {
		return err
	}
	v.History = h.Items
	for i := range v.History {
		v.History[i].RecordedAt = v.History[i].RecordedAt.In(venueZone)
	}
	if h.NextCursor != "" {
		v.HistoryNext = Prefix + "firms/" + id.String() + "?" + url.Values{"cursor": {h.NextCursor}}.Encode() + "#history"
	}
	title := ""
	if v.Supplier != nil {
		title = v.Supplier.Name
	} else {
		title = v.Buyer.Name
	}
	return c.render(req, status, "org_firm", title, v)
}

// inviteUser: POST /console/firms/{id}/invitations runs POST
// /v1/organisations/{id}/invitations and shows the one-time link to copy;
// it is shown this once and kept nowhere.
func (c *Console) inviteUser(req *request) error {
	id, err := uuid.Parse(req.r.PathValue("id"))
	if err != nil {
		return errNotFound
	}
	f := read(req.r, "email")
	var inv invitation
	err = c.api(req, http.MethodPost, "/v1/organisations/"+id.String()+"/invitations", map[string]string{"email": f.V("email")}, &inv)
	if err == nil {
		inv.Email = f.V("email")
		inv.Link = origin(req.r) + Prefix + "invitations/accept?" + url.Values{"token": {inv.Token}}.Encode()
		return c.renderFirm(req, http.StatusCreated, &inv, nil, nil, "")
	}
	if f.addAPI(err, "email") {
		return c.renderFirm(req, http.StatusBadRequest, nil, f, nil, "")
	}
	if p := userProblem(err); p != "" {
		return c.renderFirm(req, statusOf(err), nil, f, nil, p)
	}
	return err
}

// origin is the scheme and host the browser reached the console at, for
// links people copy elsewhere.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// keyProductInputs are the inputs of the recognition form.
var keyProductInputs = []string{"product", "recognized_year", "decision_no"}

// recogniseKeyProduct: POST /console/firms/{id}/key-products runs POST
// /v1/suppliers/{id}/key-products.
func (c *Console) recogniseKeyProduct(req *request) error {
	id, err := uuid.Parse(req.r.PathValue("id"))
	if err != nil {
		return errNotFound
	}
	f := read(req.r, keyProductInputs...)
	year, _ := f.integer(req.l, "recognized_year")
	if !f.Bad() {
		var a accepted
		err = c.api(req, http.MethodPost, "/v1/suppliers/"+id.String()+"/key-products",
			map[string]any{"product": f.V("product"), "recognized_year": year, "decision_no": f.V("decision_no")}, &a)
		if err == nil {
			http.Redirect(req.w, req.r, okURL(Prefix+"firms/"+id.String(), a.Position, "org.ok.key_product"), http.StatusSeeOther)
			return nil
		}
		if !f.addAPI(err, keyProductInputs...) {
			p := userProblem(err)
			if p == "" {
				return err
			}
			return c.renderFirm(req, statusOf(err), nil, nil, f, p)
		}
	}
	return c.renderFirm(req, http.StatusBadRequest, nil, nil, f, "")
}

// listView is one page of a list the API answers, with its filters.
type listView[T any] struct {
	Q, Group, Country string
	Groups            []domain.IndustryGroup
	Items             []T
	Total             int
	NextURL           string
	Problem           string
}

// listPage reads one page of an API list with the given filters (the
// non-empty ones are passed on) into v.
func listPage[T any](c *Console, req *request, route, page string, filters []string, v *listView[T]) error {
	in := req.r.URL.Query()
	q := url.Values{"limit": {"25"}}
	for _, k := range append(filters, "cursor") {
		if s := strings.TrimSpace(in.Get(k)); s != "" {
			q.Set(k, s)
		}
	}
	var ans struct {
		Items      []T    `json:"items"`
		NextCursor string `json:"next_cursor"`
		Total      int    `json:"total"`
	}
	err := c.api(req, http.MethodGet, route+"?"+q.Encode(), nil, &ans)
	if p := userProblem(err); p != "" {
		v.Problem = p
		return nil
	}
	if err != nil {
		return err
	}
	v.Items, v.Total = ans.Items, ans.Total
	if ans.NextCursor != "" {
		q.Del("limit")
		q.Set("cursor", ans.NextCursor)
		v.NextURL = page + "?" + q.Encode()
	}
	return nil
}

// buyerList: GET /console/buyers?q=&country= (GET /v1/buyers).
func (c *Console) buyerList(req *request) error {
	q := req.r.URL.Query()
	v := listView[board.BuyerSummary]{Q: q.Get("q"), Country: q.Get("country")}
	if err := listPage(c, req, "/v1/buyers", Prefix+"buyers", []string{"q", "country"}, &v); err != nil {
		return err
	}
	return c.render(req, http.StatusOK, "org_buyers", req.l.T("org.buyers"), v)
}

// demandBoard: GET /console/demands?q=&industry_group=&country= (GET
// /v1/demands): the open demands of every buyer.
func (c *Console) demandBoard(req *request) error {
	c.waitAfter(req, "board")
	q := req.r.URL.Query()
	v := listView[board.BoardDemand]{Q: q.Get("q"), Group: q.Get("industry_group"), Country: q.Get("country"),
		Groups: domain.IndustryGroups}
	if err := listPage(c, req, "/v1/demands", Prefix+"demands", []string{"q", "industry_group", "country"}, &v); err != nil {
		return err
	}
	return c.render(req, http.StatusOK, "org_demands", req.l.T("org.board"), v)
}

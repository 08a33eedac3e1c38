package console

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/projections/board"
	"github.com/keylink/keylink/projections/directory"
)

// certRows is how many certificates the capability edit form offers.
const certRows = 3

// certInputs names the inputs of certificate row i: row 0 keeps the names
// of the declaration form.
func certInputs(i int) (standard, until string) {
	if i == 0 {
		return "certifications.standard", "certifications.valid_until"
	}
	n := strconv.Itoa(i)
	return "certifications." + n + ".standard", "certifications." + n + ".valid_until"
}

// capabilityRows reads the capability form with its extra certificate rows.
func capabilityRows(l lang, r *http.Request) (supplier.Capability, *form) {
	in, f := capability(l, r)
	for i := 1; i < certRows; i++ {
		sn, un := certInputs(i)
		std, until := strings.TrimSpace(r.PostFormValue(sn)), strings.TrimSpace(r.PostFormValue(un))
		f.Values[sn], f.Values[un] = std, until
		if std != "" || until != "" {
			in.Certifications = append(in.Certifications, supplier.CertificationInput{Standard: std, ValidUntil: date(until)})
		}
	}
	return in, f
}

var certPathRE = regexp.MustCompile(`^certifications\[(\d+)\]\.(.+)$`)

// addDomainRows is addDomain for a form with several certificate rows: a
// problem of certifications[i] stays beside row i.
func (f *form) addDomainRows(l lang, err error) bool {
	var v *domain.ValidationError
	if !errors.As(err, &v) {
		return false
	}
	// Row numbers count the certificates sent, which skip empty rows.
	rows := []int{}
	for i := range certRows {
		sn, un := certInputs(i)
		if f.V(sn) != "" || f.V(un) != "" {
			rows = append(rows, i)
		}
	}
	out := &domain.ValidationError{}
	for _, fe := range v.Fields {
		if m := certPathRE.FindStringSubmatch(fe.Field); m != nil {
			if k, _ := strconv.Atoi(m[1]); k < len(rows) && rows[k] > 0 {
				fe.Field = "certifications." + strconv.Itoa(rows[k]) + "." + m[2]
			}
		}
		out.Fields = append(out.Fields, fe)
	}
	return f.addDomain(l, out)
}

// capabilityValues fills the edit form from a capability as stored.
func capabilityValues(l lang, c directory.Capability) *form {
	v := map[string]string{
		"title": c.Title, "description": c.Description, "industry_group": string(c.IndustryGroup), "vsic": c.VSIC,
		"hs_codes": strings.Join(c.HSCodes, ", "), "processes": strings.Join(c.Processes, ", "),
		"materials": strings.Join(c.Materials, ", "), "export_markets": strings.Join(c.ExportMarkets, ", "),
		"capacity.quantity": l.Number(c.Capacity.Quantity), "capacity.unit": string(c.Capacity.Unit),
		"lead_time_days": strconv.Itoa(c.LeadTimeDays),
	}
	if c.MOQ != nil {
		v["moq"] = l.Number(*c.MOQ)
	}
	for i, cert := range c.Certifications {
		if i >= certRows {
			break
		}
		sn, un := certInputs(i)
		// A date input takes the ISO form and shows it as the browser's
		// locale wants.
		v[sn], v[un] = cert.Standard, cert.ValidUntil.Format(time.DateOnly)
	}
	return newForm(v)
}

// capabilityView is the page of one capability: its edit form and the
// withdrawal.
type capabilityView struct {
	Supplier   directory.Supplier
	Capability directory.Capability
	Form       *form
	CertRows   []int
}

func (c *Console) capabilityTarget(req *request) (directory.Supplier, directory.Capability, error) {
	id, err := firm(req, RoleSupplier)
	if err != nil {
		return directory.Supplier{}, directory.Capability{}, err
	}
	cid, err := uuid.Parse(req.r.PathValue("cid"))
	if err != nil {
		return directory.Supplier{}, directory.Capability{}, errNotFound
	}
	ctx := req.r.Context()
	sup, err := catchUp(c, req, []string{"directory"}, func() (directory.Supplier, error) {
		return directory.GetSupplier(ctx, c.cfg.DB, id)
	})
	if err != nil {
		return sup, directory.Capability{}, err
	}
	for _, cp := range sup.Capabilities {
		if cp.ID == cid {
			return sup, cp, nil
		}
	}
	return sup, directory.Capability{}, errNotFound
}

func (c *Console) renderCapability(req *request, status int, sup directory.Supplier, cp directory.Capability, f *form) error {
	rows := make([]int, certRows)
	for i := range rows {
		rows[i] = i
	}
	return c.render(req, status, "supplier_capability", cp.Title, capabilityView{Supplier: sup, Capability: cp, Form: f, CertRows: rows})
}

// capabilityPage: GET /console/suppliers/{id}/capabilities/{cid}.
func (c *Console) capabilityPage(req *request) error {
	sup, cp, err := c.capabilityTarget(req)
	if err != nil {
		return err
	}
	return c.renderCapability(req, http.StatusOK, sup, cp, capabilityValues(req.l, cp))
}

// reviseCapability: POST /console/suppliers/{id}/capabilities/{cid}
// replaces the capability (PUT .../capabilities/{cid}).
func (c *Console) reviseCapability(req *request) error {
	sup, cp, err := c.capabilityTarget(req)
	if err != nil {
		return err
	}
	in, f := capabilityRows(req.l, req.r)
	if !f.Bad() {
		pos, err := c.cfg.Backend.ReviseCapability(req.r.Context(), req.user, sup.ID, cp.ID, in)
		if err == nil {
			http.Redirect(req.w, req.r, savedURL(Prefix+"suppliers/"+sup.ID.String(), pos, "capability.revised"), http.StatusSeeOther)
			return nil
		}
		if !f.addDomainRows(req.l, err) {
			return err
		}
	}
	return c.renderCapability(req, http.StatusBadRequest, sup, cp, f)
}

// withdrawCapability: POST .../capabilities/{cid}/withdraw (DELETE
// .../capabilities/{cid}).
func (c *Console) withdrawCapability(req *request) error {
	sup, cp, err := c.capabilityTarget(req)
	if err != nil {
		return err
	}
	pos, err := c.cfg.Backend.WithdrawCapability(req.r.Context(), req.user, sup.ID, cp.ID)
	if err != nil {
		return err
	}
	http.Redirect(req.w, req.r, savedURL(Prefix+"suppliers/"+sup.ID.String(), pos, "capability.withdrawn"), http.StatusSeeOther)
	return nil
}

// savedURL is a page to show once the read models reached pos, with the
// catalogue message key saying what was done.
func savedURL(path string, pos int64, key string) string {
	return path + "?" + url.Values{"after": {strconv.FormatInt(pos, 10)}, "done": {key}}.Encode()
}

// doneMessage is the confirmation a page shows after savedURL: only keys
// of the catalogue under "done." are shown.
func doneMessage(req *request) string {
	key := req.r.URL.Query().Get("done")
	if _, ok := enText[key]; !ok || !strings.HasPrefix(key, "capability.") && !strings.HasPrefix(key, "demand.") &&
		!strings.HasPrefix(key, "event.") {
		return ""
	}
	return req.l.T(key)
}

// boardView is the demand board as a supplier reads it.
type boardView struct {
	Supplier directory.Supplier
	Q, Group string
	Groups   []domain.IndustryGroup
	Page     board.MatchedDemandPage
	Problem  string
	NextURL  string
}

// boardPage: GET /console/suppliers/{id}/board?q=&industry_group=&cursor=:
// the open demands (GET /v1/demands), each with its match for the
// supplier.
func (c *Console) boardPage(req *request) error {
	id, err := firm(req, RoleSupplier)
	if err != nil {
		return err
	}
	c.waitAfter(req, "board", "matches")
	ctx := req.r.Context()
	sup, err := catchUp(c, req, []string{"directory"}, func() (directory.Supplier, error) {
		return directory.GetSupplier(ctx, c.cfg.DB, id)
	})
	if err != nil {
		return err
	}
	q := req.r.URL.Query()
	v := boardView{Supplier: sup, Q: q.Get("q"), Group: q.Get("industry_group"), Groups: domain.IndustryGroups}
	page, err := board.ListDemands(ctx, c.cfg.DB, board.DemandQuery{Q: v.Q, IndustryGroup: v.Group,
		Limit: 20, Cursor: q.Get("cursor")})
	status := http.StatusOK
	if err != nil {
		f := newForm(nil)
		if !f.addDomain(req.l, err) {
			return err
		}
		status = http.StatusBadRequest
		for _, msg := range f.Errors {
			v.Problem = msg
		}
		v.Page.Items = []board.MatchedDemand{}
	} else {
		if v.Page, err = page.WithMatches(ctx, c.cfg.DB, id, c.cfg.Clock()); err != nil {
			return err
		}
		if page.NextCursor != "" {
			v.NextURL = Prefix + "suppliers/" + id.String() + "/board?" +
				url.Values{"q": {v.Q}, "industry_group": {v.Group}, "cursor": {page.NextCursor}}.Encode()
		}
	}
	return c.render(req, status, "supplier_board", req.l.T("board"), v)
}

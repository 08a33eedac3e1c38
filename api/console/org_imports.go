package console

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/keylink/keylink/projections/conferences"
)

// importRoutes registers the organiser's upload of spreadsheets (POST
// /v1/imports).
func (c *Console) importRoutes() {
	c.mux.HandleFunc("GET /console/imports", c.org(c.importPage))
	c.mux.HandleFunc("POST /console/imports", c.limitUpload(c.org(c.postImport)))
}

// maxUpload bounds an upload: the API's 20 MiB file and the form around it.
const maxUpload = 21 << 20

// importKinds are the kinds of file the API imports, in the page's order.
var importKinds = []string{"suppliers", "buyers", "demands", "key_products", "registrations"}

// importView is the upload form and, after an upload, what the API made of
// the file.
type importView struct {
	Kinds   []string
	Events  []conferences.EventSummary
	Form    *form
	Result  *importResult
	Problem string
}

// importResult is the answer of POST /v1/imports.
type importResult struct {
	Kind      string `json:"kind"`
	DryRun    bool   `json:"dry_run"`
	Written   bool   `json:"written"`
	Rows      int    `json:"rows"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Errors    []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Message string `json:"message"`
	} `json:"errors"`
	// File is the name of the file uploaded.
	File string `json:"-"`
}

func (c *Console) importPage(req *request) error {
	return c.renderImport(req, http.StatusOK, newForm(map[string]string{"kind": "suppliers", "dry_run": "true"}), nil, "")
}

func (c *Console) renderImport(req *request, status int, f *form, res *importResult, problem string) error {
	var evs struct {
		Events []conferences.EventSummary `json:"events"`
	}
	if err := c.api(req, http.MethodGet, "/v1/events", nil, &evs); err != nil {
		return err
	}
	v := importView{Kinds: importKinds, Events: evs.Events, Form: f, Result: res, Problem: problem}
	return c.render(req, status, "org_imports", req.l.T("org.imports"), v)
}

// limitUpload refuses an upload over maxUpload before its form is read
// (413 with the page saying so) and caps what is read of the others.
func (c *Console) limitUpload(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxUpload {
			req := &request{w: w, r: r, l: pickLang(w, r)}
			c.status(req, http.StatusRequestEntityTooLarge, "org.err.toolarge")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
		next(w, r)
	}
}

// postImport: POST /console/imports (multipart: kind, event_id, dry_run,
// file) sends the file to POST /v1/imports and shows the counts and every
// row error, in the page's language.
func (c *Console) postImport(req *request) error {
	f := read(req.r, "kind", "event_id", "dry_run")
	if f.V("dry_run") == "" {
		f.Values["dry_run"] = "false"
	}
	file, hdr, err := req.r.FormFile("file")
	var data []byte
	switch {
	case errors.Is(err, http.ErrMissingFile):
		f.add("file", req.l.T("org.err.nofile"))
	case err != nil:
		f.add("file", req.l.T("org.err.badfile"))
	default:
		defer file.Close()
		if data, err = io.ReadAll(file); err != nil {
			f.add("file", req.l.T("org.err.badfile"))
		}
	}
	if f.Bad() {
		return c.renderImport(req, http.StatusBadRequest, f, nil, "")
	}
	q := url.Values{"kind": {f.V("kind")}}
	if f.V("dry_run") == "true" {
		q.Set("dry_run", "true")
	}
	if f.V("kind") == "registrations" {
		q.Set("event_id", f.V("event_id"))
	}
	media := "application/octet-stream" // the API tells a workbook from CSV
	switch name := strings.ToLower(hdr.Filename); {
	case strings.HasSuffix(name, ".xlsx"):
		media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case strings.HasSuffix(name, ".csv"):
		media = "text/csv"
	}
	a, err := c.apiDo(req, http.MethodPost, "/v1/imports?"+q.Encode(), media, bytes.NewReader(data))
	if err != nil {
		if f.addAPI(err, "kind", "event_id", "dry_run", "file") {
			return c.renderImport(req, http.StatusBadRequest, f, nil, "")
		}
		if p := userProblem(err); p != "" {
			f.add("file", p)
			return c.renderImport(req, statusOf(err), f, nil, "")
		}
		return err
	}
	res := &importResult{File: hdr.Filename}
	if err := jsonDecode(a.body.Bytes(), res); err != nil {
		return err
	}
	return c.renderImport(req, http.StatusOK, f, res, "")
}

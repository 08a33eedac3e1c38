package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
)

// The organiser's pages run every command and read through the HTTP API
// itself (Config.API), in this process, with the session's own token and
// the page's language: the same routes, roles, validation and read models
// as any client, and problems already in the user's language.

// apiError is a problem the API answered with: its status and the detail
// and bad fields, in the page's language. It unwraps to the domain's kind
// of the status, so that Console.fail shows the right page.
type apiError struct {
	Status int
	Detail string
	Fields []domain.FieldError
}

func (e *apiError) Error() string {
	return fmt.Sprintf("console: API answered %d: %s", e.Status, e.Detail)
}

func (e *apiError) Unwrap() error {
	switch e.Status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType,
		http.StatusUnprocessableEntity:
		return domain.ErrInvalid
	case http.StatusForbidden, http.StatusUnauthorized:
		return domain.ErrForbidden
	case http.StatusNotFound:
		return domain.ErrNotFound
	case http.StatusConflict, http.StatusPreconditionFailed:
		return domain.ErrConflict
	case http.StatusGone:
		return domain.ErrGone
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		return eventstore.ErrUnavailable
	}
	return nil
}

// userProblem is the text of an API problem a person can act on (a bad
// request, a conflict), in the page's language; empty for other errors,
// which the error page shows.
func userProblem(err error) string {
	var ae *apiError
	if !errors.As(err, &ae) {
		return ""
	}
	switch ae.Status {
	case http.StatusBadRequest, http.StatusConflict, http.StatusGone, http.StatusPreconditionFailed,
		http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		msg := ae.Detail
		for _, f := range ae.Fields {
			msg += "; " + f.Field + ": " + f.Message
		}
		return msg
	}
	return ""
}

// answer is what the API answered one request.
type answer struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func (a *answer) Header() http.Header { return a.header }
func (a *answer) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(b)
}
func (a *answer) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
}

// apiDo sends one request to the API as the signed-in user.
func (c *Console) apiDo(req *request, method, path, contentType string, body io.Reader) (*answer, error) {
	if c.cfg.API == nil {
		return nil, errors.New("console: no API configured")
	}
	if body == nil {
		body = http.NoBody // the API reads the body of every command
	}
	r, err := http.NewRequestWithContext(req.r.Context(), method, path, body)
	if err != nil {
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+req.session)
	r.Header.Set("Accept-Language", string(req.l))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	r.RemoteAddr = req.r.RemoteAddr
	a := &answer{header: http.Header{}}
	c.cfg.API.ServeHTTP(a, r)
	if a.status == 0 {
		a.status = http.StatusOK
	}
	if a.status >= 300 {
		var p struct {
			Detail string              `json:"detail"`
			Errors []domain.FieldError `json:"errors"`
		}
		_ = json.Unmarshal(a.body.Bytes(), &p)
		return a, &apiError{Status: a.status, Detail: p.Detail, Fields: p.Errors}
	}
	return a, nil
}

// api sends a JSON body (none when body is nil) and decodes the answer into
// out (unless out is nil).
func (c *Console) api(req *request, method, path string, body, out any) error {
	var (
		rd io.Reader
		ct string
	)
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	a, err := c.apiDo(req, method, path, ct, rd)
	if err != nil || out == nil {
		return err
	}
	if err := jsonDecode(a.body.Bytes(), out); err != nil {
		return fmt.Errorf("console: %s %s: %w", method, path, err)
	}
	return nil
}

// jsonDecode reads an answer of the API.
func jsonDecode(raw []byte, out any) error {
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("console: decode the API's answer: %w", err)
	}
	return nil
}

// accepted is the API's answer to a command.
type accepted struct {
	ID       string `json:"id"`
	Position int64  `json:"position"`
}

// addAPI puts the bad fields of an API problem (already in the page's
// language) beside the inputs named in inputs: a field's own input, else
// the input its path starts with (breaks[0].from is breaks), else the
// form's general message. It reports false when err is no 400 problem.
func (f *form) addAPI(err error, inputs ...string) bool {
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
		return false
	}
	if len(ae.Fields) == 0 {
		f.add(generalInput, ae.Detail)
	}
	for _, fe := range ae.Fields {
		name := indexRE.ReplaceAllString(fe.Field, "")
		for !slices.Contains(inputs, name) {
			i := strings.LastIndexByte(name, '.')
			if i < 0 {
				name = ""
				break
			}
			name = name[:i]
		}
		if name == "" {
			f.add(generalInput, fe.Field+": "+fe.Message)
			continue
		}
		f.add(name, fe.Message)
	}
	return true
}

// generalInput is where a form keeps a problem that no input owns.
const generalInput = "_"

// okURL is the page to show after a command: it waits for the read models
// to reach pos and confirms with the catalogue's text of key.
func okURL(path string, pos int64, key string) string {
	return path + "?" + url.Values{"after": {strconv.FormatInt(pos, 10)}, "ok": {key}}.Encode()
}

// okMessage is the confirmation okURL asked for: only keys of the
// catalogue under "org.ok." are shown.
func okMessage(req *request) string {
	key := req.r.URL.Query().Get("ok")
	if _, ok := enText[key]; !ok || !strings.HasPrefix(key, "org.ok.") {
		return ""
	}
	return req.l.T(key)
}

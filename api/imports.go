package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/api/messages"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
)

// importLock is the lock every import holds (see eventstore.Tx.Lock).
var importLock = eventstore.Stream{Type: "keylink", ID: "import"}

// ImportReport is the answer of POST /v1/imports. Rows counts the data rows
// read; Created, Updated and Unchanged what became (or, in a dry run or
// with errors, would become) of them. A file with any error writes nothing
// (Written false) and lists every error at once; so does a dry run.
type ImportReport struct {
	Kind      string        `json:"kind"`
	DryRun    bool          `json:"dry_run"`
	Written   bool          `json:"written"`
	Rows      int           `json:"rows"`
	Created   int           `json:"created"`
	Updated   int           `json:"updated"`
	Unchanged int           `json:"unchanged"`
	Errors    []ImportError `json:"errors"`
	// Position is the global position of the last event written (0 when
	// nothing was): a GET with ?after=Position sees the imported rows.
	Position int64 `json:"position"`
}

// ImportError is one problem of one row: Row is the row number the
// spreadsheet shows (title and header rows counted), Column the header as
// the file writes it and Field its canonical name.
type ImportError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Import kinds.
const (
	importKeyProducts   = "key_products"
	importSuppliers     = "suppliers"
	importBuyers        = "buyers"
	importDemands       = "demands"
	importRegistrations = "registrations"
)

// importJob is one import being run: the rows, the report being filled in
// and, for registrations, the event.
type importJob struct {
	s       *Server
	kind    string
	table   table
	eventID uuid.UUID
	report  *ImportReport
	last    int64
	// lang is the caller's language, that of the row errors' messages.
	lang messages.Lang
	// progress, when set, is told how many rows are done.
	progress func(done, total int)
}

// importKind is how one kind of file is read and applied.
type importKind struct {
	columns columnSet
	run     func(j *importJob, ctx context.Context, tx *eventstore.Tx) error
}

// importKinds are the kinds POST /v1/imports takes.
var importKinds = map[string]importKind{
	importSuppliers:     {supplierColumns, (*importJob).suppliers},
	importKeyProducts:   {keyProductColumns, (*importJob).keyProducts},
	importBuyers:        {buyerColumns, (*importJob).buyers},
	importDemands:       {demandColumns, (*importJob).demands},
	importRegistrations: {registrationColumns, (*importJob).registrations},
}

// progressKey carries an import's progress callback in a request context.
type progressKey struct{}

// WithImportProgress returns ctx carrying fn, which an import run with a
// request of that context calls after each row (from the request's
// goroutine) with the rows done and the total. keylink import draws its
// progress bar with it.
func WithImportProgress(ctx context.Context, fn func(done, total int)) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

// errRollback ends an import's transaction without writing: a dry run, or
// a file with errors.
var errRollback = errors.New("import rolled back")

// postImport: POST /v1/imports?kind=K&dry_run=true&event_id=ID (organiser).
// Every row goes through the same domain commands as the API, in one
// transaction: all rows are validated first, and a file with any error
// writes nothing.
func (s *Server) postImport(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	q := c.QueryParams()
	var f fields
	for name := range q {
		if name != "kind" && name != "dry_run" && name != "event_id" {
			f.add(name, "is not a known parameter")
		}
	}
	kindName := q.Get("kind")
	kind, ok := importKinds[kindName]
	if !ok {
		f.add("kind", "must be one of key_products, suppliers, buyers, demands, registrations")
	}
	dry := false
	switch q.Get("dry_run") {
	case "", "false", "0":
	case "true", "1":
		dry = true
	default:
		f.add("dry_run", "must be true or false")
	}
	var eventID uuid.UUID
	if kindName == importRegistrations {
		eventID = f.id("event_id", q.Get("event_id"), true)
	} else if q.Has("event_id") {
		f.add("event_id", "is only for kind=registrations")
	}
	if err := f.join(nil); err != nil {
		return err
	}
	data, media, err := readUpload(c)
	if err != nil {
		return err
	}
	t, err := readTable(data, media, kind.columns)
	if err != nil {
		return err
	}
	rep := &ImportReport{Kind: kindName, DryRun: dry, Rows: len(t.Rows), Errors: []ImportError{}}
	j := &importJob{s: s, kind: kindName, table: t, eventID: eventID, report: rep, lang: lang(c)}
	j.progress, _ = c.Request().Context().Value(progressKey{}).(func(done, total int))
	ctx := eventstore.WithMetadata(c.Request().Context(), eventstore.Metadata{
		CorrelationID: c.Response().Header().Get(echo.HeaderXRequestID),
		Actor:         principal(c).String(),
	})
	err = s.store.Update(ctx, func(ctx context.Context, tx *eventstore.Tx) error {
		// One import at a time: natural keys are looked up, then written.
		if err := tx.Lock(ctx, importLock); err != nil {
			return err
		}
		if err := kind.run(j, ctx, tx); err != nil {
			return err
		}
		if dry || len(rep.Errors) > 0 {
			return errRollback
		}
		return nil
	})
	switch {
	case errors.Is(err, errRollback):
		if len(rep.Errors) > 0 {
			rep.Created, rep.Updated, rep.Unchanged = 0, 0, 0
			sort.SliceStable(rep.Errors, func(a, b int) bool { return rep.Errors[a].Row < rep.Errors[b].Row })
		}
	case err != nil:
		return err
	default:
		rep.Written, rep.Position = true, j.last
	}
	return c.JSON(http.StatusOK, rep)
}

// readUpload reads the file of an import request: the body itself, typed
// by its Content-Type (or sniffed when it is application/octet-stream or
// absent), or the multipart field "file". Over 20 MiB is a 413.
func readUpload(c echo.Context) (data []byte, media string, err error) {
	req := c.Request()
	ct := req.Header.Get(echo.HeaderContentType)
	mt, params, perr := mime.ParseMediaType(ct)
	if ct != "" && perr != nil {
		return nil, "", echo.NewHTTPError(http.StatusUnsupportedMediaType, "Content-Type is malformed")
	}
	if mt == "multipart/form-data" {
		return readMultipart(req.Body, params["boundary"])
	}
	switch mt {
	case mimeXLSX, mimeCSV, "application/csv", "text/plain", "application/octet-stream", "":
	default:
		return nil, "", echo.NewHTTPError(http.StatusUnsupportedMediaType,
			"Content-Type must be "+mimeXLSX+", text/csv or multipart/form-data with a field \"file\"")
	}
	data, err = readLimited(req.Body)
	if err != nil {
		return nil, "", err
	}
	return data, mediaOf(mt, "", data), nil
}

func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportFile+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errFileTooLarge
		}
		return nil, invalid("file", "could not be read")
	}
	if len(data) > maxImportFile {
		return nil, errFileTooLarge
	}
	if len(data) == 0 {
		return nil, invalid("file", "is empty")
	}
	return data, nil
}

func readMultipart(body io.Reader, boundary string) ([]byte, string, error) {
	if boundary == "" {
		return nil, "", invalid("file", "multipart body has no boundary")
	}
	mr := multipart.NewReader(io.LimitReader(body, maxImportFile+1<<20), boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", invalid("file", "is missing: send the file in the multipart field \"file\"")
		}
		if err != nil {
			return nil, "", invalid("file", "the multipart body is malformed")
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := readLimited(part)
		if err != nil {
			return nil, "", err
		}
		mt, _, _ := mime.ParseMediaType(part.Header.Get(echo.HeaderContentType))
		return data, mediaOf(mt, part.FileName(), data), nil
	}
}

// mediaOf decides whether data is a workbook or CSV: a zip file is a
// workbook whatever it is called; otherwise the declared type, then the
// file name say; CSV by default.
func mediaOf(mt, name string, data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return mimeXLSX
	case mt == mimeXLSX:
		return mimeXLSX
	case mt == mimeCSV || mt == "application/csv":
		return mimeCSV
	case strings.HasSuffix(strings.ToLower(name), ".xlsx"):
		return mimeXLSX
	case strings.HasSuffix(strings.ToLower(name), ".csv"):
		return mimeCSV
	}
	return mimeCSV
}

// rowDone counts one row as created, updated or unchanged and reports
// progress.
func (j *importJob) rowDone(i int, outcome int) {
	switch outcome {
	case rowCreated:
		j.report.Created++
	case rowUpdated:
		j.report.Updated++
	case rowUnchanged:
		j.report.Unchanged++
	}
	if j.progress != nil {
		j.progress(i+1, len(j.table.Rows))
	}
}

// What became of a row.
const (
	rowFailed = iota
	rowCreated
	rowUpdated
	rowUnchanged
)

// failf records that row is bad in column key, with the message format
// and args make, in the caller's language (the catalogue's key is the
// English format).
func (j *importJob) failf(row sheetRow, key, format string, args ...any) {
	j.record(row, key, j.lang.Tf(format, args...))
}

// record adds an error of row in column key with a message already in the
// caller's language.
func (j *importJob) record(row sheetRow, key, msg string) {
	col := j.table.Headers[key]
	if col == "" {
		col = key
	}
	j.report.Errors = append(j.report.Errors, ImportError{Row: row.Line, Column: col, Field: key, Message: msg})
}

var indexRE = regexp.MustCompile(`\[[0-9]+\]`)

// failWith records a domain error of row: each bad field of a validation
// error on its column, any other error on column key, in the caller's
// language.
func (j *importJob) failWith(row sheetRow, key string, err error) {
	var v *domain.ValidationError
	if errors.As(err, &v) {
		for _, fe := range v.Fields {
			j.record(row, indexRE.ReplaceAllString(fe.Field, ""), j.lang.Render(fe.Text()))
		}
		return
	}
	j.record(row, key, j.lang.Error(err))
}

// isRowError says whether err is about the row (reported with it) rather
// than the database (which ends the import).
func isRowError(err error) bool {
	return errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrConflict) ||
		errors.Is(err, domain.ErrNotFound) || errors.Is(err, domain.ErrForbidden)
}

// appended notes the position of the last event written.
func (j *importJob) appended(res eventstore.AppendResult) {
	if res.Position > j.last {
		j.last = res.Position
	}
}

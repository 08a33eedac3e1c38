package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/eventstore"
)

// maxBody is the largest request body accepted (the contract's 1 MiB).
const maxBody = 1 << 20

// readBody reads the whole body, refusing more than maxBody bytes, invalid
// UTF-8 and media types other than JSON.
func readBody(c echo.Context) ([]byte, error) {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, echo.NewHTTPError(http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		}
	}
	raw, err := io.ReadAll(io.LimitReader(c.Request().Body, maxBody+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errTooLarge
		}
		return nil, invalid("body", "could not be read")
	}
	if len(raw) > maxBody {
		return nil, errTooLarge
	}
	if !utf8.Valid(raw) {
		return nil, invalid("body", "must be valid UTF-8")
	}
	return raw, nil
}

// decodeJSON decodes raw into v strictly: unknown fields, wrong types,
// malformed or trailing JSON are validation errors naming the field.
func decodeJSON(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalid("body", "must hold exactly one JSON value")
	}
	return nil
}

// bind reads and decodes the body into v.
func bind(c echo.Context, v any) ([]byte, error) {
	raw, err := readBody(c)
	if err != nil {
		return nil, err
	}
	return raw, decodeJSON(raw, v)
}

func jsonProblem(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF):
		return invalid("body", "must be a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("body", "is truncated JSON")
	case errors.As(err, &syn):
		return invalid("body", "is malformed JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		// The message is a catalogue key of its own (see jsonKind).
		return &domain.ValidationError{Fields: []domain.FieldError{{Field: field, Message: jsonKind(typ.Type.Kind().String())}}}
	}
	// encoding/json has no typed error for unknown fields; this is the one
	// place its message is read.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return invalid(strings.Trim(name, `"`), "is not a known field")
	}
	var v *domain.ValidationError
	if errors.As(err, &v) {
		return err
	}
	if errors.Is(err, domain.ErrInvalid) {
		if m, ok := domain.MessageOf(err); ok && m.String() == err.Error() {
			return invalid("body", m.Format, m.Args...)
		}
		return invalid("body", "%s", err.Error())
	}
	return invalid("body", "is not valid JSON for this request")
}

// jsonKind is the message for a JSON value of the wrong kind.
func jsonKind(k string) string {
	switch k {
	case "string":
		return "must be a string"
	case "int", "int64", "int32", "uint64":
		return "must be an integer"
	case "float64", "float32":
		return "must be a number"
	case "bool":
		return "must be true or false"
	case "slice", "array":
		return "must be an array"
	case "struct", "map":
		return "must be an object"
	}
	return "must be of another type"
}

// invalid is a 400 naming one field; format is a catalogue key (see
// api/messages).
func invalid(field, format string, args ...any) error {
	return &domain.ValidationError{Fields: []domain.FieldError{domain.FieldErrorf(field, format, args...)}}
}

// pathID parses a UUID path parameter; a malformed one cannot name anything,
// so it is a 404.
func pathID(c echo.Context, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param(name))
	if err != nil {
		return uuid.Nil, domain.Errorf(domain.ErrNotFound, "no such %s", pathNoun(name))
	}
	return id, nil
}

// pathNouns name what a path parameter identifies, as a catalogue message
// ("no such demand" / "không tìm thấy nhu cầu").
var pathNouns = map[string]domain.Message{
	"cid": domain.Msgf("capability"), "did": domain.Msgf("demand"), "mid": domain.Msgf("meeting"),
	"rid": domain.Msgf("request"), "org": domain.Msgf("organisation"), "id": domain.Msgf("resource"),
}

func pathNoun(name string) any {
	if n, ok := pathNouns[name]; ok {
		return n
	}
	return strings.TrimSuffix(name, "_id")
}

// ifMatch parses If-Match: "N" (or N, or W/"N"). nil when absent.
func ifMatch(c echo.Context) (*int64, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		return nil, nil
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	n, err := strconv.ParseInt(h, 10, 64)
	if err != nil || n < 0 {
		return nil, invalid("If-Match", `must be a version in quotes, like "3"`)
	}
	return &n, nil
}

// unavailable marks database connection failures as 503s.
func unavailable(err error) error { return eventstore.Translate(err) }

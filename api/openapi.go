package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
)

// mediaTypes are the answers of each ?format= value.
var mediaTypes = map[string]string{
	formatJSON: echo.MIMEApplicationJSON,
	formatCSV:  mimeCSV,
	formatXLSX: mimeXLSX,
	formatHTML: echo.MIMETextHTML,
}

// openapiDoc builds the OpenAPI 3.0 document of the route table. Request and
// response bodies are Go values whose types are reflected into JSON Schemas
// (see reflector), so the document follows the code; docs (fieldDocs) say
// what the types cannot.
func openapiDoc(routes []route, docs map[fieldKey]fieldDoc) ([]byte, error) {
	r := &reflector{schemas: map[string]any{}, docs: docs, used: map[fieldKey]bool{}}
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		item := paths[rt.path]
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		method := strings.ToLower(rt.method)
		if _, dup := item[method]; dup {
			return nil, fmt.Errorf("openapi: %s %s is in the route table twice", rt.method, rt.path)
		}
		item[method] = r.operation(rt)
	}
	r.schema(reflect.TypeOf(Problem{}))
	if err := r.unused(); err != nil {
		return nil, err
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "KeyLink API", "version": "1",
			"description": "Links Hanoi's key-product and supporting-industry manufacturers with FDI buyers. Errors are RFC 9457 problem details."},
		"servers":    []any{map[string]any{"url": "/"}},
		"paths":      paths,
		"components": map[string]any{"schemas": r.schemas, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// operation describes one route.
func (r *reflector) operation(rt route) map[string]any {
	o := map[string]any{"summary": rt.summary, "parameters": parameters(rt), "responses": r.responses(rt),
		"operationId": strings.ToLower(rt.method) + strings.NewReplacer("/", "_", "{", "", "}", "").Replace(rt.path)}
	switch {
	case len(rt.consumes) > 0:
		content := map[string]any{}
		for _, mt := range rt.consumes {
			content[mt] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
		}
		o["requestBody"] = map[string]any{"required": true, "content": content}
	case rt.request != nil:
		o["requestBody"] = map[string]any{"required": !rt.bodyOptional,
			"content": map[string]any{echo.MIMEApplicationJSON: map[string]any{"schema": r.schema(reflect.TypeOf(rt.request))}}}
	}
	if !rt.public {
		o["security"] = []any{map[string]any{"bearer": []any{}}}
	}
	return o
}

// parameters are a route's path and query parameters, and its headers.
func parameters(rt route) []any {
	params := []any{}
	for _, seg := range strings.Split(rt.path, "/") {
		if strings.HasPrefix(seg, "{") {
			name := strings.Trim(seg, "{}")
			schema := map[string]any{"type": "string", "format": "uuid"}
			if name == "year" {
				schema = map[string]any{"type": "integer"}
			}
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": schema})
		}
	}
	for _, q := range rt.queryParams() {
		p := map[string]any{"name": q.name, "in": "query", "schema": q.schema}
		if q.about != "" {
			p["description"] = q.about
		}
		if q.required {
			p["required"] = true
		}
		params = append(params, p)
	}
	if rt.method == http.MethodGet {
		if strings.HasPrefix(rt.path, "/v1/") {
			params = append(params, map[string]any{"name": "after", "in": "query", "description": "wait (at most 5 s) until the read model has applied this global position",
				"schema": map[string]any{"type": "integer", "minimum": 0}})
		}
		return params
	}
	return append(params,
		map[string]any{"name": "Idempotency-Key", "in": "header", "schema": map[string]any{"type": "string", "maxLength": 200}},
		map[string]any{"name": "If-Match", "in": "header", "description": `stream version, e.g. "3"; 412 when stale`, "schema": map[string]any{"type": "string"}})
}

// responses are a route's answer, in each of its media types, and its
// errors as problem details.
func (r *reflector) responses(rt route) map[string]any {
	status := rt.status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status)}
	content := map[string]any{}
	if rt.produces != "" {
		content[rt.produces] = map[string]any{"schema": map[string]any{"type": "string"}}
	} else if rt.response != nil {
		content[echo.MIMEApplicationJSON] = map[string]any{"schema": r.schema(reflect.TypeOf(rt.response))}
	}
	for _, f := range rt.formats {
		if mt := mediaTypes[f]; mt != echo.MIMEApplicationJSON {
			schema := map[string]any{"type": "string"}
			if f == formatXLSX {
				schema["format"] = "binary"
			}
			content[mt] = map[string]any{"schema": schema}
		}
	}
	if len(content) > 0 {
		ok["content"] = content
	}
	responses := map[string]any{strconv.Itoa(status): ok}
	errs := append([]int{http.StatusBadRequest, http.StatusServiceUnavailable}, rt.errors...)
	if !rt.public {
		errs = append(errs, http.StatusUnauthorized, http.StatusForbidden)
	}
	for _, e := range errs {
		responses[strconv.Itoa(e)] = map[string]any{"description": http.StatusText(e),
			"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	}
	return responses
}

// reflector turns Go types into JSON Schemas (OpenAPI 3.0 dialect), naming
// struct types under components.schemas. A string type with a closed set of
// values (enumTypes) gets its enum; docs say more of single fields.
// A field is required unless it is omitempty, omitzero or a pointer, or
// docs say otherwise.
type reflector struct {
	schemas map[string]any
	docs    map[fieldKey]fieldDoc
	used    map[fieldKey]bool
}

// unused reports the entries of docs that name no field the document
// reached: a renamed field must not lose its documentation silently.
func (r *reflector) unused() error {
	var errs []error
	for k := range r.docs {
		if !r.used[k] {
			errs = append(errs, fmt.Errorf("openapi: fieldDocs names %s.%s, which no documented body has", k.t, k.field))
		}
	}
	return errors.Join(errs...)
}

var (
	uuidType = reflect.TypeOf(uuid.UUID{})
	timeType = reflect.TypeOf(time.Time{})
	dateType = reflect.TypeOf(domain.Date{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

func (r *reflector) schema(t reflect.Type) map[string]any {
	switch t {
	case uuidType:
		return map[string]any{"type": "string", "format": "uuid"}
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case dateType:
		return map[string]any{"type": "string", "format": "date"}
	case rawType:
		return map[string]any{"type": "object"}
	}
	if values, ok := enumTypes[t]; ok {
		return map[string]any{"type": "string", "enum": values}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := r.schema(t.Elem())
		if _, ref := s["$ref"]; ref {
			return map[string]any{"allOf": []any{s}, "nullable": true}
		}
		s["nullable"] = true
		return s
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": r.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": r.schema(t.Elem())}
	case reflect.Struct:
		name := schemaName(t)
		if name == "" {
			return r.object(t)
		}
		if _, done := r.schemas[name]; !done {
			r.schemas[name] = map[string]any{} // guards recursion
			r.schemas[name] = r.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// schemaName names a struct type: its name in api, package_Name elsewhere.
func schemaName(t reflect.Type) string {
	name := t.Name()
	if pkg := t.PkgPath(); pkg != "" && !strings.HasSuffix(pkg, "/api") {
		name = pkg[strings.LastIndex(pkg, "/")+1:] + "." + name
	}
	return strings.ReplaceAll(name, ".", "_")
}

func (r *reflector) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	// walk adds the fields of t; those of an embedded pointer (absent
	// when it is nil) are all optional.
	var walk func(t reflect.Type, optional bool)
	walk = func(t reflect.Type, optional bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct && ft != uuidType && ft != timeType && ft != dateType {
					walk(ft, optional || f.Type.Kind() == reflect.Pointer)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			omit := slices.ContainsFunc(strings.Split(opts, ","), func(o string) bool { return o == "omitempty" || o == "omitzero" })
			isRequired := !optional && !omit && f.Type.Kind() != reflect.Pointer
			s := r.schema(f.Type)
			if d, ok := r.docs[fieldKey{t, name}]; ok {
				r.used[fieldKey{t, name}] = true
				s = d.apply(r, s)
				isRequired = (isRequired || d.required) && !d.optional
			}
			props[name] = s
			if isRequired {
				required = append(required, name)
			}
		}
	}
	walk(t, false)
	// Requests with unknown fields are refused (400), answers have none.
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		sort.Strings(required)
		s["required"] = required
	}
	return s
}

// fieldKey names a field by its struct and its JSON name.
type fieldKey struct {
	t     reflect.Type
	field string
}

// fieldDoc is what the Go type of a field cannot say: a closed set of
// values of a plain string, a format, whether a request may leave it out.
type fieldDoc struct {
	enum               []string
	format, about      string
	optional, required bool
	// oneOf replaces the reflected schema by one of these types'.
	oneOf []reflect.Type
}

func (d fieldDoc) apply(r *reflector, s map[string]any) map[string]any {
	if d.oneOf != nil {
		var alts []any
		for _, t := range d.oneOf {
			alts = append(alts, r.schema(t))
		}
		s = map[string]any{"oneOf": alts}
	}
	target := s
	if items, ok := s["items"].(map[string]any); ok && s["type"] == "array" {
		target = items // the enum or format of each item
	}
	if d.enum != nil {
		target["enum"] = d.enum
	}
	if d.format != "" {
		target["format"] = d.format
	}
	if d.about != "" {
		if _, ref := s["$ref"]; ref { // a $ref takes no siblings in OpenAPI 3.0
			s = map[string]any{"allOf": []any{s}}
		}
		s["description"] = d.about
	}
	return s
}

// serveOpenAPI answers GET /v1/openapi.json.
func (s *Server) serveOpenAPI(c echo.Context) error {
	return c.JSONBlob(http.StatusOK, s.openapi)
}

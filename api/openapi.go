package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
)

// operation documents one route. Request and response are Go values whose
// types are reflected into JSON Schemas, so the document follows the code.
type operation struct {
	method, path, summary string
	public                bool
	request, response     any
	status                int
	errors                []int
	query                 []string
	produces              string   // a non-JSON media type of the 2xx answer
	consumes              []string // non-JSON media types of the request body (a file upload)
}

// openapiDoc builds the OpenAPI 3.0 document of ops.
func openapiDoc(ops []operation) ([]byte, error) {
	r := &reflector{schemas: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, op := range ops {
		item := paths[op.path]
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		o := map[string]any{"summary": op.summary, "operationId": strings.ToLower(op.method) + strings.NewReplacer("/", "_", "{", "", "}", "").Replace(op.path)}
		var params []any
		for _, seg := range strings.Split(op.path, "/") {
			if strings.HasPrefix(seg, "{") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		for _, q := range op.query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if op.method == http.MethodGet {
			params = append(params, map[string]any{"name": "after", "in": "query", "description": "wait (at most 5 s) until the read model has applied this global position",
				"schema": map[string]any{"type": "integer", "minimum": 0}})
		} else {
			params = append(params,
				map[string]any{"name": "Idempotency-Key", "in": "header", "schema": map[string]any{"type": "string", "maxLength": 200}},
				map[string]any{"name": "If-Match", "in": "header", "description": `stream version, e.g. "3"; 412 when stale`, "schema": map[string]any{"type": "string"}})
		}
		o["parameters"] = params
		if len(op.consumes) > 0 {
			content := map[string]any{}
			for _, mt := range op.consumes {
				content[mt] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
			}
			o["requestBody"] = map[string]any{"required": true, "content": content}
		}
		if op.request != nil {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": r.schema(reflect.TypeOf(op.request))}}}
		}
		status := op.status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		switch {
		case op.produces != "":
			ok["content"] = map[string]any{op.produces: map[string]any{"schema": map[string]any{"type": "string"}}}
		case op.response != nil:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": r.schema(reflect.TypeOf(op.response))}}
		}
		responses := map[string]any{strconv.Itoa(status): ok}
		errs := append([]int{http.StatusBadRequest, http.StatusServiceUnavailable}, op.errors...)
		if !op.public {
			errs = append(errs, http.StatusUnauthorized, http.StatusForbidden)
		}
		for _, e := range errs {
			responses[strconv.Itoa(e)] = map[string]any{"description": http.StatusText(e),
				"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
		}
		o["responses"] = responses
		if !op.public {
			o["security"] = []any{map[string]any{"bearer": []any{}}}
		}
		item[strings.ToLower(op.method)] = o
	}
	r.schema(reflect.TypeOf(Problem{}))
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

// reflector turns Go types into JSON Schemas (OpenAPI 3.0 dialect), naming
// struct types under components.schemas.
type reflector struct{ schemas map[string]any }

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
		name := t.Name()
		if pkg := t.PkgPath(); pkg != "" && !strings.HasSuffix(pkg, "/api") {
			name = pkg[strings.LastIndex(pkg, "/")+1:] + "." + name
		}
		name = strings.ReplaceAll(name, ".", "_")
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

func (r *reflector) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
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
					walk(ft)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			props[name] = r.schema(f.Type)
			if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
				required = append(required, name)
			}
		}
	}
	walk(t)
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		sort.Strings(required)
		s["required"] = required
	}
	return s
}

// serveOpenAPI answers GET /v1/openapi.json.
func (s *Server) serveOpenAPI(c echo.Context) error {
	return c.JSONBlob(http.StatusOK, s.openapi)
}

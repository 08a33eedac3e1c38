package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
)

// openapiServer is a server on a pool that never connects: the route table
// and the document need none.
func openapiServer(t *testing.T) *Server {
	t.Helper()
	reg, _ := eventstore.NewRegistry()
	store, err := eventstore.New(nilPool(), eventstore.Config{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	proj, _ := projector.New(store, projector.Config{})
	s, err := New(Config{Store: store, Projector: proj, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// openapiDocument is the part of the served document the tests read.
type openapiDocument struct {
	OpenAPI string `json:"openapi"`
	Paths   map[string]map[string]struct {
		Parameters []struct {
			Name     string         `json:"name"`
			In       string         `json:"in"`
			Required bool           `json:"required"`
			Schema   map[string]any `json:"schema"`
		} `json:"parameters"`
		RequestBody *struct {
			Required bool           `json:"required"`
			Content  map[string]any `json:"content"`
		} `json:"requestBody"`
		Responses map[string]struct {
			Content map[string]any `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]struct {
			Properties map[string]map[string]any `json:"properties"`
			Required   []string                  `json:"required"`
		} `json:"schemas"`
	} `json:"components"`
}

func servedDocument(t *testing.T, s *Server) (openapiDocument, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	var doc openapiDocument
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.OpenAPI == "" {
		t.Fatalf("not an OpenAPI document: %v", err)
	}
	return doc, rec.Body.Bytes()
}

var echoParam = regexp.MustCompile(`:(\w+)`)

// TestOpenAPIDescribesEveryRoute: every route Echo serves (but the
// console's catch-all and the not-found handlers) is in the document, and
// every operation of the document is served.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	s := openapiServer(t)
	doc, _ := servedDocument(t, s)
	var served, described []string
	for _, r := range s.e.Routes() {
		if r.Method == "echo_route_not_found" || strings.HasSuffix(r.Path, "*") {
			continue
		}
		served = append(served, r.Method+" "+echoParam.ReplaceAllString(r.Path, "{$1}"))
	}
	for path, item := range doc.Paths {
		for method := range item {
			described = append(described, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(served)
	slices.Sort(described)
	for _, r := range served {
		if !slices.Contains(described, r) {
			t.Errorf("%s is served but not in the OpenAPI document", r)
		}
	}
	for _, r := range described {
		if !slices.Contains(served, r) {
			t.Errorf("the document describes %s, which is not served", r)
		}
	}
	if len(served) < 60 || !slices.Contains(served, "GET /v1/events/{id}/agenda.ics") {
		t.Errorf("only %d routes served: %q", len(served), served)
	}
}

// TestRouteTableIsTheOnlySource: the table has each method and path once,
// and the document refuses a table that names one twice.
func TestRouteTableIsTheOnlySource(t *testing.T) {
	t.Parallel()
	s := openapiServer(t)
	table := s.routeTable()
	seen := map[string]bool{}
	for _, r := range table {
		key := r.method + " " + r.path
		if seen[key] {
			t.Errorf("%s twice in the table", key)
		}
		seen[key] = true
		if r.handler == nil || r.summary == "" {
			t.Errorf("%s has no handler or no summary", key)
		}
		if r.method == http.MethodGet && r.request != nil {
			t.Errorf("%s: a GET with a body", key)
		}
	}
	if _, err := openapiDoc(append(table, table[0]), fieldDocs); err == nil {
		t.Error("a route listed twice was accepted")
	}
}

// TestOpenAPIEnumsFollowTheDomain: every value of an enum type is one its
// Valid method accepts, and a value outside the set is refused.
func TestOpenAPIEnumsFollowTheDomain(t *testing.T) {
	t.Parallel()
	checked := 0
	for typ, values := range enumTypes {
		if len(values) == 0 || len(slices.Compact(slices.Sorted(slices.Values(values)))) != len(values) {
			t.Errorf("%s: values %q empty or repeated", typ, values)
		}
		valid, ok := typ.MethodByName("Valid")
		if !ok {
			continue
		}
		checked++
		for _, v := range append(slices.Clone(values), "not_a_value") {
			x := reflect.New(typ).Elem()
			x.SetString(v)
			got := valid.Func.Call([]reflect.Value{x})[0].Bool()
			if want := v != "not_a_value"; got != want {
				t.Errorf("%s(%q).Valid() = %v, want %v", typ, v, got, want)
			}
		}
	}
	if checked < 6 {
		t.Errorf("only %d enum types have a Valid method to check", checked)
	}
}

// TestOpenAPISchemas checks what the document says of a few fields and
// answers: enums, optional request fields, non-JSON media types.
func TestOpenAPISchemas(t *testing.T) {
	t.Parallel()
	doc, raw := servedDocument(t, openapiServer(t))
	schema := func(name string) (map[string]map[string]any, []string) {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Fatalf("no schema %s", name)
		}
		return s.Properties, s.Required
	}
	enumOf := func(s map[string]any) []any {
		if items, ok := s["items"].(map[string]any); ok {
			s = items
		}
		e, _ := s["enum"].([]any)
		return e
	}
	enums := []struct {
		schema, field string
		want          []any
	}{
		{"supplier_Capability", "industry_group", []any{"mechanical", "electrical_electronics", "it", "textile_leather", "agri_food",
			"chem_rubber_plastic_pharma", "building_materials", "handicrafts"}},
		{"domain_Rate", "unit", []any{"pcs", "sets", "kg", "t", "m", "m2", "m3", "l"}},
		{"domain_Rate", "per", []any{"month"}},
		{"supplier_Registration", "ownership", []any{"domestic", "fdi", "joint_venture"}},
		{"closeRequest", "reason", []any{"fulfilled", "cancelled"}},
		{"eventInput", "kind", []any{"conference", "fair"}},
		{"outcomeInput", "status", []any{"held", "no_show"}},
		{"outcomeInput", "result", []any{"none", "follow_up", "mou", "contract"}},
		{"stageInput", "stage", []any{"contacted", "sample", "audit", "trial_order", "contract", "lost"}},
		{"stageInput", "currency", []any{"VND", "USD", "JPY", "KRW", "CNY", "EUR"}},
		{"support_Grant", "kind", []any{"interest_subsidy", "trade_promotion", "training", "certification", "technology", "other"}},
		{"signupRequest", "role", []any{"supplier", "buyer"}},
		{"sessionAnswer", "role", []any{"organiser", "supplier", "buyer"}},
		{"search_SupplierSummary", "industry_groups", []any{"mechanical", "electrical_electronics", "it", "textile_leather", "agri_food",
			"chem_rubber_plastic_pharma", "building_materials", "handicrafts"}},
		{"ImportReport", "kind", []any{"buyers", "demands", "key_products", "registrations", "suppliers"}},
	}
	for _, c := range enums {
		props, _ := schema(c.schema)
		if got := enumOf(props[c.field]); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s.%s enum = %v, want %v", c.schema, c.field, got, c.want)
		}
	}
	required := []struct {
		schema         string
		want, optional []string
	}{
		{"registrationInput", nil, []string{"organisation_id", "booth", "unavailable", "sme", "interpreter_language", "max_meetings"}},
		{"requestInput", nil, []string{"from", "to", "supplier_id", "buyer_id", "demand_id"}},
		{"dealInput", []string{"buyer_id", "supplier_id"}, []string{"demand_id", "meeting_ids"}},
		{"feedbackInput", []string{"took_place"}, []string{"organisation_id", "rating"}},
		{"interpretersInput", []string{"count", "language"}, nil},
		{"eventInput", []string{"ends_at", "kind", "max_meetings_per_participant", "name", "slot_minutes", "starts_at", "tables", "venue"},
			[]string{"breaks", "max_consecutive"}},
		{"supplier_Capability", []string{"capacity", "industry_group", "lead_time_days", "title"}, []string{"description", "moq", "hs_codes"}},
	}
	for _, c := range required {
		props, got := schema(c.schema)
		if c.want != nil && !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s required %q, want %q", c.schema, got, c.want)
		}
		for _, f := range c.optional {
			if _, ok := props[f]; !ok || slices.Contains(got, f) {
				t.Errorf("%s.%s: missing or required (required %q)", c.schema, f, got)
			}
		}
	}
	media := []struct {
		method, path string
		want         []string
	}{
		{"get", "/v1/events/{id}/report", []string{"application/json", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv", "text/html"}},
		{"get", "/v1/events/{id}/schedule", []string{"application/json", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv", "text/html"}},
		{"get", "/v1/suppliers", []string{"application/json", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"}},
		{"get", "/v1/demands/{did}/matches", []string{"application/json", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"}},
		{"get", "/v1/programme/report", []string{"application/json", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/html"}},
		{"get", "/v1/events/{id}/agenda.ics", []string{"text/calendar"}},
		{"get", "/metrics", []string{"text/plain"}},
		{"get", "/v1/suppliers/{id}", []string{"application/json"}},
	}
	for _, c := range media {
		op := doc.Paths[c.path][c.method]
		var got []string
		for status, resp := range op.Responses {
			if strings.HasPrefix(status, "2") {
				for mt := range resp.Content {
					got = append(got, mt)
				}
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %s answers %q, want %q", c.method, c.path, got, c.want)
		}
	}
	// Query parameters: a closed set has its enum, a required one says so.
	params := []struct {
		path, name string
		required   bool
		enum       []any
	}{
		{"/v1/imports", "kind", true, []any{"buyers", "demands", "key_products", "registrations", "suppliers"}},
		{"/v1/events/{id}/report", "format", false, []any{"json", "csv", "html", "xlsx"}},
		{"/v1/programme/report", "format", false, []any{"json", "html", "xlsx"}},
		{"/v1/programme/report", "year", true, nil},
		{"/v1/deals", "stage", false, []any{"contacted", "sample", "audit", "trial_order", "contract", "lost"}},
		{"/v1/demands", "industry_group", false, []any{"mechanical", "electrical_electronics", "it", "textile_leather", "agri_food",
			"chem_rubber_plastic_pharma", "building_materials", "handicrafts"}},
	}
	for _, c := range params {
		method := "get"
		if c.path == "/v1/imports" {
			method = "post"
		}
		found := false
		for _, p := range doc.Paths[c.path][method].Parameters {
			if p.Name != c.name || p.In != "query" {
				continue
			}
			found = true
			if p.Required != c.required || !reflect.DeepEqual(enumOf(p.Schema), c.enum) {
				t.Errorf("%s ?%s: required %v enum %v, want %v %v", c.path, c.name, p.Required, enumOf(p.Schema), c.required, c.enum)
			}
		}
		if !found {
			t.Errorf("%s has no ?%s", c.path, c.name)
		}
	}
	if body := doc.Paths["/v1/deals/{id}/mou"]["post"].RequestBody; body == nil || body.Required {
		t.Errorf("POST /v1/deals/{id}/mou: the body should be documented and optional: %+v", body)
	}
	// Every reference names a schema of the document.
	for _, m := range regexp.MustCompile(`"#/components/schemas/([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
		if _, ok := doc.Components.Schemas[m[1]]; !ok {
			t.Errorf("dangling reference to %s", m[1])
		}
	}
}

// TestOpenAPIFieldDocsNameFields: an entry of fieldDocs that names no field
// fails the document.
func TestOpenAPIFieldDocsNameFields(t *testing.T) {
	t.Parallel()
	docs := maps.Clone(fieldDocs)
	docs[field[closeRequest]("raison")] = fieldDoc{optional: true}
	if _, err := openapiDoc(openapiServer(t).routeTable(), docs); err == nil || !strings.Contains(err.Error(), "raison") {
		t.Errorf("an entry naming no field: %v", err)
	}
}

// nilPool is a pool that never connects: the document needs none.
func nilPool() *pgxpool.Pool {
	p, _ := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	return p
}

package api_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestRoutesAnswerAsDocumented reads the served OpenAPI document and sends
// every GET of /v1 it describes, with every query parameter it documents
// and with each value of ?format= and ?section=: each answers 200 with a documented media
// type (the format's), a JSON answer has the
// documented shape (no undocumented field, every required one, enums kept),
// and a list refuses a parameter it does not document.
func TestRoutesAnswerAsDocumented(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var last int64
	post := func(method, path string, body any, status int) string {
		r := e.must(e.do(method, path, e.organiser, body), status)
		last = max(last, r.num(t, "position"))
		return r.str(t, "id")
	}
	sup := post("POST", "/v1/suppliers", supplierBody("Cơ khí Đông Anh"), 201)
	post("POST", "/v1/suppliers/"+sup+"/capabilities", capabilityBody("Dập thép"), 201)
	buy := post("POST", "/v1/buyers", buyerBody("Canon Việt Nam"), 201)
	dem := post("POST", "/v1/buyers/"+buy+"/demands", demandBody("Steel brackets"), 201)
	ev := post("POST", "/v1/events", eventBody("Hội nghị kết nối"), 201)
	post("POST", "/v1/events/"+ev+"/registrations", map[string]any{"organisation_id": sup}, 201)
	post("POST", "/v1/events/"+ev+"/registrations", map[string]any{"organisation_id": buy}, 201)
	post("POST", "/v1/events/"+ev+"/schedule", map[string]any{"draft": true}, 200)
	dl := post("POST", "/v1/deals", map[string]any{"supplier_id": sup, "buyer_id": buy, "demand_id": dem}, 201)
	post("PUT", "/v1/programme/rates/2026", map[string]any{"USD": 25400}, 200)

	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name, In string
				Required bool
				Schema   map[string]any
			}
			Responses map[string]struct {
				Content map[string]struct {
					Schema map[string]any
				}
			}
		}
		Components struct {
			Schemas map[string]map[string]any
		}
	}
	if err := json.Unmarshal(e.must(e.do("GET", "/v1/openapi.json", "", nil), 200).body, &doc); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"suppliers": sup, "buyers": buy, "events": ev, "deals": dl, "did": dem, "year": "2026"}
	samples := map[string]string{"q": "thép", "industry_group": "mechanical", "certification": "IATF 16949", "district": "Đông Anh",
		"ward": "Phường Hoàn Kiếm", "key_product": "false", "recognized_year": "2026", "tax_code": "0100000001", "limit": "5",
		"country": "JP", "hs": "7326", "stage": "contacted", "buyer_id": buy, "supplier_id": sup, "stale": "false",
		"organisation_id": sup, "year": "2026", "format": "json", "after": fmt.Sprint(last)}
	tried := 0
	for path, item := range doc.Paths {
		op, ok := item["get"]
		if !ok || !strings.HasPrefix(path, "/v1/") || path == "/v1/openapi.json" {
			continue
		}
		segs := strings.Split(path, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, "{") {
				key := strings.Trim(s, "{}")
				if key == "id" {
					key = segs[i-1]
				}
				segs[i] = ids[key]
			}
		}
		full, plain := url.Values{}, url.Values{"after": {samples["after"]}}
		for _, p := range op.Parameters {
			if p.In != "query" || p.Name == "cursor" || p.Name == "section" {
				continue
			}
			v, ok := samples[p.Name]
			if !ok {
				t.Errorf("GET %s: no sample value for ?%s", path, p.Name)
			}
			full.Set(p.Name, v)
			if p.Required || p.Name == "organisation_id" {
				plain.Set(p.Name, v)
			}
		}
		base := strings.Join(segs, "/")
		content, ok := op.Responses["200"].Content["application/json"]
		list := false
		if ok {
			ref := strings.TrimPrefix(fmt.Sprint(content.Schema["$ref"]), "#/components/schemas/")
			props, _ := doc.Components.Schemas[ref]["properties"].(map[string]any)
			_, list = props["next_cursor"]
		}
		queries := []url.Values{full, plain}
		for _, p := range op.Parameters {
			enum, _ := p.Schema["enum"].([]any)
			for _, f := range enum {
				q := maps.Clone(plain)
				switch {
				case p.Name == "format" && f != "json":
					q.Set("format", f.(string))
				case p.Name == "section":
					q.Set("format", "csv")
					q.Set("section", f.(string))
				default:
					continue
				}
				queries = append(queries, q)
			}
		}
		for _, query := range queries {
			target := base + "?" + query.Encode()
			r := e.do("GET", target, e.organiser, nil)
			tried++
			if r.status != 200 {
				t.Errorf("GET %s: %d %s", target, r.status, r.body)
				continue
			}
			media, _, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
			content, ok := op.Responses["200"].Content[media]
			if !ok {
				t.Errorf("GET %s answers %s, not documented", path, media)
				continue
			}
			if f := query.Get("format"); f != "" && f != "json" && !strings.Contains(media, f) && !(f == "xlsx" && strings.Contains(media, "spreadsheetml")) {
				t.Errorf("GET %s answers %s", target, media)
			}
			if media != "application/json" {
				continue
			}
			var v any
			if err := json.Unmarshal(r.body, &v); err != nil {
				t.Fatal(err)
			}
			conform(t, doc.Components.Schemas, content.Schema, v, "GET "+path)
			if items, ok := v.(map[string]any)["items"].([]any); ok && len(items) == 0 && len(query) == len(plain) {
				t.Errorf("GET %s: no items to check the shape of: %s", target, r.body)
			}
		}
		if list {
			bad := e.do("GET", base+"?zz_unknown=1", e.organiser, nil)
			if bad.status != 400 || !slices.Contains(bad.fields(t), "zz_unknown") {
				t.Errorf("GET %s?zz_unknown=1: %d %s", path, bad.status, bad.body)
			}
		}
	}
	if tried < 40 {
		t.Errorf("only %d GETs tried", tried)
	}
}

// conform checks that v has the shape of schema (OpenAPI 3.0): no field
// the schema does not name, every required field, enum values, types.
func conform(t *testing.T, schemas map[string]map[string]any, schema map[string]any, v any, at string) {
	t.Helper()
	if ref, ok := schema["$ref"].(string); ok {
		schema = schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
	}
	if v == nil {
		if schema["nullable"] != true {
			t.Errorf("%s: null, not nullable", at)
		}
		return
	}
	if all, ok := schema["allOf"].([]any); ok {
		for _, s := range all {
			conform(t, schemas, s.(map[string]any), v, at)
		}
		return
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		t.Errorf("%s: %v is not one of %v", at, v, enum)
	}
	switch schema["type"] {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: %T, want an object", at, v)
			return
		}
		props, _ := schema["properties"].(map[string]any)
		extra, _ := schema["additionalProperties"].(map[string]any)
		for k, x := range obj {
			switch s, ok := props[k].(map[string]any); {
			case ok:
				conform(t, schemas, s, x, at+"."+k)
			case extra != nil:
				conform(t, schemas, extra, x, at+"."+k)
			case props != nil || schema["additionalProperties"] == nil:
				t.Errorf("%s: field %q is not documented", at, k)
			}
		}
		req, _ := schema["required"].([]any)
		for _, k := range req {
			if _, ok := obj[k.(string)]; !ok {
				t.Errorf("%s: required field %q missing", at, k)
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			t.Errorf("%s: %T, want an array", at, v)
			return
		}
		for i, x := range arr {
			conform(t, schemas, schema["items"].(map[string]any), x, fmt.Sprintf("%s[%d]", at, i))
		}
	case "string":
		if _, ok := v.(string); !ok {
			t.Errorf("%s: %T, want a string", at, v)
		}
	case "integer", "number":
		n, ok := v.(float64)
		if !ok || (schema["type"] == "integer" && n != float64(int64(n))) {
			t.Errorf("%s: %v, want an %s", at, v, schema["type"])
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			t.Errorf("%s: %T, want a boolean", at, v)
		}
	}
}

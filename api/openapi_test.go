package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/projector"
)

var pathParam = regexp.MustCompile(`:([a-z_]+)`)

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
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
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.OpenAPI == "" {
		t.Fatalf("not an OpenAPI document: %v", err)
	}
	for _, r := range s.e.Routes() {
		if r.Method == "echo_route_not_found" || strings.HasSuffix(r.Path, "/*") {
			continue
		}
		path := pathParam.ReplaceAllString(r.Path, "{$1}")
		if _, ok := doc.Paths[path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s is not in the OpenAPI document", r.Method, path)
		}
	}
	for path, item := range doc.Paths {
		for method := range item {
			found := false
			for _, r := range s.e.Routes() {
				if pathParam.ReplaceAllString(r.Path, "{$1}") == path && strings.EqualFold(r.Method, method) {
					found = true
				}
			}
			if !found {
				t.Errorf("the document describes %s %s, which is not served", method, path)
			}
		}
	}
}

// nilPool is a pool that never connects: the document needs none.
func nilPool() *pgxpool.Pool {
	p, _ := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	return p
}

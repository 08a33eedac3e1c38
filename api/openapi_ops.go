package api

import (
	"net/http"

	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/projections/board"
	"github.com/keylink/keylink/projections/directory"
	"github.com/keylink/keylink/projections/search"
)

// operations documents every route; TestOpenAPIDescribesEveryRoute keeps it
// complete.
func (s *Server) operations() []operation {
	const (
		created  = http.StatusCreated
		notFound = http.StatusNotFound
		conflict = http.StatusConflict
		stale    = http.StatusPreconditionFailed
		reused   = http.StatusUnprocessableEntity
		tooLarge = http.StatusRequestEntityTooLarge
	)
	write := []int{notFound, conflict, stale, reused, tooLarge}
	ops := []operation{
		{method: "GET", path: "/healthz", summary: "The process is up", public: true},
		{method: "GET", path: "/readyz", summary: "The database is reachable and the projections are caught up (503 otherwise)", public: true},
		{method: "GET", path: "/metrics", summary: "Prometheus metrics", public: true, produces: "text/plain"},
		{method: "GET", path: "/v1/openapi.json", summary: "This document", public: true},

		{method: "POST", path: "/v1/signup", summary: "Create a supplier or buyer firm and its first user", public: true,
			request: signupRequest{}, response: signupAnswer{}, status: created, errors: []int{conflict, reused, tooLarge, http.StatusTooManyRequests}},
		{method: "POST", path: "/v1/sessions", summary: "Log in; the same 401 for an unknown e-mail and a wrong password", public: true,
			request: sessionRequest{}, response: sessionAnswer{}, status: created, errors: []int{http.StatusTooManyRequests}},
		{method: "DELETE", path: "/v1/sessions/current", summary: "Revoke the caller's token", status: http.StatusNoContent},

		{method: "POST", path: "/v1/suppliers", summary: "Register a supplier (organiser)", request: supplier.Registration{}, response: answer{}, status: created, errors: write},
		{method: "PUT", path: "/v1/suppliers/{id}", summary: "Replace a supplier's profile (the tax code cannot change)", request: supplier.Registration{}, response: answer{}, errors: write},
		{method: "GET", path: "/v1/suppliers/{id}", summary: "A supplier's profile with its capabilities and key products", response: directory.Supplier{}, errors: []int{notFound}},
		{method: "GET", path: "/v1/suppliers", summary: "The supplier directory: words of names, key products, capabilities and ward (ignoring case, Vietnamese diacritics, English plurals and spellings), most relevant first with q, else by name; certification=ISO 9001 is any edition with a certificate valid today; district is the former district, ward one of Hanoi's 126 wards and communes (with or without Phường/Xã, any case and diacritics); cursor pagination and total; an unknown parameter is a 400",
			response: search.SupplierPage{}, query: []string{"q", "industry_group", "certification", "district", "ward", "key_product", "recognized_year", "tax_code", "limit", "cursor"}},
		{method: "GET", path: "/v1/suppliers/{id}/history", summary: "A supplier's events, oldest first: who did what and when (organiser, or the supplier)",
			response: historyPage{}, query: []string{"limit", "cursor"}, errors: []int{notFound}},
		{method: "POST", path: "/v1/suppliers/{id}/capabilities", summary: "Declare a capability", request: supplier.Capability{}, response: answer{}, status: created, errors: write},
		{method: "PUT", path: "/v1/suppliers/{id}/capabilities/{cid}", summary: "Replace a capability", request: supplier.Capability{}, response: answer{}, errors: write},
		{method: "DELETE", path: "/v1/suppliers/{id}/capabilities/{cid}", summary: "Withdraw a capability", response: answer{}, errors: write},
		{method: "POST", path: "/v1/suppliers/{id}/key-products", summary: "Record the city's key-product recognition (organiser)", request: supplier.KeyProduct{}, response: answer{}, status: created, errors: write},

		{method: "POST", path: "/v1/buyers", summary: "Register an FDI buyer (organiser)", request: buyer.Registration{}, response: answer{}, status: created, errors: write},
		{method: "GET", path: "/v1/buyers/{id}", summary: "A buyer's profile with its demands", response: board.Buyer{}, errors: []int{notFound}},
		{method: "GET", path: "/v1/buyers", summary: "The buyer list: words of names and parent groups, most relevant first with q, else by name; cursor pagination and total",
			response: board.BuyerPage{}, query: []string{"q", "country", "ward", "limit", "cursor"}},
		{method: "GET", path: "/v1/buyers/{id}/history", summary: "A buyer's events, oldest first: who did what and when (organiser, or the buyer)",
			response: historyPage{}, query: []string{"limit", "cursor"}, errors: []int{notFound}},
		{method: "GET", path: "/v1/demands", summary: "The board of open demands, newest first (most relevant first with q); hs is a code prefix; a supplier reads each demand with its own match (null when none), others without the match field",
			response: board.MatchedDemandPage{}, query: []string{"q", "industry_group", "hs", "certification", "country", "limit", "cursor"}},
		{method: "POST", path: "/v1/buyers/{id}/demands", summary: "Post a demand", request: buyer.Demand{}, response: answer{}, status: created, errors: write},
		{method: "PUT", path: "/v1/buyers/{id}/demands/{did}", summary: "Replace an open demand", request: buyer.Demand{}, response: answer{}, errors: write},
		{method: "POST", path: "/v1/buyers/{id}/demands/{did}/close", summary: "Close a demand as fulfilled or cancelled", request: closeRequest{}, response: answer{}, errors: write},
	}
	return fileOperations(append(ops, s.laterOperations()...))
}

package api

import (
	"net/http"

	"github.com/keylink/keylink/projections/matches"
)

// laterOperations documents the match and conference routes.
func (s *Server) laterOperations() []operation {
	return append(append(append(conferenceOperations(), accountOperations()...), dealOperations()...), []operation{
		{method: "GET", path: "/v1/demands/{did}/matches", summary: "A demand's ranked, explained match list, best first (organiser or the demand's buyer)",
			response: matches.DemandMatchList{}, query: []string{"limit"}, errors: []int{http.StatusNotFound}},
		{method: "GET", path: "/v1/suppliers/{id}/matches", summary: "The open demands a supplier can serve, best first (organiser or the supplier)",
			response: matches.SupplierMatchList{}, query: []string{"limit"}, errors: []int{http.StatusNotFound}},
		{method: "GET", path: "/v1/events/{id}/history", summary: "A conference's or fair's events, oldest first: who did what and when (organiser)",
			response: historyPage{}, query: []string{"limit", "cursor"}, errors: []int{http.StatusNotFound}},
	}...)
}

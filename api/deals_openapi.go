package api

import (
	"net/http"

	"github.com/keylink/keylink/domain/support"
	"github.com/keylink/keylink/projections/programme"
)

// ratesAnswer is the answer of GET /v1/programme/rates/{year}.
type ratesAnswer struct {
	Year   int                `json:"year"`
	VNDPer map[string]float64 `json:"vnd_per"`
}

// dealOperations documents the deal and programme routes of dealRoutes.
func dealOperations() []operation {
	write := []int{http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed, http.StatusUnprocessableEntity,
		http.StatusRequestEntityTooLarge, http.StatusForbidden}
	return []operation{
		{method: "POST", path: "/v1/deals", summary: "Open a deal between a supplier and a buyer, about a demand or none (organiser, or either firm); one per supplier, buyer and demand (409 names the existing one)",
			request: dealInput{}, response: answer{}, status: http.StatusCreated, errors: write},
		{method: "POST", path: "/v1/deals/{id}/stage", summary: "Move a deal to a stage, with a value in the currency's main unit, a date and a note (the reason when lost)",
			request: stageInput{}, response: answer{}, errors: write},
		{method: "POST", path: "/v1/deals/{id}/mou", summary: "Record an MoU signed outside a recorded meeting (organiser, or either firm); MoUs are not a stage",
			request: mouInput{}, response: answer{}, errors: write},
		{method: "GET", path: "/v1/deals", summary: "Deals (a firm's own for a firm); stale=true: open deals unchanged for 30 days, to chase",
			response: programme.DealPage{}, query: dealParams[:len(dealParams)-1], errors: []int{http.StatusBadRequest}},
		{method: "GET", path: "/v1/deals/{id}", summary: "A deal with its history", response: programme.Deal{}, errors: []int{http.StatusNotFound}},
		{method: "POST", path: "/v1/suppliers/{id}/support", summary: "Record the city's support to a supplier under a programme in a year (organiser)",
			request: support.Grant{}, response: answer{}, status: http.StatusCreated, errors: write},
		{method: "PUT", path: "/v1/programme/rates/{year}", summary: "Replace a year's exchange rates, dong per unit: {\"USD\": 25400} (organiser)",
			request: map[string]float64{}, response: answer{}, errors: write},
		{method: "GET", path: "/v1/programme/rates/{year}", summary: "A year's exchange rates (organiser)", response: ratesAnswer{},
			errors: []int{http.StatusNotFound, http.StatusForbidden}},
		{method: "GET", path: "/v1/programme/report", summary: "The city's indicators of a year beside their targets and the year before, as JSON, a Vietnamese HTML page (English with Accept-Language: en) or XLSX (organiser)",
			response: programme.ProgrammeReport{}, query: []string{"year", "format"}, errors: []int{http.StatusBadRequest, http.StatusForbidden}},
	}
}

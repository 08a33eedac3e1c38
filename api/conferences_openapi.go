package api

import (
	"net/http"

	"github.com/keylink/keylink/projections/conferences"
)

// conferenceOperations documents the conference and trade-fair routes of
// conferenceRoutes for the OpenAPI document.
func conferenceOperations() []operation {
	const (
		created  = http.StatusCreated
		notFound = http.StatusNotFound
		conflict = http.StatusConflict
	)
	write := []int{notFound, conflict, http.StatusPreconditionFailed, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge}
	read := []int{notFound}
	return []operation{
		{method: "POST", path: "/v1/events", summary: "Create a conference or trade fair (organiser)", request: eventInput{}, response: answer{}, status: created, errors: write},
		{method: "GET", path: "/v1/events", summary: "Every event, latest first", response: eventList{}},
		{method: "GET", path: "/v1/events/{id}", summary: "An event with its slots and registered firms (a firm sees others' names and roles only)",
			response: conferences.Event{}, errors: read},
		{method: "POST", path: "/v1/events/{id}/registrations", summary: "Register a firm (organiser, or the firm itself); the role is the organisation's",
			request: registrationInput{}, response: answer{}, status: created, errors: write},
		{method: "PUT", path: "/v1/events/{id}/registrations/{org}", summary: "Revise a registration: booth, unavailable times, SME flag (a supplier's follows its profile when left out), interpreter need, meeting cap",
			request: registrationInput{}, response: answer{}, errors: write},
		{method: "DELETE", path: "/v1/events/{id}/registrations/{org}", summary: "Cancel a registration; its meetings that have not started are withdrawn",
			response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/interpreters", summary: "Set how many interpreters of a language are free in every slot (organiser)",
			request: interpretersInput{}, response: answer{}, errors: write},
		{method: "GET", path: "/v1/events/{id}/meeting-requests", summary: "Meeting requests: all for the organiser, a firm's own for a firm",
			response: requestList{}, errors: read},
		{method: "POST", path: "/v1/events/{id}/meeting-requests", summary: "Ask to meet a firm of the other side (from/to, or supplier_id/buyer_id)",
			request: requestInput{}, response: answer{}, status: created, errors: write},
		{method: "POST", path: "/v1/events/{id}/meeting-requests/{rid}/accept", summary: "Accept a request (the counterpart or the organiser); it is scheduled first",
			response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meeting-requests/{rid}/decline", summary: "Decline a request (the counterpart or the organiser)",
			request: declineInput{}, response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/schedule", summary: "Schedule the registered firms from their match lists (organiser): published at once, or a draft with {\"draft\": true}",
			request: proposeInput{}, response: scheduleAnswer{}, errors: write},
		{method: "GET", path: "/v1/events/{id}/schedule", summary: "Published meetings and the draft (organiser); a firm's own published meetings (firm)",
			response: scheduleView{}, errors: read},
		{method: "POST", path: "/v1/events/{id}/schedule/publish", summary: "Publish the proposal; firms then see it (organiser)", response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meetings/{mid}/lock", summary: "Keep a proposed meeting where it is in later proposals (organiser)",
			response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meetings/{mid}/unlock", summary: "Let later proposals move a locked meeting again (organiser)",
			response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meetings/{mid}/move", summary: "Move a meeting that has not started to another slot and table (organiser); a moved draft meeting is locked",
			request: moveInput{}, response: answer{}, errors: write},
		{method: "DELETE", path: "/v1/events/{id}/meetings/{mid}", summary: "Cancel a meeting that has not started (organiser); published ones show as withdrawn",
			response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meetings/{mid}/feedback", summary: "One side's word on a meeting that ended: took place, rating",
			request: feedbackInput{}, response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meetings/{mid}/outcome", summary: "What a meeting that ended led to (organiser)",
			request: outcomeInput{}, response: answer{}, errors: write},
		{method: "GET", path: "/v1/events/{id}/agenda", summary: "A firm's own meetings (organiser: any firm's, with organisation_id)",
			response: agenda{}, query: []string{"organisation_id"}, errors: []int{notFound, http.StatusForbidden}},
		{method: "GET", path: "/v1/events/{id}/agenda.ics", summary: "The same agenda as an iCalendar file",
			query: []string{"organisation_id"}, produces: "text/calendar", errors: []int{notFound, http.StatusForbidden}},
		{method: "GET", path: "/v1/events/{id}/report", summary: "The outcome report as JSON, CSV (UTF-8 with BOM) or a printable HTML page with SVG charts (organiser)",
			response: conferences.Report{}, query: []string{"format"}, errors: read},
	}
}

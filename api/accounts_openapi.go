package api

import "net/http"

// accountOperations documents the invitation routes for the OpenAPI document.
func accountOperations() []operation {
	return []operation{
		{method: "POST", path: "/v1/organisations/{id}/invitations",
			summary: "Invite an e-mail address to a firm (organiser, or a user of the firm); the one-time token is valid 14 days and shown only here",
			request: inviteRequest{}, response: inviteAnswer{}, status: http.StatusCreated,
			errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge}},
		{method: "POST", path: "/v1/invitations/accept", public: true,
			summary: "Accept an invitation with a password: creates a user of the invited firm; 410 for an unknown, used or expired token",
			request: acceptRequest{}, response: acceptAnswer{}, status: http.StatusCreated,
			errors: []int{http.StatusConflict, http.StatusGone, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}},
	}
}

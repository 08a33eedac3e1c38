package console

// firmRoutes registers the pages of the firms (suppliers and buyers) and
// the acceptance of an invitation.
func (c *Console) firmRoutes() {
	c.mux.HandleFunc("GET /console/invitations/accept", c.invitationPage)
	c.mux.HandleFunc("POST /console/invitations/accept", c.acceptInvitation)

	c.mux.HandleFunc("GET /console/suppliers/{id}/capabilities/{cid}", c.page(c.capabilityPage))
	c.mux.HandleFunc("POST /console/suppliers/{id}/capabilities/{cid}", c.page(c.reviseCapability))
	c.mux.HandleFunc("POST /console/suppliers/{id}/capabilities/{cid}/withdraw", c.page(c.withdrawCapability))
	c.mux.HandleFunc("GET /console/suppliers/{id}/board", c.page(c.boardPage))

	c.mux.HandleFunc("GET /console/buyers/{id}/demands/{did}", c.page(c.demandPage))
	c.mux.HandleFunc("POST /console/buyers/{id}/demands/{did}", c.page(c.reviseDemand))
	c.mux.HandleFunc("POST /console/buyers/{id}/demands/{did}/close", c.page(c.closeDemand))

	for _, kind := range []string{"suppliers", "buyers"} {
		p := "/console/" + kind + "/{id}/events"
		c.mux.HandleFunc("GET "+p, c.page(c.firmEvents))
		c.mux.HandleFunc("GET "+p+"/{eid}", c.page(c.firmEvent))
		c.mux.HandleFunc("GET "+p+"/{eid}/agenda.ics", c.page(c.firmAgendaICS))
		c.mux.HandleFunc("POST "+p+"/{eid}/register", c.page(c.firmRegister))
		c.mux.HandleFunc("POST "+p+"/{eid}/unavailable", c.page(c.firmUnavailable))
		c.mux.HandleFunc("POST "+p+"/{eid}/requests", c.page(c.firmRequest))
		c.mux.HandleFunc("POST "+p+"/{eid}/requests/{rid}/{answer}", c.page(c.firmAnswer))
		c.mux.HandleFunc("POST "+p+"/{eid}/meetings/{mid}/feedback", c.page(c.firmFeedback))
	}
}

package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/projections/conferences"
)

// maxEventsListed bounds GET /v1/events; a city runs a few events a year.
const maxEventsListed = 200

// listEvents: GET /v1/events, latest first. Every caller sees every event:
// firms need them to register.
func (s *Server) listEvents(c echo.Context) error {
	events, err := conferences.ListEvents(c.Request().Context(), s.pool, maxEventsListed)
	if err != nil {
		return unavailable(err)
	}
	return c.JSON(http.StatusOK, eventList{Items: events, Events: events, Total: len(events)})
}

// eventList is GET /v1/events: the second wave's list shape (items,
// next_cursor, total; a city runs a few events a year, so one page holds
// them all and next_cursor is empty), with the same items also under
// "events", the key of the first version, for clients written against it.
type eventList struct {
	Items      []conferences.EventSummary `json:"items"`
	NextCursor string                     `json:"next_cursor"`
	Total      int                        `json:"total"`
	Events     []conferences.EventSummary `json:"events"`
}

// requestList is GET /v1/events/{id}/meeting-requests.
type requestList struct {
	EventID  uuid.UUID             `json:"event_id"`
	Requests []conferences.Request `json:"requests"`
}

// loadEvent reads event {id} from the read model.
func (s *Server) loadEvent(c echo.Context) (conferences.Event, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return conferences.Event{}, err
	}
	ev, err := conferences.GetEvent(c.Request().Context(), s.pool, id)
	if err != nil {
		return conferences.Event{}, unavailable(err)
	}
	return ev, nil
}

// getEvent: GET /v1/events/{id}: the event with the registered firms. A firm
// sees who takes part (to ask for meetings) but the unavailable times, SME
// flag and interpreter needs of its own registration only.
func (s *Server) getEvent(c echo.Context) error {
	ev, err := s.loadEvent(c)
	if err != nil {
		return err
	}
	if p := principal(c); p.Role != RoleOrganiser {
		for i, r := range ev.Registrations {
			if r.OrganisationID != p.OrganisationID {
				ev.Registrations[i].Unavailable, ev.Registrations[i].SME, ev.Registrations[i].InterpreterLanguage = nil, false, ""
			}
		}
	}
	return withETag(c, ev.Version, ev)
}

// listMeetingRequests: GET /v1/events/{id}/meeting-requests: all for the
// organiser, a firm's own (either side) for a firm.
func (s *Server) listMeetingRequests(c echo.Context) error {
	ev, err := s.loadEvent(c)
	if err != nil {
		return err
	}
	var org uuid.UUID
	if p := principal(c); p.Role != RoleOrganiser {
		org = p.OrganisationID
	}
	rs, err := conferences.Requests(c.Request().Context(), s.pool, ev.ID, org)
	if err != nil {
		return unavailable(err)
	}
	return withETag(c, ev.Version, requestList{EventID: ev.ID, Requests: rs})
}

// scheduleView is GET /v1/events/{id}/schedule: the published meetings and,
// for the organiser, the current draft.
type scheduleView struct {
	EventID  uuid.UUID             `json:"event_id"`
	Meetings []conferences.Meeting `json:"meetings"`
	Proposal *conferences.Proposal `json:"proposal,omitempty"`
	Version  int64                 `json:"version"`
}

// getSchedule: GET /v1/events/{id}/schedule. The organiser sees every
// published meeting and the draft; a firm sees only its own published
// meetings (who meets whom is not public).
func (s *Server) getSchedule(c echo.Context) error {
	format, export, err := scheduleFormat(c)
	if err != nil {
		return err
	}
	ev, err := s.loadEvent(c)
	if err != nil {
		return err
	}
	ctx, p := c.Request().Context(), principal(c)
	f := conferences.MeetingFilter{States: []string{conferences.StatePublished}}
	if p.Role != RoleOrganiser {
		f.Organisation = p.OrganisationID
	}
	v := scheduleView{EventID: ev.ID, Version: ev.Version}
	if v.Meetings, err = conferences.Meetings(ctx, s.pool, ev.ID, f); err != nil {
		return unavailable(err)
	}
	ev.InVenueTime(v.Meetings)
	if p.Role == RoleOrganiser {
		if v.Proposal, err = conferences.GetProposal(ctx, s.pool, ev.ID); err != nil {
			return unavailable(err)
		}
		if v.Proposal != nil {
			ev.InVenueTime(v.Proposal.Meetings)
		}
	}
	if export {
		return s.exportSchedule(c, format, ev, v)
	}
	return withETag(c, ev.Version, v)
}

// agenda is one firm's own schedule at an event.
type agenda struct {
	EventID        uuid.UUID       `json:"event_id"`
	EventName      string          `json:"event_name"`
	Venue          string          `json:"venue"`
	OrganisationID uuid.UUID       `json:"organisation_id"`
	Name           string          `json:"name"`
	Role           conference.Role `json:"role"`
	Meetings       []agendaMeeting `json:"meetings"`
	Version        int64           `json:"version"`
}

// agendaMeeting is a meeting seen from one side. Status is confirmed, or
// cancelled once a registration's cancellation withdrew it.
type agendaMeeting struct {
	ID              uuid.UUID       `json:"id"`
	StartsAt        time.Time       `json:"starts_at"`
	EndsAt          time.Time       `json:"ends_at"`
	Table           int             `json:"table,omitempty"`
	Booth           string          `json:"booth,omitempty"`
	CounterpartID   uuid.UUID       `json:"counterpart_id"`
	CounterpartName string          `json:"counterpart_name"`
	CounterpartRole conference.Role `json:"counterpart_role"`
	DemandID        *uuid.UUID      `json:"demand_id"`
	DemandTitle     string          `json:"demand_title,omitempty"`
	// InterpreterLanguage is set when the buyer meets with an interpreter
	// of that language (JP, KR, ZH).
	InterpreterLanguage string                `json:"interpreter_language,omitempty"`
	Score               int                   `json:"score"`
	Status              string                `json:"status"`
	Feedback            *conferences.Feedback `json:"feedback,omitempty"`
}

// Agenda statuses (also the iCalendar STATUS, in upper case).
const (
	agendaConfirmed = "confirmed"
	agendaCancelled = "cancelled"
)

// loadAgenda builds the agenda of the firm the caller asks for: a firm its
// own (organisation_id may be left out), the organiser any
// (organisation_id required). A firm neither registered nor ever in a
// published meeting has none: 404.
func (s *Server) loadAgenda(c echo.Context) (agenda, conferences.Event, error) {
	ev, err := s.loadEvent(c)
	if err != nil {
		return agenda{}, ev, err
	}
	p := principal(c)
	var f fields
	org := f.id("organisation_id", c.QueryParam("organisation_id"), p.Role == RoleOrganiser)
	if err := f.join(nil); err != nil {
		return agenda{}, ev, err
	}
	if p.Role != RoleOrganiser {
		if org != uuid.Nil && org != p.OrganisationID {
			return agenda{}, ev, domain.Errorf(domain.ErrForbidden, "a firm sees its own agenda only")
		}
		org = p.OrganisationID
	}
	a, err := s.agendaOf(c.Request().Context(), ev, org)
	return a, ev, err
}

// agendaOf builds firm org's agenda at event ev (the API's and the
// console's). A firm neither registered nor ever in a published meeting has
// none: ErrNotFound.
func (s *Server) agendaOf(ctx context.Context, ev conferences.Event, org uuid.UUID) (agenda, error) {
	ms, err := conferences.Meetings(ctx, s.pool, ev.ID, conferences.MeetingFilter{
		States: []string{conferences.StatePublished, conferences.StateWithdrawn}, Organisation: org})
	if err != nil {
		return agenda{}, unavailable(err)
	}
	ev.InVenueTime(ms)
	reg, registered := ev.Registered(org)
	if !registered && len(ms) == 0 {
		return agenda{}, domain.Errorf(domain.ErrNotFound, "organisation %s has no agenda at this event", org)
	}
	a := agenda{EventID: ev.ID, EventName: ev.Name, Venue: ev.Venue, OrganisationID: org, Name: reg.Name, Role: reg.Role,
		Meetings: make([]agendaMeeting, 0, len(ms)), Version: ev.Version}
	for _, m := range ms {
		a.Meetings = append(a.Meetings, agendaMeetingOf(m, org, &a))
	}
	return a, nil
}

// agendaMeetingOf turns m around to org's side, filling a's name and role
// from it when the firm is no longer registered.
func agendaMeetingOf(m conferences.Meeting, org uuid.UUID, a *agenda) agendaMeeting {
	x := agendaMeeting{ID: m.ID, StartsAt: m.StartsAt, EndsAt: m.EndsAt, Table: m.Table, Booth: m.Booth,
		DemandID: m.DemandID, DemandTitle: m.DemandTitle, InterpreterLanguage: m.InterpreterLanguage, Score: m.Score,
		Status: agendaConfirmed}
	if m.State == conferences.StateWithdrawn {
		x.Status = agendaCancelled
	}
	if m.SupplierID == org {
		x.CounterpartID, x.CounterpartName, x.CounterpartRole = m.BuyerID, m.BuyerName, conference.Buyer
		x.Feedback = m.SupplierFeedback
		a.Name, a.Role = m.SupplierName, conference.Supplier
	} else {
		x.CounterpartID, x.CounterpartName, x.CounterpartRole = m.SupplierID, m.SupplierName, conference.Supplier
		x.Feedback = m.BuyerFeedback
		a.Name, a.Role = m.BuyerName, conference.Buyer
	}
	return x
}

// getAgenda: GET /v1/events/{id}/agenda?organisation_id=.
func (s *Server) getAgenda(c echo.Context) error {
	a, _, err := s.loadAgenda(c)
	if err != nil {
		return err
	}
	return withETag(c, a.Version, a)
}

// getAgendaICS: GET /v1/events/{id}/agenda.ics?organisation_id=: the same
// agenda as an iCalendar file calendar apps import.
func (s *Server) getAgendaICS(c echo.Context) error {
	a, ev, err := s.loadAgenda(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="agenda.ics"`)
	h.Set("ETag", strconv.Quote(strconv.FormatInt(a.Version, 10)))
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", agendaICS(a, ev, s.now(), lang(c)))
}

// Report formats.
const (
	formatJSON = "json"
	formatCSV  = "csv"
	formatHTML = "html"
)

// getReport: GET /v1/events/{id}/report?format=json|csv|html (organiser).
func (s *Server) getReport(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	format := c.QueryParam("format")
	switch format {
	case "":
		format = formatJSON
	case formatJSON, formatCSV, formatHTML, formatXLSX:
	default:
		return invalid("format", "must be json, csv, html or xlsx")
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := conferences.EventReport(c.Request().Context(), s.pool, id, s.now())
	if err != nil {
		return unavailable(err)
	}
	if format == formatXLSX || (format == formatCSV && c.QueryParam("section") != "") {
		return exportFile(c, "event-report-"+id.String(), format, reportSheets(r))
	}
	switch format {
	case formatCSV:
		c.Response().Header().Set("Content-Disposition", `attachment; filename="event-report-`+id.String()+`.csv"`)
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", reportCSV(r, lang(c)))
	case formatHTML:
		page, err := reportHTML(r, s.now(), pageLang(c))
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Security-Policy", reportCSP)
		return c.HTMLBlob(http.StatusOK, page)
	}
	return c.JSON(http.StatusOK, r)
}

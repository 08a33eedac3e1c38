package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/projections/board"
	"github.com/keylink/keylink/projections/conferences"
	"github.com/keylink/keylink/projections/matches"
)

// maxFirmEvents bounds the events a firm's list shows.
const maxFirmEvents = 50

// firmOf is the firm a firm's event page is for: its role (from the path),
// its id, and the path of its pages.
func firmOf(req *request) (role string, id uuid.UUID, base string, err error) {
	role, kind := RoleSupplier, "suppliers"
	if strings.HasPrefix(req.r.URL.Path, Prefix+"buyers/") {
		role, kind = RoleBuyer, "buyers"
	}
	id, err = firm(req, role)
	return role, id, Prefix + kind + "/" + req.r.PathValue("id"), err
}

// firmEventItem is one event in a firm's list.
type firmEventItem struct {
	conferences.EventSummary
	Registered bool
}

type firmEventsView struct {
	Base   string
	Events []firmEventItem
}

// firmEvents: GET /console/{suppliers|buyers}/{id}/events: every event,
// those the firm registered for marked.
func (c *Console) firmEvents(req *request) error {
	_, id, base, err := firmOf(req)
	if err != nil {
		return err
	}
	c.waitAfter(req, "conferences")
	ctx := req.r.Context()
	list, err := conferences.ListEvents(ctx, c.cfg.DB, maxFirmEvents)
	if err != nil {
		return err
	}
	v := firmEventsView{Base: base}
	for _, s := range list {
		ev, err := conferences.GetEvent(ctx, c.cfg.DB, s.ID)
		if err != nil {
			return err
		}
		_, reg := ev.Registered(id)
		v.Events = append(v.Events, firmEventItem{EventSummary: s, Registered: reg})
	}
	return c.render(req, http.StatusOK, "firm_events", req.l.T("events"), v)
}

// slotChoice is one slot of the unavailability form.
type slotChoice struct {
	conferences.Slot
	Away bool
}

// slotDay is the slots of one day of the event.
type slotDay struct {
	Day   time.Time
	Slots []slotChoice
}

// byDay groups slots by their day in the venue's time.
func byDay(slots []slotChoice) []slotDay {
	var out []slotDay
	for _, s := range slots {
		if n := len(out); n == 0 || out[n-1].Day.Format(time.DateOnly) != s.StartsAt.Format(time.DateOnly) {
			out = append(out, slotDay{Day: s.StartsAt})
		}
		out[len(out)-1].Slots = append(out[len(out)-1].Slots, s)
	}
	return out
}

// requestItem is a meeting request seen from the firm's side.
type requestItem struct {
	conferences.Request
	Counterpart string
	Incoming    bool
}

// choice is one option of a select.
type choice struct{ Value, Label string }

// agendaItem is one of the firm's meetings.
type agendaItem struct {
	conferences.Meeting
	Counterpart string
	Feedback    *conferences.Feedback
	Ended       bool
	Withdrawn   bool
	// Form is the meeting's feedback form: what was typed, or the feedback
	// given.
	Form *form
}

// firmEventView is a firm's page of one event.
type firmEventView struct {
	Base       string
	Firm       uuid.UUID
	Role       string
	Event      conferences.Event
	Registered bool
	// Over: the event has ended; registration and its terms are closed to
	// firms.
	Over     bool
	Days     []slotDay
	Requests []requestItem
	Choices  []choice
	Agenda   []agendaItem
	// RequestForm holds the request form's problem; FeedbackFor names the
	// meeting whose feedback form Feedback holds.
	RequestForm *form
	FeedbackFor uuid.UUID
	Feedback    *form
	Ratings     []conference.Rating
}

func (c *Console) firmEvent(req *request) error {
	c.waitAfter(req, "conferences")
	return c.renderFirmEvent(req, http.StatusOK, newForm(nil), uuid.Nil, newForm(nil))
}

func (c *Console) renderFirmEvent(req *request, status int, rf *form, fbFor uuid.UUID, fb *form) error {
	role, org, base, err := firmOf(req)
	if err != nil {
		return err
	}
	eid, err := uuid.Parse(req.r.PathValue("eid"))
	if err != nil {
		return errNotFound
	}
	ctx := req.r.Context()
	ev, err := conferences.GetEvent(ctx, c.cfg.DB, eid)
	if err != nil {
		return err
	}
	v := firmEventView{Base: base, Firm: org, Role: role, Event: ev, RequestForm: rf, FeedbackFor: fbFor, Feedback: fb,
		Ratings: []conference.Rating{conference.RatingNone, conference.RatingNoInterest, conference.RatingInformative,
			conference.RatingCooperationPossible}}
	reg, registered := ev.Registered(org)
	v.Registered = registered
	v.Over = !c.cfg.Clock().Before(ev.EndsAt)
	var slots []slotChoice
	for _, s := range ev.Slots {
		sc := slotChoice{Slot: s}
		for _, p := range reg.Unavailable {
			if p.From.Before(s.EndsAt) && s.StartsAt.Before(p.To) {
				sc.Away = true
			}
		}
		slots = append(slots, sc)
	}
	v.Days = byDay(slots)
	names := map[uuid.UUID]string{}
	other := map[uuid.UUID]bool{}
	for _, r := range ev.Registrations {
		names[r.OrganisationID] = r.Name
		if string(r.Role) != role {
			other[r.OrganisationID] = true
		}
	}
	rs, err := conferences.Requests(ctx, c.cfg.DB, eid, org)
	if err != nil {
		return err
	}
	for _, r := range rs {
		it := requestItem{Request: r, Incoming: r.RequestedBy != org}
		it.Counterpart = r.SupplierName
		if r.SupplierID == org {
			it.Counterpart = r.BuyerName
		}
		v.Requests = append(v.Requests, it)
	}
	if v.Choices, err = c.requestChoices(req, role, org, other, names); err != nil {
		return err
	}
	ms, err := conferences.Meetings(ctx, c.cfg.DB, eid, conferences.MeetingFilter{
		States: []string{conferences.StatePublished, conferences.StateWithdrawn}, Organisation: org})
	if err != nil {
		return err
	}
	ev.InVenueTime(ms)
	now := c.cfg.Clock()
	for _, m := range ms {
		it := agendaItem{Meeting: m, Counterpart: m.BuyerName, Feedback: m.SupplierFeedback,
			Ended: !now.Before(m.EndsAt), Withdrawn: m.State == conferences.StateWithdrawn}
		if m.BuyerID == org {
			it.Counterpart, it.Feedback = m.SupplierName, m.BuyerFeedback
		}
		switch {
		case m.ID == fbFor:
			it.Form = fb
		case it.Feedback != nil:
			took := "no"
			if it.Feedback.TookPlace {
				took = "yes"
			}
			it.Form = newForm(map[string]string{"took_place": took, "rating": string(it.Feedback.Rating)})
		default:
			it.Form = newForm(map[string]string{"took_place": "yes"})
		}
		v.Agenda = append(v.Agenda, it)
	}
	return c.render(req, status, "firm_event", ev.Name, v)
}

// requestChoices are the firms the firm may ask to meet: first its matches
// among the registered firms of the other role (with the demand they are
// about), then every registered firm of that role.
func (c *Console) requestChoices(req *request, role string, org uuid.UUID, other map[uuid.UUID]bool, names map[uuid.UUID]string) ([]choice, error) {
	ctx, l := req.r.Context(), req.l
	var out []choice
	score := func(n int) string { return " (" + l.T("score") + " " + strconv.Itoa(n) + ")" }
	if role == RoleSupplier {
		ms, err := matches.SupplierMatches(ctx, c.cfg.DB, org, matches.DefaultMatchLimit, c.cfg.Clock())
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return nil, err
		}
		for _, m := range ms.Matches {
			if !other[m.BuyerID] {
				continue
			}
			title := ""
			if d, err := board.GetDemand(ctx, c.cfg.DB, m.DemandID); err == nil {
				title = " — " + d.Title
			}
			out = append(out, choice{m.BuyerID.String() + "/" + m.DemandID.String(), m.BuyerName + title + score(m.Score)})
		}
	} else {
		b, err := board.GetBuyer(ctx, c.cfg.DB, org)
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return nil, err
		}
		for _, d := range b.Demands {
			if d.Status != "open" {
				continue
			}
			list, err := matches.DemandMatches(ctx, c.cfg.DB, d.ID, matches.DefaultMatchLimit, c.cfg.Clock())
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return nil, err
			}
			for _, m := range list.Matches {
				if other[m.SupplierID] {
					out = append(out, choice{m.SupplierID.String() + "/" + d.ID.String(), m.SupplierName + " — " + d.Title + score(m.Score)})
				}
			}
		}
	}
	for id := range other {
		out = append(out, choice{id.String(), names[id]})
	}
	// The plain firms after the matches, by name.
	plain := out[len(out)-len(other):]
	sortChoices(plain)
	return out, nil
}

func sortChoices(cs []choice) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].Label < cs[j-1].Label; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// eventTarget is the event of a firm's event form and the firm.
func eventTarget(req *request) (eid, org uuid.UUID, base string, err error) {
	_, org, base, err = firmOf(req)
	if err != nil {
		return
	}
	if eid, err = uuid.Parse(req.r.PathValue("eid")); err != nil {
		err = errNotFound
	}
	return
}

// afterEvent redirects to the event page once the read model has pos.
func afterEvent(req *request, base string, eid uuid.UUID, pos int64, key string) {
	http.Redirect(req.w, req.r, savedURL(base+"/events/"+eid.String(), pos, key), http.StatusSeeOther)
}

// awayPeriods turns the checked slots into unavailable periods, joining
// slots that follow each other.
func (c *Console) awayPeriods(req *request, eid uuid.UUID) ([]conference.Period, error) {
	ev, err := conferences.GetEvent(req.r.Context(), c.cfg.DB, eid)
	if err != nil {
		return nil, err
	}
	if err := req.r.ParseForm(); err != nil {
		return nil, errNotFound
	}
	checked := map[string]bool{}
	for _, s := range req.r.PostForm["away"] {
		checked[s] = true
	}
	out := []conference.Period{}
	for _, s := range ev.Slots {
		if !checked[strconv.Itoa(s.Index)] {
			continue
		}
		if n := len(out); n > 0 && out[n-1].To.Equal(s.StartsAt) {
			out[n-1].To = s.EndsAt
			continue
		}
		out = append(out, conference.Period{From: s.StartsAt, To: s.EndsAt})
	}
	return out, nil
}

// firmRegister: POST .../events/{eid}/register (POST
// /v1/events/{id}/registrations for the firm).
func (c *Console) firmRegister(req *request) error {
	return c.withAway(req, c.cfg.Backend.Register, "event.registered")
}

// firmUnavailable: POST .../events/{eid}/unavailable: the slots the firm
// cannot meet in.
func (c *Console) firmUnavailable(req *request) error {
	return c.withAway(req, c.cfg.Backend.SetUnavailable, "event.unavailable")
}

// withAway sends the firm's ticked slots to the event with send and shows
// the event page with the confirmation done.
func (c *Console) withAway(req *request, send func(context.Context, Principal, uuid.UUID, uuid.UUID, []conference.Period) (int64, error),
	done string) error {
	eid, org, base, err := eventTarget(req)
	if err != nil {
		return err
	}
	away, err := c.awayPeriods(req, eid)
	if err != nil {
		return err
	}
	pos, err := send(req.r.Context(), req.user, eid, org, away)
	if err != nil {
		return err
	}
	afterEvent(req, base, eid, pos, done)
	return nil
}

// firmRequest: POST .../events/{eid}/requests {to: "firm" or
// "firm/demand"} (POST /v1/events/{id}/meeting-requests).
func (c *Console) firmRequest(req *request) error {
	eid, org, base, err := eventTarget(req)
	if err != nil {
		return err
	}
	f := read(req.r, "to")
	to, demand := uuid.Nil, uuid.Nil
	a, b, hasDemand := strings.Cut(f.V("to"), "/")
	if to, err = uuid.Parse(a); err != nil {
		f.add("to", req.l.fieldMessage("is required"))
	} else if hasDemand {
		if demand, err = uuid.Parse(b); err != nil {
			f.add("to", req.l.fieldMessage("is required"))
		}
	}
	if !f.Bad() {
		pos, err := c.cfg.Backend.RequestMeeting(req.r.Context(), req.user, eid, org, to, demand)
		if err == nil {
			afterEvent(req, base, eid, pos, "event.requested")
			return nil
		}
		if errors.Is(err, domain.ErrConflict) {
			f.add("to", req.l.T("event.request.conflict"))
		} else if !f.addDomain(req.l, err) {
			return err
		}
		// Problems of from, to or demand_id are all about the choice.
		for k, msg := range f.Errors {
			if k != "to" {
				f.add("to", msg)
			}
		}
	}
	return c.renderFirmEvent(req, http.StatusBadRequest, f, uuid.Nil, newForm(nil))
}

// firmAnswer: POST .../events/{eid}/requests/{rid}/accept|decline.
func (c *Console) firmAnswer(req *request) error {
	eid, _, base, err := eventTarget(req)
	if err != nil {
		return err
	}
	rid, err := uuid.Parse(req.r.PathValue("rid"))
	answer := req.r.PathValue("answer")
	if err != nil || answer != "accept" && answer != "decline" {
		return errNotFound
	}
	pos, err := c.cfg.Backend.AnswerRequest(req.r.Context(), req.user, eid, rid, answer == "accept")
	if err != nil {
		return err
	}
	afterEvent(req, base, eid, pos, "event."+answer+"ed")
	return nil
}

// firmFeedback: POST .../events/{eid}/meetings/{mid}/feedback {took_place:
// yes|no, rating}.
func (c *Console) firmFeedback(req *request) error {
	eid, org, base, err := eventTarget(req)
	if err != nil {
		return err
	}
	mid, err := uuid.Parse(req.r.PathValue("mid"))
	if err != nil {
		return errNotFound
	}
	f := read(req.r, "took_place", "rating")
	took := f.V("took_place") == "yes"
	if f.V("took_place") != "yes" && f.V("took_place") != "no" {
		f.add("took_place", req.l.fieldMessage("is required"))
	}
	rating := conference.Rating(f.V("rating"))
	if rating == "" {
		rating = conference.RatingNone
	}
	if !f.Bad() {
		pos, err := c.cfg.Backend.GiveFeedback(req.r.Context(), req.user, eid, mid, org, took, rating)
		if err == nil {
			afterEvent(req, base, eid, pos, "event.feedback")
			return nil
		}
		if !f.addDomain(req.l, err) {
			return err
		}
	}
	return c.renderFirmEvent(req, http.StatusBadRequest, newForm(nil), mid, f)
}

// firmAgendaICS: GET .../events/{eid}/agenda.ics: the firm's agenda for a
// calendar app, as GET /v1/events/{id}/agenda.ics.
func (c *Console) firmAgendaICS(req *request) error {
	eid, org, _, err := eventTarget(req)
	if err != nil {
		return err
	}
	body, err := c.cfg.Backend.AgendaICS(req.r.Context(), eid, org, string(req.l))
	if err != nil {
		return err
	}
	h := req.w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="agenda.ics"`)
	_, err = req.w.Write(body)
	return err
}

// Package conference is the event aggregate: a B2B connection conference or a
// trade fair run by the city's Department of Industry and Trade, the firms
// registered for it, their meeting requests, the meeting schedule (proposed by
// the organiser with package schedule, then published) and what the meetings
// led to. It is rebuilt from its events and records new ones; it knows nothing
// of storage, HTTP or the clock: commands that depend on time take now.
package conference

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/schedule"
)

// StreamType names event streams in the event store.
const StreamType = "conference"

// Conference is one event and everything that happens in it. The zero value
// is an empty aggregate ready to have stored events applied or Create called.
// It is not safe for concurrent use: one command loads, changes and saves it
// at a time.
type Conference struct {
	domain.Root
	id           uuid.UUID
	details      Details
	slots        []schedule.Slot
	firms        map[uuid.UUID]Registration
	booths       map[string]uuid.UUID
	interpreters map[schedule.Language]int
	requests     map[uuid.UUID]*MeetingRequest
	proposal     *Proposal
	published    []Meeting // ordered by slot, table, booth
	feedback     map[uuid.UUID]map[Role]Feedback
	outcomes     map[uuid.UUID]Outcome
}

// Events returns one zero value of every conference event type, for the event
// store's codec registry. Events are values, never pointers.
func Events() []domain.Event {
	return []domain.Event{
		EventCreated{}, FirmRegistered{}, RegistrationCancelled{}, InterpreterDeclared{},
		MeetingRequested{}, MeetingRequestAccepted{}, MeetingRequestDeclined{},
		ScheduleProposed{}, SchedulePublished{}, MeetingLocked{},
		MeetingFeedbackGiven{}, MeetingOutcomeRecorded{},
		MeetingUnlocked{}, MeetingMoved{}, MeetingCancelled{}, RegistrationRevised{},
	}
}

// Apply changes the state by one event. It never fails: stored events are
// facts. Event types it does not know are ignored.
func (c *Conference) Apply(e domain.Event) {
	if c.firms == nil {
		c.firms, c.booths = map[uuid.UUID]Registration{}, map[string]uuid.UUID{}
		c.interpreters = map[schedule.Language]int{}
		c.requests = map[uuid.UUID]*MeetingRequest{}
		c.feedback, c.outcomes = map[uuid.UUID]map[Role]Feedback{}, map[uuid.UUID]Outcome{}
	}
	switch e := e.(type) {
	case EventCreated:
		c.id, c.details = e.EventID, e.Details
		c.slots = e.Details.Slots()
	case FirmRegistered:
		c.firms[e.OrganisationID] = e.Registration
		if e.Booth != "" {
			c.booths[e.Booth] = e.OrganisationID
		}
	case RegistrationRevised:
		if b := c.firms[e.OrganisationID].Booth; b != "" {
			delete(c.booths, b)
		}
		c.firms[e.OrganisationID] = e.Registration
		if e.Booth != "" {
			c.booths[e.Booth] = e.OrganisationID
		}
	case RegistrationCancelled:
		if b := c.firms[e.OrganisationID].Booth; b != "" {
			delete(c.booths, b)
		}
		delete(c.firms, e.OrganisationID)
		gone := func(m Meeting) bool { return slices.Contains(e.WithdrawnMeetings, m.ID) }
		c.published = slices.DeleteFunc(c.published, gone)
		if c.proposal != nil {
			c.proposal.Meetings = slices.DeleteFunc(c.proposal.Meetings, gone)
		}
	case InterpreterDeclared:
		c.interpreters[e.Language] = e.Count
	case MeetingRequested:
		c.requests[e.RequestID] = &MeetingRequest{ID: e.RequestID, SupplierID: e.SupplierID, BuyerID: e.BuyerID,
			RequestedBy: e.RequestedBy, DemandID: e.DemandID, Status: Pending}
	case MeetingRequestAccepted:
		if r := c.requests[e.RequestID]; r != nil {
			r.Status = Accepted
		}
	case MeetingRequestDeclined:
		if r := c.requests[e.RequestID]; r != nil {
			r.Status, r.Reason = Declined, e.Reason
		}
	case ScheduleProposed:
		c.proposal = &Proposal{Meetings: slices.Clone(e.Meetings), Unscheduled: slices.Clone(e.Unscheduled),
			Floor: e.Floor, Objective: e.Objective, Bound: e.Bound, ScoreBound: e.ScoreBound, ProposedAt: e.ProposedAt}
	case SchedulePublished:
		switch {
		case e.Meetings != nil: // version 1
			c.published = slices.Clone(e.Meetings)
		case c.proposal != nil:
			c.published = slices.Clone(c.proposal.Meetings)
		}
		sortMeetings(c.published)
		c.proposal = nil
	case MeetingLocked:
		if c.proposal != nil {
			for i := range c.proposal.Meetings {
				if c.proposal.Meetings[i].ID == e.Meeting.ID {
					c.proposal.Meetings[i].Locked = true
				}
			}
		}
	case MeetingFeedbackGiven:
		if c.feedback[e.MeetingID] == nil {
			c.feedback[e.MeetingID] = map[Role]Feedback{}
		}
		c.feedback[e.MeetingID][e.Side] = Feedback{OrganisationID: e.OrganisationID, TookPlace: e.TookPlace, Rating: e.Rating}
	case MeetingOutcomeRecorded:
		c.outcomes[e.MeetingID] = e.Outcome
	default:
		c.applyMeeting(e)
	}
}

func sortMeetings(ms []Meeting) {
	slices.SortFunc(ms, func(a, b Meeting) int {
		return cmp.Or(a.Slot-b.Slot, cmpBool(a.Booth != "", b.Booth != ""), a.Table-b.Table, cmp.Compare(a.Booth, b.Booth))
	})
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// created guards commands on a stream that was never started.
func (c *Conference) created() error {
	if c.id == uuid.Nil {
		return domain.Errorf(domain.ErrNotFound, "event not found")
	}
	return nil
}

// notOver guards commands that make no sense once the event ended.
func (c *Conference) notOver(now time.Time) error {
	if !now.Before(c.details.EndsAt) {
		return domain.Errorf(domain.ErrConflict, "the event ended at %s", c.details.EndsAt.Format(time.RFC3339))
	}
	return nil
}

// planningTime is the time a schedule is planned at: now, or for an event
// that is over (an organiser backfilling an earlier fair) its start, so that
// every slot is open to record what took place.
func (c *Conference) planningTime(now time.Time) time.Time {
	if !now.Before(c.details.EndsAt) {
		return c.details.StartsAt
	}
	return now
}

// openFor guards commands a firm may send only until the event ends; the
// organiser may send them later too, to backfill an earlier fair.
func (c *Conference) openFor(by Actor, now time.Time) error {
	if by.Organiser {
		return nil
	}
	return c.notOver(now)
}

// ID is the event's id (uuid.Nil before Create).
func (c *Conference) ID() uuid.UUID { return c.id }

// Details are the event's details as created.
func (c *Conference) Details() Details { return c.details }

// Slots are the meeting slots derived from the details (see Details.Slots).
func (c *Conference) Slots() []schedule.Slot { return slices.Clone(c.slots) }

// Registration returns a registered firm's registration.
func (c *Conference) Registration(org uuid.UUID) (Registration, bool) {
	r, ok := c.firms[org]
	return r.clone(), ok
}

// Registrations lists the registered firms ordered by organisation id.
func (c *Conference) Registrations() []Registration {
	out := make([]Registration, 0, len(c.firms))
	for _, r := range c.firms {
		out = append(out, r.clone())
	}
	slices.SortFunc(out, func(a, b Registration) int { return cmpIDs(a.OrganisationID, b.OrganisationID) })
	return out
}

// Interpreters returns the declared interpreters per language.
func (c *Conference) Interpreters() map[schedule.Language]int {
	out := make(map[schedule.Language]int, len(c.interpreters))
	for l, n := range c.interpreters {
		out[l] = n
	}
	return out
}

// Request returns a meeting request.
func (c *Conference) Request(id uuid.UUID) (MeetingRequest, bool) {
	r, ok := c.requests[id]
	if !ok {
		return MeetingRequest{}, false
	}
	return *r, true
}

// Proposal returns the organiser's current draft schedule, if any. Firms must
// not be shown it.
func (c *Conference) Proposal() (Proposal, bool) {
	if c.proposal == nil {
		return Proposal{}, false
	}
	p := *c.proposal
	p.Meetings, p.Unscheduled = slices.Clone(p.Meetings), slices.Clone(p.Unscheduled)
	return p, true
}

// Published lists the published meetings, ordered by slot then table.
func (c *Conference) Published() []Meeting { return slices.Clone(c.published) }

// Meeting returns a published meeting.
func (c *Conference) Meeting(id uuid.UUID) (Meeting, bool) {
	for _, m := range c.published {
		if m.ID == id {
			return m, true
		}
	}
	return Meeting{}, false
}

// Feedback returns the feedback given on a meeting, by side.
func (c *Conference) Feedback(meetingID uuid.UUID) map[Role]Feedback {
	out := map[Role]Feedback{}
	for s, f := range c.feedback[meetingID] {
		out[s] = f
	}
	return out
}

// NoShow reports whether a meeting counts as a no-show: either side said it
// did not take place, or the organiser recorded it so.
func (c *Conference) NoShow(meetingID uuid.UUID) bool {
	var outcome *Status
	if o, ok := c.outcomes[meetingID]; ok {
		outcome = &o.Status
	}
	var said []*bool
	for _, f := range c.feedback[meetingID] {
		said = append(said, &f.TookPlace)
	}
	return AttendanceOf(outcome, said...) == AttendanceNoShow
}

// Outcome returns the organiser's record of a meeting.
func (c *Conference) Outcome(meetingID uuid.UUID) (Outcome, bool) {
	o, ok := c.outcomes[meetingID]
	if ok && o.ValueUSD != nil {
		v := *o.ValueUSD
		o.ValueUSD = &v
	}
	return o, ok
}

package conferences

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/schedule"
)

// Event is a conference or fair as GET /v1/events/{id} answers it: the
// details as created, the slots cut from them, interpreters per language and
// the firms registered now, in registration order. Lists are never nil.
type Event struct {
	ID uuid.UUID `json:"id"`
	conference.Details
	Slots         []Slot         `json:"slots"`
	Interpreters  map[string]int `json:"interpreters"`
	Registrations []Registration `json:"registrations"`
	Version       int64          `json:"version"`
}

// Slot is one meeting slot of an event, in the venue's time.
type Slot struct {
	Index    int       `json:"index"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
}

// Registration is one registered firm with its name and the industry groups
// of its active capabilities or open demands (in the city's order).
// Unavailable, SME and InterpreterLanguage are the firm's own business: the
// API blanks them for other firms.
type Registration struct {
	OrganisationID      uuid.UUID              `json:"organisation_id"`
	Name                string                 `json:"name"`
	Role                conference.Role        `json:"role"`
	Booth               string                 `json:"booth,omitempty"`
	Unavailable         []conference.Period    `json:"unavailable,omitempty"`
	SME                 bool                   `json:"sme,omitempty"`
	InterpreterLanguage string                 `json:"interpreter_language,omitempty"`
	MaxMeetings         int                    `json:"max_meetings,omitempty"`
	IndustryGroups      []domain.IndustryGroup `json:"industry_groups"`
}

// Registered reports whether org is registered, and its registration.
func (e Event) Registered(org uuid.UUID) (Registration, bool) {
	for _, r := range e.Registrations {
		if r.OrganisationID == org {
			return r, true
		}
	}
	return Registration{}, false
}

// InVenueTime shows the meetings' times in the venue's offset (that of the
// event's starts_at), like the event's own times; the database keeps
// instants only.
func (e Event) InVenueTime(ms []Meeting) {
	loc := e.StartsAt.Location()
	for i := range ms {
		ms[i].StartsAt, ms[i].EndsAt = ms[i].StartsAt.In(loc), ms[i].EndsAt.In(loc)
	}
}

// EventSummary is one line of the event list.
type EventSummary struct {
	ID uuid.UUID `json:"id"`
	conference.Details
	Registrations int   `json:"registrations"`
	Version       int64 `json:"version"`
}

// ListEvents returns the events, latest start first, at most limit.
func ListEvents(ctx context.Context, db Querier, limit int) ([]EventSummary, error) {
	rows, err := db.Query(ctx, `SELECT e.id, e.details, e.version,
  (SELECT count(*) FROM conference_registrations r WHERE r.event_id = e.id)
FROM conference_events e ORDER BY e.starts_at DESC, e.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("conferences: list events: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (EventSummary, error) {
		var s EventSummary
		return s, row.Scan(&s.ID, &s.Details, &s.Version, &s.Registrations)
	})
	if err != nil {
		return nil, fmt.Errorf("conferences: list events: %w", err)
	}
	return nonNil(out), nil
}

// GetEvent returns an event with its registrations; an unknown id is an
// error wrapping domain.ErrNotFound.
func GetEvent(ctx context.Context, db Querier, id uuid.UUID) (Event, error) {
	e := Event{ID: id}
	err := db.QueryRow(ctx, `SELECT details, interpreters, version FROM conference_events WHERE id = $1`, id).
		Scan(&e.Details, &e.Interpreters, &e.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return Event{}, domain.Errorf(domain.ErrNotFound, "event %s not found", id)
	}
	if err != nil {
		return Event{}, fmt.Errorf("conferences: get event: %w", err)
	}
	length := time.Duration(e.SlotMinutes) * time.Minute
	e.Slots = []Slot{}
	for _, s := range e.Details.Slots() {
		e.Slots = append(e.Slots, Slot{Index: s.Index, StartsAt: s.Start, EndsAt: s.Start.Add(length)})
	}
	rows, err := db.Query(ctx, `SELECT r.organisation_id, coalesce(o.name, ''), r.role, r.booth, r.unavailable, r.sme,
  r.interpreter_language, r.max_meetings,
  coalesce((SELECT array_agg(DISTINCT f.industry_group) FROM conference_offers f
            WHERE f.organisation_id = r.organisation_id AND f.active), '{}')
FROM conference_registrations r LEFT JOIN conference_organisations o ON o.id = r.organisation_id
WHERE r.event_id = $1 ORDER BY r.registered_version`, id)
	if err != nil {
		return Event{}, fmt.Errorf("conferences: get event: %w", err)
	}
	e.Registrations, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Registration, error) {
		var (
			r      Registration
			groups []string
		)
		err := row.Scan(&r.OrganisationID, &r.Name, &r.Role, &r.Booth, &r.Unavailable, &r.SME, &r.InterpreterLanguage, &r.MaxMeetings, &groups)
		r.IndustryGroups = sortGroups(groups)
		return r, err
	})
	if err != nil {
		return Event{}, fmt.Errorf("conferences: get event: %w", err)
	}
	e.Registrations = nonNil(e.Registrations)
	return e, nil
}

// sortGroups puts industry groups in the city's order.
func sortGroups(gs []string) []domain.IndustryGroup {
	out := make([]domain.IndustryGroup, len(gs))
	for i, g := range gs {
		out[i] = domain.IndustryGroup(g)
	}
	slices.SortFunc(out, func(a, b domain.IndustryGroup) int { return cmp.Compare(groupRank(a), groupRank(b)) })
	return out
}

func groupRank(g domain.IndustryGroup) int {
	if i := slices.Index(domain.IndustryGroups, g); i >= 0 {
		return i
	}
	return len(domain.IndustryGroups)
}

// Meeting is a proposed or published meeting with the firms' names, each
// side's feedback and the organiser's outcome once given.
type Meeting struct {
	ID           uuid.UUID  `json:"id"`
	Slot         int        `json:"slot"`
	StartsAt     time.Time  `json:"starts_at"`
	EndsAt       time.Time  `json:"ends_at"`
	Table        int        `json:"table,omitempty"`
	Booth        string     `json:"booth,omitempty"`
	SupplierID   uuid.UUID  `json:"supplier_id"`
	SupplierName string     `json:"supplier_name"`
	BuyerID      uuid.UUID  `json:"buyer_id"`
	BuyerName    string     `json:"buyer_name"`
	DemandID     *uuid.UUID `json:"demand_id"`
	// DemandTitle is the title of the demand the meeting is about, as the
	// buyer wrote it.
	DemandTitle string `json:"demand_title,omitempty"`
	// InterpreterLanguage is the language the buyer needs an interpreter
	// for at its meetings (JP, KR, ZH), from its registration.
	InterpreterLanguage string `json:"interpreter_language,omitempty"`
	Score               int    `json:"score"`
	Locked              bool   `json:"locked,omitempty"`
	// State is proposed, published or withdrawn (published, then taken out
	// with a cancelled registration).
	State            string              `json:"state"`
	SupplierFeedback *Feedback           `json:"supplier_feedback,omitempty"`
	BuyerFeedback    *Feedback           `json:"buyer_feedback,omitempty"`
	Outcome          *conference.Outcome `json:"outcome,omitempty"`
}

// Feedback is one side's word on a meeting.
type Feedback struct {
	TookPlace bool              `json:"took_place"`
	Rating    conference.Rating `json:"rating"`
}

// Meeting states.
const (
	StateProposed  = "proposed"
	StatePublished = "published"
	StateWithdrawn = "withdrawn"
)

// MeetingFilter selects the meetings of an event.
type MeetingFilter struct {
	// Proposal selects the organiser's current draft (published meetings
	// in it included); otherwise States applies.
	Proposal bool
	States   []string
	// Organisation, when set, keeps the meetings of that firm only.
	Organisation uuid.UUID
}

// Meetings returns an event's meetings ordered by start, table and booth.
func Meetings(ctx context.Context, db Querier, eventID uuid.UUID, f MeetingFilter) ([]Meeting, error) {
	var org *uuid.UUID
	if f.Organisation != uuid.Nil {
		org = &f.Organisation
	}
	rows, err := db.Query(ctx, `SELECT m.id, m.slot, m.starts_at, m.ends_at, m.table_no, m.booth, m.supplier_id,
  coalesce(s.name, ''), m.buyer_id, coalesce(b.name, ''), m.demand_id, coalesce(d.title, ''),
  coalesce(r.interpreter_language, ''), m.score, m.locked, m.state,
  m.supplier_took_place, coalesce(m.supplier_rating, ''), m.buyer_took_place, coalesce(m.buyer_rating, ''),
  coalesce(m.outcome_status, ''), coalesce(m.outcome_result, ''), m.value_usd
FROM conference_meetings m
LEFT JOIN conference_organisations s ON s.id = m.supplier_id
LEFT JOIN conference_organisations b ON b.id = m.buyer_id
LEFT JOIN conference_offers d ON d.id = m.demand_id
LEFT JOIN conference_registrations r ON r.event_id = m.event_id AND r.organisation_id = m.buyer_id
WHERE m.event_id = $1 AND (CASE WHEN $2 THEN m.in_proposal ELSE m.state = ANY($3::text[]) END)
  AND ($4::uuid IS NULL OR m.supplier_id = $4 OR m.buyer_id = $4)
ORDER BY m.starts_at, m.booth <> '', m.table_no, m.booth, m.id`, eventID, f.Proposal, f.States, org)
	if err != nil {
		return nil, fmt.Errorf("conferences: meetings: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanMeeting)
	if err != nil {
		return nil, fmt.Errorf("conferences: meetings: %w", err)
	}
	return nonNil(out), nil
}

func scanMeeting(row pgx.CollectableRow) (Meeting, error) {
	var (
		m                Meeting
		sTook, bTook     *bool
		sRating, bRating string
		status, result   string
		value            *float64
	)
	err := row.Scan(&m.ID, &m.Slot, &m.StartsAt, &m.EndsAt, &m.Table, &m.Booth, &m.SupplierID, &m.SupplierName,
		&m.BuyerID, &m.BuyerName, &m.DemandID, &m.DemandTitle, &m.InterpreterLanguage, &m.Score, &m.Locked, &m.State, &sTook, &sRating, &bTook, &bRating,
		&status, &result, &value)
	if sTook != nil {
		m.SupplierFeedback = &Feedback{TookPlace: *sTook, Rating: conference.Rating(sRating)}
	}
	if bTook != nil {
		m.BuyerFeedback = &Feedback{TookPlace: *bTook, Rating: conference.Rating(bRating)}
	}
	if status != "" {
		m.Outcome = &conference.Outcome{Status: conference.Status(status), Result: conference.Result(result), ValueUSD: value}
	}
	return m, err
}

// Proposal is the organiser's current draft schedule.
type Proposal struct {
	ProposedAt time.Time `json:"proposed_at"`
	Floor      int       `json:"floor"`
	Objective  int       `json:"objective"`
	Bound      int       `json:"bound"`
	ScoreBound int       `json:"score_bound"`
	Meetings   []Meeting `json:"meetings"`
	// Unscheduled lists the requested pairs the draft left out (and, for
	// drafts proposed before schema version 2, every pair); LeftOut counts
	// the other pairs left out, which the proposing command's answer lists.
	Unscheduled []Unscheduled `json:"unscheduled"`
	LeftOut     int           `json:"left_out"`
}

// Unscheduled is a candidate pair the draft left out, and why.
type Unscheduled struct {
	SupplierID uuid.UUID       `json:"supplier_id"`
	BuyerID    uuid.UUID       `json:"buyer_id"`
	DemandID   *uuid.UUID      `json:"demand_id"`
	Score      int             `json:"score"`
	Requested  bool            `json:"requested"`
	Reason     schedule.Reason `json:"reason"`
}

// GetProposal returns the event's current draft, or nil when there is none
// (nothing proposed since the last publication).
func GetProposal(ctx context.Context, db Querier, eventID uuid.UUID) (*Proposal, error) {
	var (
		p    Proposal
		kind string
	)
	var total int
	err := db.QueryRow(ctx, `SELECT kind, at, floor, objective, bound, score_bound, unscheduled FROM conference_schedules
WHERE event_id = $1 ORDER BY version DESC LIMIT 1`, eventID).Scan(&kind, &p.ProposedAt, &p.Floor, &p.Objective, &p.Bound, &p.ScoreBound, &total)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && kind != StateProposed {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("conferences: proposal: %w", err)
	}
	if p.Meetings, err = Meetings(ctx, db, eventID, MeetingFilter{Proposal: true}); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT supplier_id, buyer_id, demand_id, score, requested, reason
FROM conference_unscheduled WHERE event_id = $1 ORDER BY ord`, eventID)
	if err != nil {
		return nil, fmt.Errorf("conferences: proposal: %w", err)
	}
	p.Unscheduled, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Unscheduled, error) {
		var u Unscheduled
		return u, row.Scan(&u.SupplierID, &u.BuyerID, &u.DemandID, &u.Score, &u.Requested, &u.Reason)
	})
	if err != nil {
		return nil, fmt.Errorf("conferences: proposal: %w", err)
	}
	p.Unscheduled = nonNil(p.Unscheduled)
	p.LeftOut = max(total-len(p.Unscheduled), 0)
	return &p, nil
}

// Request is a meeting request of an event.
type Request struct {
	ID           uuid.UUID                `json:"id"`
	SupplierID   uuid.UUID                `json:"supplier_id"`
	SupplierName string                   `json:"supplier_name"`
	BuyerID      uuid.UUID                `json:"buyer_id"`
	BuyerName    string                   `json:"buyer_name"`
	RequestedBy  uuid.UUID                `json:"requested_by"`
	DemandID     *uuid.UUID               `json:"demand_id"`
	DemandTitle  string                   `json:"demand_title,omitempty"`
	Status       conference.RequestStatus `json:"status"`
	Reason       string                   `json:"reason,omitempty"`
}

// Requests returns an event's meeting requests in the order they were made;
// with org set, only those between org and another firm.
func Requests(ctx context.Context, db Querier, eventID, org uuid.UUID) ([]Request, error) {
	var o *uuid.UUID
	if org != uuid.Nil {
		o = &org
	}
	rows, err := db.Query(ctx, `SELECT q.id, q.supplier_id, coalesce(s.name, ''), q.buyer_id, coalesce(b.name, ''),
  q.requested_by, q.demand_id, coalesce(d.title, ''), q.status, q.reason
FROM conference_requests q
LEFT JOIN conference_organisations s ON s.id = q.supplier_id
LEFT JOIN conference_organisations b ON b.id = q.buyer_id
LEFT JOIN conference_offers d ON d.id = q.demand_id
WHERE q.event_id = $1 AND ($2::uuid IS NULL OR q.supplier_id = $2 OR q.buyer_id = $2)
ORDER BY q.requested_version`, eventID, o)
	if err != nil {
		return nil, fmt.Errorf("conferences: requests: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Request, error) {
		var r Request
		return r, row.Scan(&r.ID, &r.SupplierID, &r.SupplierName, &r.BuyerID, &r.BuyerName, &r.RequestedBy, &r.DemandID,
			&r.DemandTitle, &r.Status, &r.Reason)
	})
	if err != nil {
		return nil, fmt.Errorf("conferences: requests: %w", err)
	}
	return nonNil(out), nil
}

package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/schedule"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/matches"
)

// readConferences is the read model the event GETs wait for under ?after=P.
var readConferences = []string{"conferences"}

// conferenceRepo is the repository of events (conferences); the name
// conferences is the read model's package.
var conferenceRepo = eventstore.NewRepository[*conference.Conference](conference.StreamType)

func conferenceStream(id uuid.UUID) eventstore.Stream { return conferenceRepo.Stream(id) }

// actor is the caller as the conference aggregate sees it.
func actor(c echo.Context) conference.Actor {
	p := principal(c)
	if p.Role == RoleOrganiser {
		return conference.AsOrganiser()
	}
	return conference.AsFirm(p.OrganisationID)
}

// changeConference runs decide on event {id}, answering with answerID (the
// event's id when uuid.Nil) and the event stream's version. Who may do what
// is the aggregate's to decide (see actor).
func (s *Server) changeConference(c echo.Context, status int, raw []byte, answerID uuid.UUID,
	decide func(ctx context.Context, tx *eventstore.Tx, conf *conference.Conference) error) error {
	return changePath(s, c, status, raw, answerID, conferenceRepo,
		func(echo.Context, uuid.UUID) error { return nil }, decide)
}

// bindEmpty checks the body of a command that takes none: absent, or an
// empty JSON object; anything else is a 400 (413 when oversize).
func bindEmpty(c echo.Context) ([]byte, error) {
	var in struct{}
	return bindOptional(c, &in)
}

// bindOptional is bind for bodies that may be left out entirely.
func bindOptional(c echo.Context, v any) ([]byte, error) {
	raw, err := readBody(c)
	if err != nil || len(bytes.TrimSpace(raw)) == 0 {
		return raw, err
	}
	return raw, decodeJSON(raw, v)
}

// eventInput is the body of POST /v1/events. Times stay strings so that a
// malformed one is reported with its field.
type eventInput struct {
	Kind                      conference.Kind `json:"kind"`
	Name                      string          `json:"name"`
	Venue                     string          `json:"venue"`
	StartsAt                  string          `json:"starts_at"`
	EndsAt                    string          `json:"ends_at"`
	SlotMinutes               int             `json:"slot_minutes"`
	Tables                    int             `json:"tables"`
	MaxMeetingsPerParticipant int             `json:"max_meetings_per_participant"`
	Breaks                    []periodInput   `json:"breaks,omitempty"`
	MaxConsecutive            int             `json:"max_consecutive,omitempty"`
}

// createEvent: POST /v1/events (organiser).
func (s *Server) createEvent(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	var in eventInput
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	var f fields
	d := conference.Details{Kind: in.Kind, Name: in.Name, Venue: in.Venue,
		StartsAt: f.time("starts_at", in.StartsAt), EndsAt: f.time("ends_at", in.EndsAt),
		SlotMinutes: in.SlotMinutes, Tables: in.Tables, MaxMeetingsPerParticipant: in.MaxMeetingsPerParticipant,
		Breaks: f.periods("breaks", in.Breaks), MaxConsecutive: in.MaxConsecutive}
	id := uuid.Must(uuid.NewV7())
	conf := &conference.Conference{}
	if err := f.join(conf.Create(id, d)); err != nil {
		return err
	}
	return s.command(c, http.StatusCreated, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		res, err := conferenceRepo.Create(ctx, tx, id, conf)
		return created(id, res), err
	})
}

// registrationInput is the body of POST /v1/events/{id}/registrations and of
// PUT /v1/events/{id}/registrations/{org}. The role is not in it: it is the
// organisation's. Without sme a supplier's flag follows its profile (Decree
// 80/2021/ND-CP, see supplier.Registration.SME).
type registrationInput struct {
	OrganisationID      string        `json:"organisation_id"`
	Booth               string        `json:"booth"`
	Unavailable         []periodInput `json:"unavailable"`
	SME                 *bool         `json:"sme"`
	InterpreterLanguage string        `json:"interpreter_language"`
	MaxMeetings         int           `json:"max_meetings"`
}

type periodInput struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// registration turns in into the domain's registration of org, collecting
// bad fields in f.
func (in registrationInput) registration(f *fields, org uuid.UUID) conference.Registration {
	reg := conference.Registration{OrganisationID: org, Booth: in.Booth,
		InterpreterLanguage: schedule.Language(in.InterpreterLanguage), MaxMeetings: in.MaxMeetings}
	if in.SME != nil {
		reg.SME = *in.SME
	}
	reg.Unavailable = f.periods("unavailable", in.Unavailable)
	return reg
}

// withRole sets reg's role from its organisation and, when the body left
// sme out, a supplier's SME flag from its profile.
func withRole(ctx context.Context, tx *eventstore.Tx, reg conference.Registration, in registrationInput) (conference.Registration, error) {
	role, err := organisationRole(ctx, tx, reg.OrganisationID)
	if err != nil {
		return reg, err
	}
	reg.Role = role
	if role == conference.Supplier && in.SME == nil {
		sup, err := suppliers.Read(ctx, tx, reg.OrganisationID)
		if err != nil {
			return reg, unavailable(err)
		}
		reg.SME, _ = sup.Profile().SME()
	}
	return reg, nil
}

// registerFirm: POST /v1/events/{id}/registrations (organiser, or the firm
// for itself) -> 201 with the organisation's id.
func (s *Server) registerFirm(c echo.Context) error {
	var in registrationInput
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	var f fields
	org := f.id("organisation_id", in.OrganisationID, true)
	if org == uuid.Nil {
		return f.join(nil)
	}
	reg := in.registration(&f, org)
	if err := requireActFor(c, org); err != nil {
		return err
	}
	return s.changeConference(c, http.StatusCreated, raw, org,
		func(ctx context.Context, tx *eventstore.Tx, conf *conference.Conference) error {
			reg, err := withRole(ctx, tx, reg, in)
			if err != nil {
				return err
			}
			return f.join(conf.Register(actor(c), reg, s.now()))
		})
}

// reviseRegistration: PUT /v1/events/{id}/registrations/{org} (organiser, or
// the firm for itself) replaces a registration's booth, unavailable times,
// SME flag, interpreter need and meeting cap. organisation_id may be left
// out; when given it must be {org}.
func (s *Server) reviseRegistration(c echo.Context) error {
	org, err := pathID(c, "org")
	if err != nil {
		return err
	}
	var in registrationInput
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	var f fields
	if in.OrganisationID != "" {
		if id := f.id("organisation_id", in.OrganisationID, false); id != uuid.Nil && id != org {
			f.add("organisation_id", "must be the organisation of the path")
		}
	}
	reg := in.registration(&f, org)
	if err := requireActFor(c, org); err != nil {
		return err
	}
	return s.changeConference(c, http.StatusOK, raw, org,
		func(ctx context.Context, tx *eventstore.Tx, conf *conference.Conference) error {
			reg, err := withRole(ctx, tx, reg, in)
			if err != nil {
				return err
			}
			return f.join(conf.ReviseRegistration(actor(c), reg, s.now()))
		})
}

// organisationRole says whether org is a supplier or a buyer, from the
// first event of its stream; neither is ErrNotFound.
func organisationRole(ctx context.Context, tx *eventstore.Tx, org uuid.UUID) (conference.Role, error) {
	st, found, err := tx.FirstExisting(ctx, supplierStream(org), buyerStream(org))
	switch typ := st.Type; {
	case err != nil:
		return "", unavailable(err)
	case !found:
		return "", domain.Errorf(domain.ErrNotFound, "organisation %s not found", org)
	case typ == supplier.StreamType:
		return conference.Supplier, nil
	case typ == buyer.StreamType:
		return conference.Buyer, nil
	}
	return "", domain.Errorf(domain.ErrNotFound, "organisation %s not found", org)
}

// cancelRegistration: DELETE /v1/events/{id}/registrations/{org}
// (organiser, or the firm itself).
func (s *Server) cancelRegistration(c echo.Context) error {
	org, err := pathID(c, "org")
	if err != nil {
		return err
	}
	if err := requireActFor(c, org); err != nil {
		return err
	}
	raw, err := bindEmpty(c)
	if err != nil {
		return err
	}
	return s.changeConference(c, http.StatusOK, raw, org, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		return conf.CancelRegistration(actor(c), org, s.now())
	})
}

type interpretersInput struct {
	Language schedule.Language `json:"language"`
	Count    *int              `json:"count"`
}

// declareInterpreters: POST /v1/events/{id}/interpreters (organiser).
func (s *Server) declareInterpreters(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	var in interpretersInput
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	if in.Count == nil {
		return invalid("count", "must be set")
	}
	return s.changeConference(c, http.StatusOK, raw, uuid.Nil, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		return conf.DeclareInterpreters(in.Language, *in.Count)
	})
}

// requestInput names the two firms either as from/to or as
// supplier_id/buyer_id; a firm using the latter asks for itself, the
// organiser for the supplier.
type requestInput struct {
	From       string `json:"from"`
	To         string `json:"to"`
	SupplierID string `json:"supplier_id"`
	BuyerID    string `json:"buyer_id"`
	DemandID   string `json:"demand_id"`
}

// parties resolves who asks whom.
func (in requestInput) parties(p Principal) (from, to, demand uuid.UUID, err error) {
	var f fields
	demand = f.id("demand_id", in.DemandID, false)
	switch {
	case (in.From != "" || in.To != "") && (in.SupplierID != "" || in.BuyerID != ""):
		f.add("from", "give either from and to, or supplier_id and buyer_id")
	case in.SupplierID != "" || in.BuyerID != "":
		sup, buy := f.id("supplier_id", in.SupplierID, true), f.id("buyer_id", in.BuyerID, true)
		from, to = sup, buy
		if p.Role != RoleOrganiser && p.OrganisationID == buy {
			from, to = buy, sup
		}
	default:
		from, to = f.id("from", in.From, true), f.id("to", in.To, true)
	}
	return from, to, demand, f.join(nil)
}

// requestMeeting: POST /v1/events/{id}/meeting-requests -> 201 with the
// request's id.
func (s *Server) requestMeeting(c echo.Context) error {
	var in requestInput
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	from, to, demand, err := in.parties(principal(c))
	if err != nil {
		return err
	}
	if err := requireActFor(c, from); err != nil {
		return err
	}
	rid := uuid.Must(uuid.NewV7())
	return s.changeConference(c, http.StatusCreated, raw, rid, func(ctx context.Context, tx *eventstore.Tx, conf *conference.Conference) error {
		if demand != uuid.Nil {
			buyerID := to
			if r, ok := conf.Registration(from); ok && r.Role == conference.Buyer {
				buyerID = from
			}
			if err := demandOf(ctx, tx, buyerID, demand); err != nil {
				return err
			}
		}
		return conf.RequestMeeting(actor(c), rid, from, to, demand, s.now())
	})
}

// demandOf checks, in the command's transaction, that demand was posted by
// buyerID: a request naming another buyer's demand is a 400 on demand_id.
func demandOf(ctx context.Context, tx *eventstore.Tx, buyerID, demand uuid.UUID) error {
	ok, err := tx.Recorded(ctx, buyerStream(buyerID), buyer.DemandPosted{}.EventType(), "demand_id", demand.String())
	if err != nil {
		return unavailable(err)
	}
	if !ok {
		return invalid("demand_id", "must be a demand of the requested buyer")
	}
	return nil
}

// acceptMeetingRequest: POST /v1/events/{id}/meeting-requests/{rid}/accept
// (the counterpart or the organiser).
func (s *Server) acceptMeetingRequest(c echo.Context) error {
	rid, err := pathID(c, "rid")
	if err != nil {
		return err
	}
	var in struct{}
	raw, err := bindOptional(c, &in)
	if err != nil {
		return err
	}
	return s.changeConference(c, http.StatusOK, raw, rid, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		if err := visibleRequest(c, conf, rid); err != nil {
			return err
		}
		return conf.AcceptMeetingRequest(actor(c), rid)
	})
}

// declineMeetingRequest: POST .../meeting-requests/{rid}/decline {"reason"?}.
func (s *Server) declineMeetingRequest(c echo.Context) error {
	rid, err := pathID(c, "rid")
	if err != nil {
		return err
	}
	var in declineInput
	raw, err := bindOptional(c, &in)
	if err != nil {
		return err
	}
	return s.changeConference(c, http.StatusOK, raw, rid, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		if err := visibleRequest(c, conf, rid); err != nil {
			return err
		}
		return conf.DeclineMeetingRequest(actor(c), rid, in.Reason)
	})
}

// declineInput is the optional body of a decline.
type declineInput struct {
	Reason string `json:"reason"`
}

// visibleRequest hides a request between two other firms from a firm: 404.
func visibleRequest(c echo.Context, conf *conference.Conference, rid uuid.UUID) error {
	p := principal(c)
	r, ok := conf.Request(rid)
	if ok && p.Role != RoleOrganiser && p.OrganisationID != r.SupplierID && p.OrganisationID != r.BuyerID {
		return domain.Errorf(domain.ErrNotFound, "request %s not found", rid)
	}
	return nil
}

// scheduleAnswer is the answer to POST /v1/events/{id}/schedule: the
// contract's meetings and unscheduled pairs, with the command's id, version
// and position and the proposal's quality figures.
type scheduleAnswer struct {
	answer
	Meetings    []scheduledMeeting `json:"meetings"`
	Unscheduled []unscheduledPair  `json:"unscheduled"`
	Floor       int                `json:"floor"`
	Objective   int                `json:"objective"`
	Bound       int                `json:"bound"`
	ScoreBound  int                `json:"score_bound"`
	// Draft says the schedule is a proposal only; else it was published.
	Draft bool `json:"draft"`
}

type scheduledMeeting struct {
	ID         uuid.UUID  `json:"id"`
	Slot       int        `json:"slot"`
	StartsAt   time.Time  `json:"starts_at"`
	EndsAt     time.Time  `json:"ends_at"`
	Table      *int       `json:"table"`
	Booth      string     `json:"booth,omitempty"`
	SupplierID uuid.UUID  `json:"supplier_id"`
	BuyerID    uuid.UUID  `json:"buyer_id"`
	DemandID   *uuid.UUID `json:"demand_id"`
	Score      int        `json:"score"`
	Locked     bool       `json:"locked"`
}

type unscheduledPair struct {
	SupplierID uuid.UUID       `json:"supplier_id"`
	BuyerID    uuid.UUID       `json:"buyer_id"`
	DemandID   *uuid.UUID      `json:"demand_id"`
	Score      int             `json:"score"`
	Requested  bool            `json:"requested"`
	Reason     schedule.Reason `json:"reason"`
}

func optionalID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func proposalAnswer(p conference.Proposal) scheduleAnswer {
	a := scheduleAnswer{Meetings: []scheduledMeeting{}, Unscheduled: []unscheduledPair{}, Floor: p.Floor,
		Objective: p.Objective, Bound: p.Bound, ScoreBound: p.ScoreBound}
	for _, m := range p.Meetings {
		x := scheduledMeeting{ID: m.ID, Slot: m.Slot, StartsAt: m.StartsAt, EndsAt: m.EndsAt, Booth: m.Booth,
			SupplierID: m.SupplierID, BuyerID: m.BuyerID, DemandID: optionalID(m.DemandID), Score: m.Score, Locked: m.Locked}
		if m.Booth == "" {
			x.Table = &m.Table
		}
		a.Meetings = append(a.Meetings, x)
	}
	for _, u := range p.Unscheduled {
		a.Unscheduled = append(a.Unscheduled, unscheduledPair{SupplierID: u.SupplierID, BuyerID: u.BuyerID,
			DemandID: optionalID(u.DemandID), Score: u.Score, Requested: u.Requested, Reason: u.Reason})
	}
	return a
}

// proposeInput is the optional body of POST /v1/events/{id}/schedule: a
// draft is only proposed (published later by .../schedule/publish), else
// the schedule is published at once; floor is the number of meetings every
// SME supplier gets first (docs/scheduling.md, the fairness floor).
type proposeInput struct {
	Draft bool `json:"draft,omitempty"`
	Floor int  `json:"floor,omitempty"`
}

// proposeSchedule: POST /v1/events/{id}/schedule {"floor"?} (organiser).
// The candidates are the match lists of the registered firms, read in the
// command's transaction; the answer is the proposal.
func (s *Server) proposeSchedule(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	var in proposeInput
	raw, err := bindOptional(c, &in)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	expected, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.awaitMatches(c); err != nil {
		return err
	}
	// The candidates are read from the match lists before the write
	// transaction, for the firms registered now: the stream stays locked
	// only while solving. A firm registered in between gets its meetings
	// at the next proposal; one that left is dropped by the plan.
	cands, err := s.candidatesOf(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.command(c, http.StatusOK, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		var out scheduleAnswer
		res, err := conferenceRepo.Update(ctx, tx, id, expected, func(conf *conference.Conference) error {
			input := conference.ScheduleInput{Candidates: cands, Floor: in.Floor,
				NewID: func() uuid.UUID { return uuid.Must(uuid.NewV7()) }}
			leftOut, err := conf.ProposeSchedule(input, s.now())
			if err != nil {
				return err
			}
			p, _ := conf.Proposal()
			p.Unscheduled = leftOut
			out = proposalAnswer(p)
			out.Draft = in.Draft
			if in.Draft {
				return nil
			}
			return conf.PublishSchedule(s.now())
		})
		out.answer = created(id, res)
		return out, err
	})
}

// awaitMatches waits, before a schedule is computed, until the match lists
// include every event committed so far (at most 5 s, then 503), so that a
// capability declared or a demand posted just before is a candidate.
func (s *Server) awaitMatches(c echo.Context) error {
	if s.proj.Projection("matches") == nil {
		return nil
	}
	ctx, cancel := contextWithTimeout(c, 5*time.Second)
	defer cancel()
	head, err := s.store.Head(ctx)
	if err != nil {
		return unavailable(err)
	}
	return s.proj.WaitFor(ctx, []string{"matches"}, head)
}

// candidatesOf reads the match lists of the firms registered for the event
// id, as they stand today, outside any write transaction.
func (s *Server) candidatesOf(ctx context.Context, id uuid.UUID) ([]schedule.Pair, error) {
	recs, err := s.store.ReadStream(ctx, conferenceStream(id))
	if err != nil {
		return nil, unavailable(err)
	}
	conf := &conference.Conference{}
	for _, r := range recs {
		if r.Event != nil {
			conf.Apply(r.Event)
		}
	}
	return candidates(ctx, s.pool, conf, s.now())
}

// candidates reads the match lists of the firms registered for conf, as
// they stand today.
func candidates(ctx context.Context, db matches.RowQuerier, conf *conference.Conference, today time.Time) ([]schedule.Pair, error) {
	var suppliers, buyers []uuid.UUID
	for _, r := range conf.Registrations() {
		if r.Role == conference.Supplier {
			suppliers = append(suppliers, r.OrganisationID)
		} else {
			buyers = append(buyers, r.OrganisationID)
		}
	}
	pairs, err := matches.Candidates(ctx, db, suppliers, buyers, today)
	return pairs, unavailable(err)
}

// publishSchedule: POST /v1/events/{id}/schedule/publish (organiser).
func (s *Server) publishSchedule(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	raw, err := bindEmpty(c)
	if err != nil {
		return err
	}
	return s.changeConference(c, http.StatusOK, raw, uuid.Nil, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		return conf.PublishSchedule(s.now())
	})
}

// lockMeeting: POST /v1/events/{id}/meetings/{mid}/lock (organiser).
func (s *Server) lockMeeting(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	mid, err := pathID(c, "mid")
	if err != nil {
		return err
	}
	raw, err := bindEmpty(c)
	if err != nil {
		return err
	}
	return s.changeConference(c, http.StatusOK, raw, mid, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		return conf.LockMeeting(mid)
	})
}

// unlockMeeting: POST /v1/events/{id}/meetings/{mid}/unlock (organiser).
func (s *Server) unlockMeeting(c echo.Context) error {
	return s.meetingCommand(c, func(conf *conference.Conference, mid uuid.UUID) error { return conf.UnlockMeeting(mid) })
}

// cancelMeeting: DELETE /v1/events/{id}/meetings/{mid} (organiser).
func (s *Server) cancelMeeting(c echo.Context) error {
	return s.meetingCommand(c, func(conf *conference.Conference, mid uuid.UUID) error { return conf.CancelMeeting(mid, s.now()) })
}

// meetingCommand runs an organiser's body-less command on meeting {mid}.
func (s *Server) meetingCommand(c echo.Context, decide func(*conference.Conference, uuid.UUID) error) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	mid, err := pathID(c, "mid")
	if err != nil {
		return err
	}
	raw, err := bindEmpty(c)
	if err != nil {
		return err
	}
	return s.changeConference(c, http.StatusOK, raw, mid, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		return decide(conf, mid)
	})
}

// organiserMeetingBody is the shared start of the organiser's commands on
// meeting {mid}: the role, the meeting id and the strictly decoded body.
func organiserMeetingBody(c echo.Context, in any) (uuid.UUID, []byte, error) {
	if err := requireOrganiser(c); err != nil {
		return uuid.Nil, nil, err
	}
	mid, err := pathID(c, "mid")
	if err != nil {
		return uuid.Nil, nil, err
	}
	raw, err := bind(c, in)
	return mid, raw, err
}

// moveInput is the body of POST /v1/events/{id}/meetings/{mid}/move.
type moveInput struct {
	StartsAt string `json:"starts_at"`
	Table    *int   `json:"table,omitempty"`
}

// moveMeeting: POST /v1/events/{id}/meetings/{mid}/move {"starts_at",
// "table"?} (organiser).
func (s *Server) moveMeeting(c echo.Context) error {
	var in moveInput
	mid, raw, err := organiserMeetingBody(c, &in)
	if err != nil {
		return err
	}
	var f fields
	to := conference.Move{StartsAt: f.time("starts_at", in.StartsAt)}
	if in.StartsAt == "" {
		f.add("starts_at", "must be set")
	}
	if in.Table != nil {
		if *in.Table < 1 {
			f.add("table", "must be at least 1")
		}
		to.Table = *in.Table
	}
	if err := f.join(nil); err != nil {
		return err
	}
	return s.changeConference(c, http.StatusOK, raw, mid, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		return conf.MoveMeeting(mid, to, s.now())
	})
}

type feedbackInput struct {
	OrganisationID string            `json:"organisation_id"`
	TookPlace      *bool             `json:"took_place"`
	Rating         conference.Rating `json:"rating"`
}

// giveFeedback: POST /v1/events/{id}/meetings/{mid}/feedback {"took_place",
// "rating"?, "organisation_id"?}: a firm for its side of a published meeting
// that ended, or the organiser for either side (organisation_id).
func (s *Server) giveFeedback(c echo.Context) error {
	mid, err := pathID(c, "mid")
	if err != nil {
		return err
	}
	var in feedbackInput
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	var f fields
	fb := conference.Feedback{OrganisationID: f.id("organisation_id", in.OrganisationID, principal(c).Role == RoleOrganiser),
		Rating: in.Rating}
	if in.TookPlace == nil {
		f.add("took_place", "must be set")
	} else {
		fb.TookPlace = *in.TookPlace
	}
	if fb.Rating == "" {
		fb.Rating = conference.RatingNone
	}
	if err := f.join(nil); err != nil {
		return err
	}
	return s.changeConference(c, http.StatusOK, raw, mid, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		p := principal(c)
		if m, ok := conf.Meeting(mid); ok && p.Role != RoleOrganiser && p.OrganisationID != m.SupplierID && p.OrganisationID != m.BuyerID {
			return domain.Errorf(domain.ErrNotFound, "meeting %s is not published", mid)
		}
		return conf.GiveFeedback(actor(c), mid, fb, s.now())
	})
}

type outcomeInput struct {
	Status   conference.Status `json:"status"`
	Result   conference.Result `json:"result"`
	ValueUSD *float64          `json:"value_usd"`
}

// recordOutcome: POST /v1/events/{id}/meetings/{mid}/outcome (organiser).
func (s *Server) recordOutcome(c echo.Context) error {
	var in outcomeInput
	mid, raw, err := organiserMeetingBody(c, &in)
	if err != nil {
		return err
	}
	o := conference.Outcome{Status: in.Status, Result: in.Result, ValueUSD: in.ValueUSD}
	if err := o.Validate(); err != nil {
		return err
	}
	return s.changeConference(c, http.StatusOK, raw, mid, func(ctx context.Context, tx *eventstore.Tx, conf *conference.Conference) error {
		if err := conf.RecordOutcome(mid, o, s.now()); err != nil {
			return err
		}
		return s.recordDealOutcome(ctx, tx, conf, mid)
	})
}

// fields collects the problems of parsing a body's strings, to be reported
// together with the domain's validation of the same body.
type fields struct{ errs []domain.FieldError }

func (f *fields) add(field, msg string) {
	f.errs = append(f.errs, domain.FieldError{Field: field, Message: msg})
}

// time parses an RFC 3339 time; empty is the zero time (the domain says
// whether it is required).
func (f *fields) time(field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		f.add(field, "must be an RFC 3339 time such as 2026-10-15T08:00:00+07:00")
	}
	return t
}

// periods parses a list of periods, reporting bad times as field[i].from
// and field[i].to.
func (f *fields) periods(field string, in []periodInput) []conference.Period {
	var out []conference.Period
	for i, p := range in {
		path := domain.Index(field, i)
		out = append(out, conference.Period{From: f.time(path+".from", p.From), To: f.time(path+".to", p.To)})
	}
	return out
}

// id parses a UUID.
func (f *fields) id(field, s string, required bool) uuid.UUID {
	if s == "" {
		if required {
			f.add(field, "must be set")
		}
		return uuid.Nil
	}
	id, err := uuid.Parse(s)
	if err != nil {
		f.add(field, "must be a UUID")
	}
	return id
}

// join returns the parse problems followed by those of err on other fields;
// err when it is not a validation error; nil when there is nothing.
func (f *fields) join(err error) error {
	var v *domain.ValidationError
	if err != nil && !errors.As(err, &v) {
		return err
	}
	all := slices.Clone(f.errs)
	if v != nil {
		for _, x := range v.Fields {
			if !slices.ContainsFunc(f.errs, func(y domain.FieldError) bool { return y.Field == x.Field }) {
				all = append(all, x)
			}
		}
	}
	if len(all) == 0 {
		return nil
	}
	return &domain.ValidationError{Fields: all}
}

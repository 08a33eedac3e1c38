package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/deal"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/conferences"
	"github.com/keylink/keylink/projections/programme"
)

// claimDeal is the claims scope that keeps one deal per supplier, buyer and
// demand.
const claimDeal = "deal"

// readProgramme is the read model behind the deal and programme GETs.
var readProgramme = []string{"programme"}

// hanoi is the city's offset: a meeting's day is its day in Hanoi.
var hanoi = time.FixedZone("ICT", 7*3600)

// deals is the repository of deals.
var deals = eventstore.NewRepository[*deal.Deal](deal.StreamType)

func dealStream(id uuid.UUID) eventstore.Stream { return deals.Stream(id) }

// dealActor is the caller as the deal aggregate sees it.
func dealActor(c echo.Context) deal.Actor {
	if p := principal(c); p.Role != RoleOrganiser {
		return deal.AsFirm(p.OrganisationID)
	}
	return deal.AsOrganiser()
}

// dealInput is the body of POST /v1/deals.
type dealInput struct {
	SupplierID uuid.UUID   `json:"supplier_id"`
	BuyerID    uuid.UUID   `json:"buyer_id"`
	DemandID   uuid.UUID   `json:"demand_id,omitzero"`
	MeetingIDs []uuid.UUID `json:"meeting_ids,omitempty"`
}

// openDeal: POST /v1/deals (organiser, or either firm). A second deal for
// the same supplier, buyer and demand is a 409 naming the existing one.
func (s *Server) openDeal(c echo.Context) error {
	var in dealInput
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	p := deal.Parties{SupplierID: in.SupplierID, BuyerID: in.BuyerID, DemandID: in.DemandID}
	id := uuid.Must(uuid.NewV7())
	d, err := deal.Open(id, dealActor(c), p, in.MeetingIDs, s.now())
	if err != nil {
		return err
	}
	return s.command(c, http.StatusCreated, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		if err := checkParties(ctx, tx, p, in.MeetingIDs); err != nil {
			return nil, err
		}
		if existing, err := lockPair(ctx, tx, p); err != nil || existing != uuid.Nil {
			if err == nil {
				err = domain.Errorf(domain.ErrConflict, "deal %s already links this supplier, buyer and demand", existing)
			}
			return nil, err
		}
		if err := tx.Claim(ctx, claimDeal, p.Key(), dealStream(id)); err != nil {
			return nil, err
		}
		res, err := deals.Create(ctx, tx, id, d)
		return created(id, res), err
	})
}

// checkParties makes sure the supplier and the buyer exist, the demand is
// the buyer's, and every meeting was between the two.
func checkParties(ctx context.Context, tx *eventstore.Tx, p deal.Parties, meetings []uuid.UUID) error {
	var probs domain.Problems
	sup, err := suppliers.Read(ctx, tx, p.SupplierID)
	if err != nil {
		return err
	}
	probs.Check(sup.ID() != uuid.Nil, "supplier_id", "must be a registered supplier")
	by, err := buyers.Read(ctx, tx, p.BuyerID)
	if err != nil {
		return err
	}
	probs.Check(by.ID() != uuid.Nil, "buyer_id", "must be a registered buyer")
	if p.DemandID != uuid.Nil {
		_, ok := by.Demand(p.DemandID)
		probs.Check(ok, "demand_id", "must be a demand of the buyer")
	}
	for i, m := range meetings {
		ok, err := conferences.MeetingBetween(ctx, tx, m, p.SupplierID, p.BuyerID)
		if err != nil {
			return unavailable(err)
		}
		probs.Check(ok, domain.Index("meeting_ids", i), "must be a meeting between the supplier and the buyer")
	}
	return probs.Err()
}

// lockPair serialises everyone opening or feeding the deal of p until the
// transaction ends, and returns that deal's id if there is one.
func lockPair(ctx context.Context, tx *eventstore.Tx, p deal.Parties) (uuid.UUID, error) {
	if err := tx.Lock(ctx, eventstore.Stream{Type: "dealpair", ID: p.Key()}); err != nil {
		return uuid.Nil, err
	}
	owner, found, err := tx.ClaimOwner(ctx, claimDeal, p.Key())
	if err != nil || !found {
		return uuid.Nil, unavailable(err)
	}
	return uuid.Parse(strings.TrimPrefix(owner, deal.StreamType+"-"))
}

// recordDealOutcome feeds meeting mid's outcome, just recorded on conf, into
// the deal of its supplier, buyer and demand, in the outcome's transaction:
// a follow-up, an MoU or a contract opens the deal when there is none and
// advances it (see deal.RecordMeeting). Other outcomes change no deal.
func (s *Server) recordDealOutcome(ctx context.Context, tx *eventstore.Tx, conf *conference.Conference, mid uuid.UUID) error {
	m, ok := conf.Meeting(mid)
	o, recorded := conf.Outcome(mid)
	if !ok || !recorded || (o.Result != conference.ResultFollowUp && o.Result != conference.ResultMoU && o.Result != conference.ResultContract) {
		return nil
	}
	now := s.now()
	p := deal.Parties{SupplierID: m.SupplierID, BuyerID: m.BuyerID, DemandID: m.DemandID}
	existing, err := lockPair(ctx, tx, p)
	if err != nil {
		return err
	}
	start := m.StartsAt.In(hanoi)
	out := deal.Outcome{EventID: conf.ID(), MeetingID: mid, Result: string(o.Result), ValueUSD: o.ValueUSD,
		On: domain.Date{Time: time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)}}
	if existing != uuid.Nil {
		_, err := deals.Update(ctx, tx, existing, nil, func(d *deal.Deal) error { return d.RecordMeeting(out, now) })
		return err
	}
	id := uuid.Must(uuid.NewV7())
	d, err := deal.Open(id, deal.AsOrganiser(), p, nil, now)
	if err != nil {
		return err
	}
	if err := d.RecordMeeting(out, now); err != nil {
		return err
	}
	if err := tx.Claim(ctx, claimDeal, p.Key(), dealStream(id)); err != nil {
		return err
	}
	_, err = deals.Create(ctx, tx, id, d)
	return err
}

// stageInput is the body of POST /v1/deals/{id}/stage. value is in the
// currency's main unit.
type stageInput struct {
	Stage    deal.Stage `json:"stage"`
	Value    *float64   `json:"value,omitempty"`
	Currency string     `json:"currency,omitempty"`
	On       string     `json:"on,omitempty"`
	Note     string     `json:"note,omitempty"`
}

// change parses the body into a deal.Change, reporting every bad field.
func (in stageInput) change() (deal.Change, error) {
	var p domain.Problems
	ch := deal.Change{Stage: in.Stage, Note: in.Note}
	p.Check(in.Stage.Valid(), "stage", "must be one of contacted, sample, audit, trial_order, contract, lost")
	switch {
	case in.Value != nil && in.Currency == "":
		p.Add("currency", "is required with a value")
	case in.Value == nil && in.Currency != "":
		p.Add("value", "is required with a currency")
	case in.Value != nil:
		m := deal.ParseMoney(&p, "value", "currency", *in.Value, in.Currency)
		ch.Value = &m
	}
	if in.On != "" {
		d, err := domain.ParseDate(in.On)
		p.Check(err == nil && d.Year() >= 2000 && d.Year() <= 2100, "on", "must be a date YYYY-MM-DD from 2000 to 2100")
		ch.On = d
	}
	p.Text("note", in.Note)
	return ch, p.Err()
}

// moveDeal: POST /v1/deals/{id}/stage (organiser, or either firm of the
// deal; to any other firm the deal does not exist).
func (s *Server) moveDeal(c echo.Context) error {
	var in stageInput
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	ch, err := in.change()
	if err != nil {
		return err
	}
	by := dealActor(c)
	return changePath(s, c, http.StatusOK, raw, uuid.Nil, deals,
		func(echo.Context, uuid.UUID) error { return nil },
		func(_ context.Context, _ *eventstore.Tx, d *deal.Deal) error { return d.MoveTo(by, ch, s.now()) })
}

// dealParams are the query parameters GET /v1/deals knows.
var dealParams = []string{"stage", "buyer_id", "supplier_id", "stale", "limit", "cursor", "after"}

// knownParams reports every query parameter not in known as a problem.
func knownParams(p *domain.Problems, c echo.Context, known ...string) {
	for name := range c.QueryParams() {
		found := false
		for _, k := range known {
			found = found || k == name
		}
		p.Check(found, name, "is not a parameter of this list")
	}
}

// listDeals: GET /v1/deals?stage=&buyer_id=&supplier_id=&stale=&limit=&cursor=.
// A firm sees the deals it is party to; stale=true lists the open deals
// with no change for 30 days (the organiser's list to chase).
func (s *Server) listDeals(c echo.Context) error {
	var p domain.Problems
	knownParams(&p, c, dealParams...)
	q := programme.DealQuery{Stage: deal.Stage(c.QueryParam("stage")), Cursor: c.QueryParam("cursor"), Now: s.now(), Limit: 50}
	p.Check(q.Stage == "" || q.Stage.Valid(), "stage", "must be one of contacted, sample, audit, trial_order, contract, lost")
	for _, f := range []struct {
		name string
		to   *uuid.UUID
	}{{"supplier_id", &q.SupplierID}, {"buyer_id", &q.BuyerID}} {
		if raw := c.QueryParam(f.name); raw != "" {
			id, err := uuid.Parse(raw)
			p.Check(err == nil, f.name, "must be a UUID")
			*f.to = id
		}
	}
	switch c.QueryParam("stale") {
	case "", "false":
	case "true":
		q.Stale = true
	default:
		p.Add("stale", "must be true or false")
	}
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		p.Check(err == nil && n >= 1 && n <= 100, "limit", "must be an integer from 1 to 100")
		q.Limit = n
	}
	if err := p.Err(); err != nil {
		return err
	}
	if pr := principal(c); pr.Role != RoleOrganiser {
		q.Firm = pr.OrganisationID
	}
	page, err := programme.ListDeals(c.Request().Context(), s.pool, q)
	if err != nil {
		var v *domain.ValidationError
		if errors.As(err, &v) {
			return err
		}
		return unavailable(err)
	}
	return c.JSON(http.StatusOK, page)
}

// getDeal: GET /v1/deals/{id} with its history; a firm sees its own only.
func (s *Server) getDeal(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var firm uuid.UUID
	if pr := principal(c); pr.Role != RoleOrganiser {
		firm = pr.OrganisationID
	}
	d, err := programme.GetDeal(c.Request().Context(), s.pool, id, firm, s.now())
	if err != nil {
		return unavailable(err)
	}
	return withETag(c, d.Version, d)
}

// mouInput is the body of POST /v1/deals/{id}/mou.
type mouInput struct {
	Value    *float64 `json:"value,omitempty"`
	Currency string   `json:"currency,omitempty"`
	On       string   `json:"on,omitempty"`
}

// signMoU: POST /v1/deals/{id}/mou records an MoU signed outside a recorded
// meeting (organiser, or either firm of the deal).
func (s *Server) signMoU(c echo.Context) error {
	var in mouInput
	raw, err := bindOptional(c, &in)
	if err != nil {
		return err
	}
	ch, err := stageInput{Stage: deal.Contacted, Value: in.Value, Currency: in.Currency, On: in.On}.change()
	if err != nil {
		return err
	}
	by := dealActor(c)
	return changePath(s, c, http.StatusOK, raw, uuid.Nil, deals,
		func(echo.Context, uuid.UUID) error { return nil },
		func(_ context.Context, _ *eventstore.Tx, d *deal.Deal) error {
			return d.SignMoU(by, ch.Value, ch.On, s.now())
		})
}

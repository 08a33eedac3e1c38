package api

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/keylink/keylink/api/console"
	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/invitation"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/conferences"
)

// The firms' pages of the console run the API's commands below, each as
// its route does (the route is named on console.FirmBackend).

func (b consoleBackend) Invitation(ctx context.Context, token string) (console.Invitation, error) {
	if err := (acceptRequest{Token: token, Password: "a password long enough"}).validate(); err != nil {
		return console.Invitation{}, console.ErrInvitationGone
	}
	id, err := b.s.invitationByToken(ctx, token)
	if errors.Is(err, domain.ErrGone) {
		return console.Invitation{}, console.ErrInvitationGone
	}
	if err != nil {
		return console.Invitation{}, err
	}
	recs, err := b.s.store.ReadStream(ctx, invitationStream(id))
	if err != nil {
		return console.Invitation{}, err
	}
	inv := &invitation.Invitation{}
	for _, r := range recs {
		inv.Apply(r.Event)
	}
	d := inv.Details()
	out := console.Invitation{Email: d.Email, Role: string(d.Role), Expires: d.ExpiresAt.In(hanoi)}
	// The firm's name, from its own stream: a firm registered a moment ago
	// may not be in the read models yet.
	sup, buy := &supplier.Supplier{}, &buyer.Buyer{}
	var agg interface{ Apply(domain.Event) } = sup
	stream := supplierStream(d.OrganisationID)
	if string(d.Role) == RoleBuyer {
		agg, stream = buy, buyerStream(d.OrganisationID)
	}
	recs, err = b.s.store.ReadStream(ctx, stream)
	if err != nil {
		return console.Invitation{}, err
	}
	for _, r := range recs {
		if r.Event != nil {
			agg.Apply(r.Event)
		}
	}
	out.FirmName = sup.Profile().Name
	if string(d.Role) == RoleBuyer {
		out.FirmName = buy.Name()
	}
	return out, nil
}

func (b consoleBackend) AcceptInvitation(ctx context.Context, token, password string) (string, error) {
	req := acceptRequest{Token: token, Password: password}
	if err := req.validate(); err != nil {
		var v *domain.ValidationError
		if errors.As(err, &v) {
			for _, f := range v.Fields {
				if f.Field == "token" {
					return "", console.ErrInvitationGone
				}
			}
		}
		return "", err
	}
	id, err := b.s.invitationByToken(ctx, token)
	if errors.Is(err, domain.ErrGone) {
		return "", console.ErrInvitationGone
	}
	if err != nil {
		return "", err
	}
	hash, err := b.s.pw.hash(ctx, password)
	if err != nil {
		return "", err
	}
	var ans acceptAnswer
	err = b.s.store.Update(ctx, func(ctx context.Context, tx *eventstore.Tx) error {
		ans, err = b.s.acceptIn(ctx, tx, id, hash)
		return err
	})
	if errors.Is(err, domain.ErrGone) {
		return "", console.ErrInvitationGone
	}
	return ans.Token, err
}

func (b consoleBackend) ReviseCapability(ctx context.Context, p console.Principal, id, cid uuid.UUID, in supplier.Capability) (int64, error) {
	return decide(ctx, b, p, id, suppliers,
		func(sup *supplier.Supplier) error { return sup.ReviseCapability(cid, in) })
}

func (b consoleBackend) WithdrawCapability(ctx context.Context, p console.Principal, id, cid uuid.UUID) (int64, error) {
	return decide(ctx, b, p, id, suppliers,
		func(sup *supplier.Supplier) error { return sup.WithdrawCapability(cid) })
}

func (b consoleBackend) ReviseDemand(ctx context.Context, p console.Principal, id, did uuid.UUID, in buyer.Demand) (int64, error) {
	return decide(ctx, b, p, id, buyers, func(x *buyer.Buyer) error { return x.ReviseDemand(did, in) })
}

func (b consoleBackend) CloseDemand(ctx context.Context, p console.Principal, id, did uuid.UUID, reason string) (int64, error) {
	return decide(ctx, b, p, id, buyers, func(x *buyer.Buyer) error { return x.CloseDemand(did, reason) })
}

// conferenceActor is p as the conference aggregate sees it (actor, for
// the API).
func conferenceActor(p console.Principal) conference.Actor {
	if p.Role == RoleOrganiser {
		return conference.AsOrganiser()
	}
	return conference.AsFirm(p.OrganisationID)
}

// decideEvent runs one command on event id for p, acting for firm org (as
// requireActFor and changeConference do for the API).
func decideEvent(ctx context.Context, b consoleBackend, p console.Principal, id, org uuid.UUID,
	do func(ctx context.Context, tx *eventstore.Tx, conf *conference.Conference) error) (int64, error) {
	if !(Principal{Role: p.Role, OrganisationID: p.OrganisationID}).mayActFor(org) {
		return 0, domain.Errorf(domain.ErrForbidden, "may not act for organisation %s", org)
	}
	ctx = eventstore.WithMetadata(ctx, eventstore.Metadata{Actor: p.Actor})
	var pos int64
	err := b.s.store.Update(ctx, func(ctx context.Context, tx *eventstore.Tx) error {
		res, err := conferenceRepo.Update(ctx, tx, id, nil, func(conf *conference.Conference) error {
			return do(ctx, tx, conf)
		})
		pos = res.Position
		return err
	})
	return pos, err
}

func (b consoleBackend) Register(ctx context.Context, p console.Principal, id, org uuid.UUID, away []conference.Period) (int64, error) {
	return decideEvent(ctx, b, p, id, org, func(ctx context.Context, tx *eventstore.Tx, conf *conference.Conference) error {
		// As POST /v1/events/{id}/registrations without sme: a supplier's
		// SME flag comes from its profile.
		reg, err := withRole(ctx, tx, conference.Registration{OrganisationID: org, Unavailable: away}, registrationInput{})
		if err != nil {
			return err
		}
		return conf.Register(conferenceActor(p), reg, b.s.now())
	})
}

func (b consoleBackend) SetUnavailable(ctx context.Context, p console.Principal, id, org uuid.UUID, away []conference.Period) (int64, error) {
	return decideEvent(ctx, b, p, id, org, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		r, ok := conf.Registration(org)
		if !ok {
			return domain.Errorf(domain.ErrNotFound, "organisation %s is not registered", org)
		}
		r.Unavailable = away
		return conf.ReviseRegistration(conferenceActor(p), r, b.s.now())
	})
}

func (b consoleBackend) RequestMeeting(ctx context.Context, p console.Principal, id, from, to, demand uuid.UUID) (int64, error) {
	rid := uuid.Must(uuid.NewV7())
	return decideEvent(ctx, b, p, id, from, func(ctx context.Context, tx *eventstore.Tx, conf *conference.Conference) error {
		if demand != uuid.Nil {
			buyerID := to
			if r, ok := conf.Registration(from); ok && r.Role == conference.Buyer {
				buyerID = from
			}
			if err := demandOf(ctx, tx, buyerID, demand); err != nil {
				return err
			}
		}
		return conf.RequestMeeting(conferenceActor(p), rid, from, to, demand, b.s.now())
	})
}

func (b consoleBackend) AnswerRequest(ctx context.Context, p console.Principal, id, rid uuid.UUID, accept bool) (int64, error) {
	return decideEvent(ctx, b, p, id, p.OrganisationID, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		r, ok := conf.Request(rid)
		if ok && p.Role != RoleOrganiser && p.OrganisationID != r.SupplierID && p.OrganisationID != r.BuyerID {
			return domain.Errorf(domain.ErrNotFound, "request %s not found", rid)
		}
		if accept {
			return conf.AcceptMeetingRequest(conferenceActor(p), rid)
		}
		return conf.DeclineMeetingRequest(conferenceActor(p), rid, "")
	})
}

func (b consoleBackend) GiveFeedback(ctx context.Context, p console.Principal, id, mid, org uuid.UUID, tookPlace bool, rating conference.Rating) (int64, error) {
	return decideEvent(ctx, b, p, id, org, func(_ context.Context, _ *eventstore.Tx, conf *conference.Conference) error {
		if m, ok := conf.Meeting(mid); ok && org != m.SupplierID && org != m.BuyerID {
			return domain.Errorf(domain.ErrNotFound, "meeting %s is not published", mid)
		}
		return conf.GiveFeedback(conferenceActor(p), mid, conference.Feedback{OrganisationID: org, TookPlace: tookPlace, Rating: rating}, b.s.now())
	})
}

// AgendaICS is the agenda.ics of GET /v1/events/{id}/agenda.ics for org.
func (b consoleBackend) AgendaICS(ctx context.Context, id, org uuid.UUID, lang string) ([]byte, error) {
	ev, err := conferences.GetEvent(ctx, b.s.pool, id)
	if err != nil {
		return nil, unavailable(err)
	}
	a, err := b.s.agendaOf(ctx, ev, org)
	if err != nil {
		return nil, err
	}
	l := messages.VI
	if lang == string(messages.EN) {
		l = messages.EN
	}
	return agendaICS(a, ev, b.s.now(), l), nil
}

package api

import (
	"context"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/eventstore"
)

// buyers is the repository of buyer firms.
var buyers = eventstore.NewRepository[*buyer.Buyer](buyer.StreamType)

func buyerStream(id uuid.UUID) eventstore.Stream { return buyers.Stream(id) }

// registerBuyer: POST /v1/buyers (organiser).
func (s *Server) registerBuyer(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	var in buyer.Registration
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	id := uuid.Must(uuid.NewV7())
	b, err := buyer.Register(id, in)
	if err != nil {
		return err
	}
	return s.command(c, http.StatusCreated, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		res, err := buyers.Create(ctx, tx, id, b)
		return created(id, res), err
	})
}

// changeBuyer runs decide on buyer {id} for a caller allowed to act for it,
// answering with answerID (the buyer's id when uuid.Nil).
func (s *Server) changeBuyer(c echo.Context, status int, raw []byte, answerID uuid.UUID, decide func(*buyer.Buyer) error) error {
	return changePath(s, c, status, raw, answerID, buyers, requireActFor,
		func(_ context.Context, _ *eventstore.Tx, b *buyer.Buyer) error { return decide(b) })
}

// postDemand: POST /v1/buyers/{id}/demands.
func (s *Server) postDemand(c echo.Context) error {
	var in buyer.Demand
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	did := uuid.Must(uuid.NewV7())
	return s.changeBuyer(c, http.StatusCreated, raw, did, func(b *buyer.Buyer) error { return b.PostDemand(did, in) })
}

// reviseDemand: PUT /v1/buyers/{id}/demands/{did}.
func (s *Server) reviseDemand(c echo.Context) error {
	did, err := pathID(c, "did")
	if err != nil {
		return err
	}
	var in buyer.Demand
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	return s.changeBuyer(c, http.StatusOK, raw, did, func(b *buyer.Buyer) error { return b.ReviseDemand(did, in) })
}

type closeRequest struct {
	Reason string `json:"reason"`
}

// closeDemand: POST /v1/buyers/{id}/demands/{did}/close.
func (s *Server) closeDemand(c echo.Context) error {
	did, err := pathID(c, "did")
	if err != nil {
		return err
	}
	var in closeRequest
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	return s.changeBuyer(c, http.StatusOK, raw, did, func(b *buyer.Buyer) error { return b.CloseDemand(did, in.Reason) })
}

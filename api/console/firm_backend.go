package console

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/supplier"
)

// ErrInvitationGone: the invitation token is unknown, used or expired (the
// API's 410).
var ErrInvitationGone = errors.New("console: invitation gone")

// Invitation is whom an invitation invites: an e-mail address to a firm.
type Invitation struct {
	Email    string
	Role     string
	FirmName string
	Expires  time.Time
}

// FirmBackend is what the firms' pages need of the API server beyond
// Backend: the same commands as the API's routes named on each method, run
// for principal p (an organiser may act for any firm, a firm for itself).
// Every command returns the global position of its last event.
type FirmBackend interface {
	// Invitation checks an invitation token as POST /v1/invitations/accept
	// does before it hashes the password (ErrInvitationGone when it cannot
	// be accepted) and says whom it invites.
	Invitation(ctx context.Context, token string) (Invitation, error)
	// AcceptInvitation runs POST /v1/invitations/accept and returns a new
	// session token of the user it created.
	AcceptInvitation(ctx context.Context, token, password string) (string, error)
	// ReviseCapability runs PUT /v1/suppliers/{id}/capabilities/{cid}.
	ReviseCapability(ctx context.Context, p Principal, supplierID, cid uuid.UUID, in supplier.Capability) (int64, error)
	// WithdrawCapability runs DELETE /v1/suppliers/{id}/capabilities/{cid}.
	WithdrawCapability(ctx context.Context, p Principal, supplierID, cid uuid.UUID) (int64, error)
	// ReviseDemand runs PUT /v1/buyers/{id}/demands/{did}.
	ReviseDemand(ctx context.Context, p Principal, buyerID, did uuid.UUID, in buyer.Demand) (int64, error)
	// CloseDemand runs POST /v1/buyers/{id}/demands/{did}/close.
	CloseDemand(ctx context.Context, p Principal, buyerID, did uuid.UUID, reason string) (int64, error)
	// Register runs POST /v1/events/{id}/registrations for firm org.
	Register(ctx context.Context, p Principal, eventID, org uuid.UUID, unavailable []conference.Period) (int64, error)
	// SetUnavailable revises firm org's registration with new unavailable
	// times, its other terms unchanged.
	SetUnavailable(ctx context.Context, p Principal, eventID, org uuid.UUID, unavailable []conference.Period) (int64, error)
	// RequestMeeting runs POST /v1/events/{id}/meeting-requests from firm
	// from to firm to, about demand (uuid.Nil for none).
	RequestMeeting(ctx context.Context, p Principal, eventID, from, to, demand uuid.UUID) (int64, error)
	// AnswerRequest runs POST /v1/events/{id}/meeting-requests/{rid}/accept
	// (accept) or .../decline.
	AnswerRequest(ctx context.Context, p Principal, eventID, rid uuid.UUID, accept bool) (int64, error)
	// GiveFeedback runs POST /v1/events/{id}/meetings/{mid}/feedback for
	// firm org.
	GiveFeedback(ctx context.Context, p Principal, eventID, mid, org uuid.UUID, tookPlace bool, rating conference.Rating) (int64, error)
	// AgendaICS renders GET /v1/events/{id}/agenda.ics for firm org in
	// language lang ("vi" or "en").
	AgendaICS(ctx context.Context, eventID, org uuid.UUID, lang string) ([]byte, error)
}

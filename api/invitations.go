package api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/account"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/invitation"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/credentials"
)

type inviteRequest struct {
	Email string `json:"email"`
}

type inviteAnswer struct {
	ID        uuid.UUID `json:"id"`
	Token     string    `json:"token,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
	Position  int64     `json:"position"`
}

func (a inviteAnswer) withoutSecrets() any { a.Token = ""; return a }

func (r inviteRequest) validate() error {
	var p domain.Problems
	account.CheckEmail(&p, "email", r.Email)
	return p.Err()
}

type acceptRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

type acceptAnswer struct {
	Token          string    `json:"token,omitempty"`
	Role           string    `json:"role"`
	OrganisationID uuid.UUID `json:"organisation_id"`
	AccountID      uuid.UUID `json:"account_id"`
	Position       int64     `json:"position"`
}

func (a acceptAnswer) withoutSecrets() any { a.Token = ""; return a }

// validate checks the token's shape (a bearer-token-like string of printable
// ASCII; whether it names an invitation is for the store) and the password.
func (r acceptRequest) validate() error {
	var p domain.Problems
	switch {
	case r.Token == "":
		p.Add("token", "is required")
	case len(r.Token) > 100 || !printableASCII(r.Token):
		p.Add("token", "must be an invitation token")
	}
	p.Merge("", account.CheckPassword(r.Password))
	return p.Err()
}

// invitationTokenPrefix tells invitation tokens from bearer tokens.
const invitationTokenPrefix = "kli_"

// errInvitationGone answers a token that names no invitation with the status
// of a used or expired one: a client cannot tell a mistyped token from one
// whose row is gone, and every token that cannot be accepted gets the same 410.
var errInvitationGone = domain.Errorf(domain.ErrGone, "no invitation has this token; ask for a new invitation")

// invitations is the repository of invitations.
var invitations = eventstore.NewRepository[*invitation.Invitation](invitation.StreamType)

func invitationStream(id uuid.UUID) eventstore.Stream { return invitations.Stream(id) }

// invite: POST /v1/organisations/{id}/invitations (organiser, or a user of
// the firm). The token is shown once; only its SHA-256 is stored, in the
// command's transaction.
func (s *Server) invite(c echo.Context) error {
	org, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := requireActFor(c, org); err != nil {
		return err
	}
	var req inviteRequest
	raw, err := bind(c, &req)
	if err != nil {
		return err
	}
	if err := req.validate(); err != nil {
		return err
	}
	token, sum, err := newInvitationToken()
	if err != nil {
		return err
	}
	id := uuid.Must(uuid.NewV7())
	return s.command(c, http.StatusCreated, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		role, err := firmRole(ctx, tx, org)
		if err != nil {
			return nil, err
		}
		inv, err := invitation.Issue(id, invitation.Details{OrganisationID: org, Role: role, Email: req.Email,
			ExpiresAt: s.now().Add(invitation.TTL)})
		if err != nil {
			return nil, err
		}
		res, err := invitations.Create(ctx, tx, id, inv)
		if err != nil {
			return nil, err
		}
		if err := credentials.SaveInvitationToken(ctx, tx, sum, id); err != nil {
			return nil, err
		}
		return inviteAnswer{ID: id, Token: token, ExpiresAt: inv.Details().ExpiresAt, Position: res.Position}, nil
	})
}

func newInvitationToken() (string, [32]byte, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", [32]byte{}, err
	}
	token := invitationTokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	return token, hashToken(token), nil
}

// firmRole says whether org is a supplier or a buyer; a 404 when it is
// neither.
func firmRole(ctx context.Context, tx *eventstore.Tx, org uuid.UUID) (account.Role, error) {
	for _, k := range []struct {
		typ  string
		role account.Role
	}{{supplier.StreamType, account.RoleSupplier}, {buyer.StreamType, account.RoleBuyer}} {
		recs, err := tx.ReadStream(ctx, eventstore.StreamOf(k.typ, org))
		if err != nil {
			return "", err
		}
		if len(recs) > 0 {
			return k.role, nil
		}
	}
	return "", domain.Errorf(domain.ErrNotFound, "no such organisation")
}

// acceptInvitation: POST /v1/invitations/accept (no token needed). The
// invitation is checked before the password is hashed, so a used or expired
// token costs no hashing, and again under the stream's lock in the
// transaction, so two concurrent accepts cannot both win.
func (s *Server) acceptInvitation(c echo.Context) error {
	var req acceptRequest
	raw, err := bind(c, &req)
	if err != nil {
		return err
	}
	if err := req.validate(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	id, err := s.invitationByToken(ctx, req.Token)
	if err != nil {
		return err
	}
	hash, err := s.pw.hash(ctx, req.Password)
	if err != nil {
		return err
	}
	return s.command(c, http.StatusCreated, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		return s.acceptIn(ctx, tx, id, hash)
	})
}

// acceptIn accepts invitation id in tx: the user it creates gets the
// password hash and a bearer token. The API and the console share it.
func (s *Server) acceptIn(ctx context.Context, tx *eventstore.Tx, id uuid.UUID, hash string) (acceptAnswer, error) {
	accID := uuid.Must(uuid.NewV7())
	var d invitation.Details
	if _, err := invitations.Update(ctx, tx, id, nil, func(inv *invitation.Invitation) error {
		err := inv.Accept(accID, s.now())
		d = inv.Details()
		return err
	}); err != nil {
		return acceptAnswer{}, gone(err)
	}
	acc, err := account.Register(accID, account.Registration{Email: d.Email, Role: d.Role, OrganisationID: d.OrganisationID, InvitationID: id})
	if err != nil {
		return acceptAnswer{}, err
	}
	res, err := createAccount(ctx, tx, acc, hash)
	if err != nil {
		return acceptAnswer{}, err
	}
	pr := Principal{Role: string(d.Role), OrganisationID: d.OrganisationID, AccountID: accID}
	token, err := IssueToken(ctx, tx, pr, TokenTTL)
	if err != nil {
		return acceptAnswer{}, err
	}
	return acceptAnswer{Token: token, Role: pr.Role, OrganisationID: pr.OrganisationID, AccountID: accID, Position: res.Position}, nil
}

// invitationByToken finds the invitation of token and checks that it can
// still be accepted; an unknown, used or expired token is errInvitationGone.
func (s *Server) invitationByToken(ctx context.Context, token string) (uuid.UUID, error) {
	sum := hashToken(token)
	id, found, err := s.creds.Invitation(ctx, sum)
	if err != nil {
		return uuid.Nil, unavailable(err)
	}
	if !found {
		return uuid.Nil, errInvitationGone
	}
	recs, err := s.store.ReadStream(ctx, invitationStream(id))
	if err != nil {
		return uuid.Nil, err
	}
	inv := &invitation.Invitation{}
	for _, r := range recs {
		inv.Apply(r.Event)
	}
	return id, gone(inv.Usable(s.now()))
}

// gone answers a missing invitation stream like an unknown token.
func gone(err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return errInvitationGone
	}
	return err
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

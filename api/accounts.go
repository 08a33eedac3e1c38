package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/account"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/eventstore/credentials"
)

type signupRequest struct {
	Role         string          `json:"role"`
	Email        string          `json:"email"`
	Password     string          `json:"password"`
	Organisation json.RawMessage `json:"organisation"`
}

type signupAnswer struct {
	OrganisationID uuid.UUID `json:"organisation_id"`
	Token          string    `json:"token,omitempty"`
	Position       int64     `json:"position"`
}

func (a signupAnswer) withoutSecrets() any { a.Token = ""; return a }

// Claim scopes: uniqueness reservations taken in the command's transaction.
const (
	claimEmail   = credentials.EmailScope
	claimTaxCode = "tax_code"
)

// signup creates a supplier or buyer firm and its first user, in one
// transaction with the e-mail (and tax code) reservations and the token.
func (s *Server) signup(c echo.Context) error {
	var req signupRequest
	raw, err := bind(c, &req)
	if err != nil {
		return err
	}
	orgID, accID := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	var (
		p   domain.Problems
		org func(context.Context, *eventstore.Tx) (eventstore.AppendResult, error)
		st  eventstore.Stream
		tax string
	)
	role := account.Role(req.Role)
	p.Check(role.Valid(), "role", `must be "supplier" or "buyer"`)
	p.Check(domain.ValidEmail(account.NormalizeEmail(req.Email)), "email", "must be an e-mail address")
	p.Merge("", account.CheckPassword(req.Password))
	if len(req.Organisation) == 0 || string(req.Organisation) == "null" {
		p.Add("organisation", "is required")
	} else if role.Valid() {
		org, st, tax, err = newOrganisation(role, orgID, req.Organisation)
		p.Merge("organisation", err)
	}
	if err := p.Err(); err != nil {
		return err
	}
	hash, err := s.pw.hash(c.Request().Context(), req.Password)
	if err != nil {
		return err
	}
	acc, err := account.Register(accID, account.Registration{Email: req.Email, Role: role, OrganisationID: orgID})
	if err != nil {
		return err
	}
	return s.command(c, http.StatusCreated, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		if tax != "" {
			if err := tx.Claim(ctx, claimTaxCode, tax, st); err != nil {
				return nil, claimed(err, "organisation.tax_code", msgFirmTaken)
			}
		}
		if _, err := org(ctx, tx); err != nil {
			return nil, err
		}
		res, err := createAccount(ctx, tx, acc, hash)
		if err != nil {
			return nil, err
		}
		token, err := IssueToken(ctx, tx, Principal{Role: string(role), OrganisationID: orgID, AccountID: accID}, TokenTTL)
		if err != nil {
			return nil, err
		}
		return signupAnswer{OrganisationID: orgID, Token: token, Position: res.Position}, nil
	})
}

// msgFirmTaken answers a sign-up for a firm that is already registered: the
// firm exists once, and a second person joins it by invitation.
const msgFirmTaken = "a firm with this tax code is registered; ask the firm's users or the organiser " +
	"for an invitation (POST /v1/organisations/{id}/invitations) instead of signing up"

// createAccount reserves the account's e-mail, appends its first event and
// stores its password hash, all in tx. The hash goes to the credentials
// table, never into an event.
func createAccount(ctx context.Context, tx *eventstore.Tx, acc *account.Account, hash string) (eventstore.AppendResult, error) {
	if err := tx.Claim(ctx, claimEmail, acc.Email(), accounts.Stream(acc.ID())); err != nil {
		return eventstore.AppendResult{}, claimed(err, "email", "an account with this e-mail exists")
	}
	res, err := accounts.Create(ctx, tx, acc.ID(), acc)
	if err != nil {
		return res, err
	}
	return res, credentials.SavePassword(ctx, tx, acc.ID(), hash)
}

// accounts is the repository of user accounts.
var accounts = eventstore.NewRepository[*account.Account](account.StreamType)

// newOrganisation decodes and registers the firm of a sign-up; create
// appends its first events.
func newOrganisation(role account.Role, id uuid.UUID, raw json.RawMessage) (
	create func(context.Context, *eventstore.Tx) (eventstore.AppendResult, error), st eventstore.Stream, tax string, err error) {
	if role == account.RoleSupplier {
		var in supplier.Registration
		if err := decodeJSON(raw, &in); err != nil {
			return nil, eventstore.Stream{}, "", err
		}
		sup, err := supplier.Register(id, in)
		if err != nil {
			return nil, eventstore.Stream{}, "", err
		}
		return func(ctx context.Context, tx *eventstore.Tx) (eventstore.AppendResult, error) {
			return suppliers.Create(ctx, tx, id, sup)
		}, suppliers.Stream(id), sup.TaxCode(), nil
	}
	var in buyer.Registration
	if err := decodeJSON(raw, &in); err != nil {
		return nil, eventstore.Stream{}, "", err
	}
	b, err := buyer.Register(id, in)
	if err != nil {
		return nil, eventstore.Stream{}, "", err
	}
	return func(ctx context.Context, tx *eventstore.Tx) (eventstore.AppendResult, error) {
		return buyers.Create(ctx, tx, id, b)
	}, buyers.Stream(id), "", nil
}

// claimed turns a lost uniqueness reservation into a 409 naming the field.
func claimed(err error, field, msg string) error {
	if errors.Is(err, eventstore.ErrClaimed) {
		return domain.Errorf(domain.ErrConflict, "%s: %s", field, domain.Msgf(msg))
	}
	return err
}

type sessionRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type sessionAnswer struct {
	Token          string    `json:"token"`
	Role           string    `json:"role"`
	OrganisationID uuid.UUID `json:"organisation_id"`
}

var errBadCredentials = errors.Join(errUnauthorized, errors.New("wrong e-mail or password"))

// login checks the password against the credentials of the account found
// through the e-mail reservation, so it works the moment sign-up answered.
// An unknown e-mail costs the same hashing as a wrong password and gets the
// same 401.
func (s *Server) login(c echo.Context) error {
	var req sessionRequest
	if _, err := bind(c, &req); err != nil {
		return err
	}
	p, token, err := s.startSession(c.Request().Context(), req.Email, req.Password)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sessionAnswer{Token: token, Role: p.Role, OrganisationID: p.OrganisationID})
}

// startSession checks an e-mail and password and issues a session token:
// the one path of POST /v1/sessions and the web console's sign-in.
func (s *Server) startSession(ctx context.Context, email, password string) (Principal, string, error) {
	acc, hash, err := s.accountByEmail(ctx, account.NormalizeEmail(email))
	if err != nil {
		return Principal{}, "", err
	}
	ok, err := s.pw.check(ctx, hash, password)
	if err != nil {
		return Principal{}, "", err
	}
	if !ok || acc == nil {
		return Principal{}, "", errBadCredentials
	}
	p := Principal{Role: string(acc.Role()), OrganisationID: acc.OrganisationID(), AccountID: acc.ID()}
	token, err := IssueToken(ctx, s.creds, p, TokenTTL)
	if err != nil {
		return Principal{}, "", unavailable(err)
	}
	return p, token, nil
}

// accountByEmail returns the account holding email and its password hash;
// nil and "" when there is none.
func (s *Server) accountByEmail(ctx context.Context, email string) (*account.Account, string, error) {
	id, hash, found, err := s.creds.PasswordByEmail(ctx, email)
	if err != nil || !found {
		return nil, "", unavailable(err)
	}
	recs, err := s.store.ReadStream(ctx, accounts.Stream(id))
	if err != nil || len(recs) == 0 {
		return nil, "", err
	}
	acc := &account.Account{}
	for _, r := range recs {
		acc.Apply(r.Event)
	}
	return acc, hash, nil
}

// logout revokes the caller's token.
func (s *Server) logout(c echo.Context) error {
	h, _ := c.Get("token_hash").([]byte)
	if err := s.creds.RevokeToken(c.Request().Context(), h); err != nil {
		return unavailable(err)
	}
	s.tokens.forget(h)
	return c.NoContent(http.StatusNoContent)
}

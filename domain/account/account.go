// Package account is the account aggregate: a person who signs in and acts
// for exactly one organisation (a supplier or a buyer) in the matching role.
//
// Secrets stay out of the aggregate and its events: the password hash lives in
// a credentials table written in the command's transaction, and events only
// say that an account was created. Stored events of schema version 1 carried
// the hash; UpcastRegisteredV1 drops it on read.
package account

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// StreamType names account streams in the event store.
const StreamType = "account"

// Role is what an account may do. Organisers are not accounts: their tokens
// are issued on the server host.
type Role string

// Roles an account can have.
const (
	RoleSupplier Role = "supplier"
	RoleBuyer    Role = "buyer"
)

// Valid reports whether r is a role an account can have.
func (r Role) Valid() bool { return r == RoleSupplier || r == RoleBuyer }

// Account is a user bound to one organisation. The zero value is an empty
// aggregate ready to have stored events applied. It is not safe for concurrent
// use.
type Account struct {
	domain.Root
	id  uuid.UUID
	reg Registration
}

// Registration is a new account: the e-mail as typed, the role and the
// organisation it acts for, and the invitation it was accepted from (nil for
// the first user of a firm, created with it at sign-up). Events carry it with
// the e-mail normalised.
type Registration struct {
	Email          string    `json:"email"`
	Role           Role      `json:"role"`
	OrganisationID uuid.UUID `json:"organisation_id"`
	InvitationID   uuid.UUID `json:"invitation_id,omitzero"`
}

// Events returns one zero value of every account event type, for the event
// store's codec registry. Events are values, never pointers.
func Events() []domain.Event { return []domain.Event{Registered{}} }

// Apply changes the state by one event. Event types it does not know are
// ignored.
func (a *Account) Apply(e domain.Event) {
	if e, ok := e.(Registered); ok {
		a.id = e.AccountID
		a.reg = e.Registration
	}
}

// NormalizeEmail is the form in which e-mails are stored and looked up:
// trimmed and lower-case. Sign-in must look accounts up by it too.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckEmail validates an e-mail address as typed and returns its normalised
// form; problems are reported on field.
func CheckEmail(p *domain.Problems, field, email string) string {
	e := NormalizeEmail(email)
	switch {
	case e == "":
		p.Add(field, "is required")
	case !domain.ValidEmail(e):
		p.Add(field, "must be an e-mail address")
	}
	return e
}

// Register creates an account. Whether the e-mail is already taken is for the
// store to say, by reserving NormalizeEmail of it; the password hash is the
// store's too.
func Register(id uuid.UUID, in Registration) (*Account, error) {
	if id == uuid.Nil {
		return nil, domain.Errorf(domain.ErrInvalid, "account id must not be nil")
	}
	r, err := in.clean()
	if err != nil {
		return nil, err
	}
	a := &Account{}
	a.Record(a.Apply, Registered{AccountID: id, Registration: r})
	return a, nil
}

func (in Registration) clean() (Registration, error) {
	var p domain.Problems
	r := Registration{Role: in.Role, OrganisationID: in.OrganisationID, InvitationID: in.InvitationID}
	r.Email = CheckEmail(&p, "email", in.Email)
	p.Check(in.Role.Valid(), "role", "must be supplier or buyer")
	p.Check(in.OrganisationID != uuid.Nil, "organisation_id", "is required")
	return r, p.Err()
}

// ID is the account's id (uuid.Nil before registration).
func (a *Account) ID() uuid.UUID { return a.id }

// Email is the normalised e-mail the account signs in with.
func (a *Account) Email() string { return a.reg.Email }

// Role is the account's role.
func (a *Account) Role() Role { return a.reg.Role }

// OrganisationID is the supplier or buyer the account acts for.
func (a *Account) OrganisationID() uuid.UUID { return a.reg.OrganisationID }

// InvitationID is the invitation the account was accepted from, or uuid.Nil.
func (a *Account) InvitationID() uuid.UUID { return a.reg.InvitationID }

// String identifies the account in logs and error messages.
func (a *Account) String() string {
	return fmt.Sprintf("account %s {email:%s role:%s organisation:%s}", a.id, a.reg.Email, a.reg.Role, a.reg.OrganisationID)
}

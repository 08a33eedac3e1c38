// Package account is the account aggregate: a person who signs in and acts
// for exactly one organisation (a supplier or a buyer) in the matching role.
// Passwords are hashed outside the domain; the aggregate keeps the opaque
// hash and never sees the password after CheckPassword.
package account

import (
	"fmt"
	"log/slog"
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

// MaxPasswordHashLen bounds the stored hash; encoded argon2id or bcrypt hashes
// are about 60 to 100 bytes.
const MaxPasswordHashLen = 1024

// Account is a user bound to one organisation. The zero value is an empty
// aggregate ready to have stored events applied. It is not safe for concurrent
// use.
type Account struct {
	domain.Root
	id  uuid.UUID
	reg Registration
}

// Registration is a new account as the signup handler builds it: the e-mail
// as typed, the hash of the already-checked password, the role and the
// organisation created with it. Events carry it with the e-mail normalised.
type Registration struct {
	Email          string    `json:"email"`
	PasswordHash   string    `json:"password_hash"`
	Role           Role      `json:"role"`
	OrganisationID uuid.UUID `json:"organisation_id"`
}

// String leaves the password hash out of logs and error messages.
func (r Registration) String() string {
	return fmt.Sprintf("{email:%s role:%s organisation:%s}", r.Email, r.Role, r.OrganisationID)
}

// LogValue leaves the password hash out of structured logs.
func (r Registration) LogValue() slog.Value {
	return slog.GroupValue(slog.String("email", r.Email), slog.String("role", string(r.Role)),
		slog.String("organisation_id", r.OrganisationID.String()))
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

// Register creates an account. Whether the e-mail is already taken is for the
// store to say, by reserving NormalizeEmail of it.
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
	r := Registration{PasswordHash: in.PasswordHash, Role: in.Role, OrganisationID: in.OrganisationID}
	r.Email = NormalizeEmail(in.Email)
	switch {
	case r.Email == "":
		p.Add("email", "is required")
	case !domain.ValidEmail(r.Email):
		p.Add("email", "must be an e-mail address")
	}
	p.Check(validHash(in.PasswordHash), "password_hash",
		"must be 1 to %d bytes without spaces or control characters", MaxPasswordHashLen)
	p.Check(in.Role.Valid(), "role", "must be supplier or buyer")
	p.Check(in.OrganisationID != uuid.Nil, "organisation_id", "is required")
	return r, p.Err()
}

func validHash(h string) bool {
	if h == "" || len(h) > MaxPasswordHashLen {
		return false
	}
	for _, c := range []byte(h) {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// ID is the account's id (uuid.Nil before registration).
func (a *Account) ID() uuid.UUID { return a.id }

// Email is the normalised e-mail the account signs in with.
func (a *Account) Email() string { return a.reg.Email }

// PasswordHash is the opaque hash to verify a password against.
func (a *Account) PasswordHash() string { return a.reg.PasswordHash }

// Role is the account's role.
func (a *Account) Role() Role { return a.reg.Role }

// OrganisationID is the supplier or buyer the account acts for.
func (a *Account) OrganisationID() uuid.UUID { return a.reg.OrganisationID }

// String leaves the password hash out of logs and error messages.
func (a *Account) String() string { return fmt.Sprintf("account %s %v", a.id, a.reg) }

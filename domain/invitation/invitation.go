// Package invitation is the invitation aggregate: an organiser, or a user of a
// firm, invites an e-mail address to act for that firm; accepting it once,
// before it expires, creates the account.
//
// The token that proves an invitation is the store's business: it is shown
// once, kept only as a hash beside the stream, and never appears in events.
package invitation

import (
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/account"
)

// StreamType names invitation streams in the event store.
const StreamType = "invitation"

// TTL is how long an invitation can be accepted.
const TTL = 14 * 24 * time.Hour

// Errors of accepting; both wrap domain.ErrGone.
var (
	ErrUsed    = domain.Errorf(domain.ErrGone, "the invitation has been used; ask for a new one")
	ErrExpired = domain.Errorf(domain.ErrGone, "the invitation has expired; ask for a new one")
)

// Invitation is one invitation to one firm. The zero value is an empty
// aggregate ready to have stored events applied. It is not safe for
// concurrent use.
type Invitation struct {
	domain.Root
	id       uuid.UUID
	details  Details
	accepted uuid.UUID
}

// Details is an invitation as the handler builds it: the firm, its role (the
// role the new account gets), the invited e-mail and when it expires.
type Details struct {
	OrganisationID uuid.UUID    `json:"organisation_id"`
	Role           account.Role `json:"role"`
	Email          string       `json:"email"`
	ExpiresAt      time.Time    `json:"expires_at"`
}

// Events returns one zero value of every invitation event type, for the
// event store's codec registry.
func Events() []domain.Event { return []domain.Event{Issued{}, Accepted{}} }

// Apply changes the state by one event; unknown events are ignored.
func (i *Invitation) Apply(e domain.Event) {
	switch e := e.(type) {
	case Issued:
		i.id, i.details = e.InvitationID, e.Details
	case Accepted:
		i.accepted = e.AccountID
	}
}

// Issue creates an invitation. The e-mail is normalised as account e-mails
// are; ExpiresAt is kept to the second, in UTC.
func Issue(id uuid.UUID, in Details) (*Invitation, error) {
	if id == uuid.Nil {
		return nil, domain.Errorf(domain.ErrInvalid, "invitation id must not be nil")
	}
	var p domain.Problems
	d := Details{OrganisationID: in.OrganisationID, Role: in.Role, ExpiresAt: in.ExpiresAt.UTC().Truncate(time.Second)}
	d.Email = account.CheckEmail(&p, "email", in.Email)
	p.Check(in.OrganisationID != uuid.Nil, "organisation_id", "is required")
	p.Check(in.Role.Valid(), "role", "must be supplier or buyer")
	p.Check(!in.ExpiresAt.IsZero(), "expires_at", "is required")
	if err := p.Err(); err != nil {
		return nil, err
	}
	inv := &Invitation{}
	inv.Record(inv.Apply, Issued{InvitationID: id, Details: d})
	return inv, nil
}

// Usable reports why the invitation cannot be accepted at now: ErrUsed,
// ErrExpired, or nil when it can.
func (i *Invitation) Usable(now time.Time) error {
	switch {
	case i.id == uuid.Nil:
		return domain.Errorf(domain.ErrNotFound, "no such invitation")
	case i.accepted != uuid.Nil:
		return ErrUsed
	case !now.Before(i.details.ExpiresAt):
		return ErrExpired
	}
	return nil
}

// Accept records that the account accountID was created from the invitation
// at now. An invitation is accepted once, before it expires.
func (i *Invitation) Accept(accountID uuid.UUID, now time.Time) error {
	if accountID == uuid.Nil {
		return domain.Errorf(domain.ErrInvalid, "account id must not be nil")
	}
	if err := i.Usable(now); err != nil {
		return err
	}
	i.Record(i.Apply, Accepted{InvitationID: i.id, AccountID: accountID, AcceptedAt: now.UTC().Truncate(time.Second)})
	return nil
}

// ID is the invitation's id.
func (i *Invitation) ID() uuid.UUID { return i.id }

// Details are what the invitation was issued with.
func (i *Invitation) Details() Details { return i.details }

// AcceptedBy is the account created from the invitation, or uuid.Nil.
func (i *Invitation) AcceptedBy() uuid.UUID { return i.accepted }

package invitation

import (
	"time"

	"github.com/google/uuid"
)

// Issued opens an invitation. It carries no token: the token's hash is kept
// beside the stream.
type Issued struct {
	InvitationID uuid.UUID `json:"invitation_id"`
	Details
}

// EventType implements domain.Event.
func (Issued) EventType() string { return "InvitationIssued" }

// SchemaVersion implements domain.Event.
func (Issued) SchemaVersion() int { return 1 }

// Accepted closes an invitation: the account was created from it.
type Accepted struct {
	InvitationID uuid.UUID `json:"invitation_id"`
	AccountID    uuid.UUID `json:"account_id"`
	AcceptedAt   time.Time `json:"accepted_at"`
}

// EventType implements domain.Event.
func (Accepted) EventType() string { return "InvitationAccepted" }

// SchemaVersion implements domain.Event.
func (Accepted) SchemaVersion() int { return 1 }

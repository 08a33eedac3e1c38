package account

import (
	"fmt"
	"log/slog"

	"github.com/google/uuid"
)

// Registered creates an account. Its payload holds the password hash, so the
// event store's rows are sensitive; String and LogValue leave the hash out.
type Registered struct {
	AccountID uuid.UUID `json:"account_id"`
	Registration
}

// EventType implements domain.Event.
func (Registered) EventType() string { return "AccountRegistered" }

// SchemaVersion implements domain.Event.
func (Registered) SchemaVersion() int { return 1 }

// String leaves the password hash out of logs and error messages.
func (e Registered) String() string {
	return fmt.Sprintf("AccountRegistered{account:%s %v}", e.AccountID, e.Registration)
}

// LogValue leaves the password hash out of structured logs.
func (e Registered) LogValue() slog.Value {
	return slog.GroupValue(slog.String("account_id", e.AccountID.String()),
		slog.Any("registration", e.Registration))
}

package account

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
)

// Registered creates an account. Since schema version 2 it holds no secret:
// the password hash is kept beside the stream, in the credentials table.
type Registered struct {
	AccountID uuid.UUID `json:"account_id"`
	Registration
}

// EventType implements domain.Event.
func (Registered) EventType() string { return "AccountRegistered" }

// SchemaVersion implements domain.Event. Version 1 carried "password_hash".
func (Registered) SchemaVersion() int { return 2 }

// String identifies the event in logs and error messages.
func (e Registered) String() string {
	return fmt.Sprintf("AccountRegistered{account:%s email:%s role:%s organisation:%s}",
		e.AccountID, e.Email, e.Role, e.OrganisationID)
}

// UpcastRegisteredV1 turns a version 1 AccountRegistered payload into version
// 2 by dropping its "password_hash". Migration 00012 moved the hashes to the
// credentials table and stripped them from stored payloads; this keeps a hash
// that would still be found in a payload (a store restored from an old backup)
// from ever reaching an aggregate or a reader of events.
func UpcastRegisteredV1(payload json.RawMessage) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		return nil, err
	}
	if _, ok := m["password_hash"]; !ok {
		return payload, nil
	}
	delete(m, "password_hash")
	return json.Marshal(m)
}

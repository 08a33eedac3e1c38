// Package domain holds what every aggregate shares: the event contract, the
// aggregate root bookkeeping and the few error kinds the rest of the system maps
// to HTTP statuses. It imports the standard library and google/uuid only.
package domain

// Event is a fact that happened to one aggregate. Implementations are plain
// structs with JSON tags; EventType is the stable name stored with the event
// (never derived from the Go type name, so renaming a type breaks nothing) and
// SchemaVersion the version of its JSON shape. Old versions are upcast on read.
type Event interface {
	EventType() string
	SchemaVersion() int
}

// Root is embedded by aggregates to track the version they were loaded at and
// the events recorded since. It is not safe for concurrent use; an aggregate is
// loaded, changed and saved by one command at a time.
type Root struct {
	version int64
	changes []Event
}

// Version is the stream version the aggregate was loaded at (0 for a new one).
func (r *Root) Version() int64 { return r.version }

// Changes returns the events recorded since the aggregate was loaded.
func (r *Root) Changes() []Event { return r.changes }

// Loaded sets the version after the repository applied the stored events,
// or after the changes were stored: the changes recorded so far are
// forgotten, so that a cached aggregate starts its next command with none.
func (r *Root) Loaded(version int64) { r.version, r.changes = version, nil }

// Record applies e through apply and remembers it as a new change. Aggregates
// call it from their command methods once every invariant has been checked.
func (r *Root) Record(apply func(Event), e Event) {
	apply(e)
	r.changes = append(r.changes, e)
}

package eventstore

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/keylink/keylink/domain"
)

// Upcaster turns the JSON of one schema version of an event into the next
// version's JSON. Stored events are never rewritten; they are upcast on read.
type Upcaster func(payload json.RawMessage) (json.RawMessage, error)

// Registry maps stored event type names to Go types and upcasts old schema
// versions. Register everything at start-up; after that it is read-only and
// safe for concurrent use.
type Registry struct {
	types     map[string]registered
	upcasters map[string]map[int]Upcaster
}

type registered struct {
	typ     reflect.Type
	version int
}

// NewRegistry returns a registry holding the given events.
func NewRegistry(events ...domain.Event) (*Registry, error) {
	r := &Registry{types: map[string]registered{}, upcasters: map[string]map[int]Upcaster{}}
	for _, e := range events {
		if err := r.Register(e); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Register adds one event type; its current schema version is e.SchemaVersion().
func (r *Registry) Register(e domain.Event) error {
	name := e.EventType()
	if _, dup := r.types[name]; dup {
		return fmt.Errorf("eventstore: event type %q registered twice", name)
	}
	t := reflect.TypeOf(e)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	r.types[name] = registered{typ: t, version: e.SchemaVersion()}
	return nil
}

// RegisterUpcaster makes payloads of eventType at schema version from readable
// as version from+1.
func (r *Registry) RegisterUpcaster(eventType string, from int, up Upcaster) {
	if r.upcasters[eventType] == nil {
		r.upcasters[eventType] = map[int]Upcaster{}
	}
	r.upcasters[eventType][from] = up
}

// Decode returns the event stored as eventType at schemaVersion, upcast to the
// current version. Unknown types yield ErrUnknownEvent.
func (r *Registry) Decode(eventType string, schemaVersion int, payload []byte) (domain.Event, error) {
	reg, ok := r.types[eventType]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownEvent, eventType)
	}
	raw := json.RawMessage(payload)
	for v := schemaVersion; v < reg.version; v++ {
		up, ok := r.upcasters[eventType][v]
		if !ok {
			return nil, fmt.Errorf("eventstore: no upcaster for %s v%d", eventType, v)
		}
		var err error
		if raw, err = up(raw); err != nil {
			return nil, fmt.Errorf("eventstore: upcast %s v%d: %w", eventType, v, err)
		}
	}
	if schemaVersion > reg.version {
		return nil, fmt.Errorf("eventstore: %s v%d is newer than this build (v%d)", eventType, schemaVersion, reg.version)
	}
	ptr := reflect.New(reg.typ)
	if err := json.Unmarshal(raw, ptr.Interface()); err != nil {
		return nil, fmt.Errorf("eventstore: decode %s: %w", eventType, err)
	}
	if e, ok := ptr.Elem().Interface().(domain.Event); ok {
		return e, nil
	}
	return ptr.Interface().(domain.Event), nil
}

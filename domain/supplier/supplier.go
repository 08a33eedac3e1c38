// Package supplier is the supplier aggregate: a manufacturing firm in Hanoi,
// the capabilities it offers to buyers and the city's recognition of its key
// industrial products. It is rebuilt from its events and records new ones; it
// knows nothing of storage or HTTP.
package supplier

import (
	"slices"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// StreamType names supplier streams in the event store.
const StreamType = "supplier"

// Limits on one supplier, so that its stream and profile stay small enough to
// load on every command.
const (
	MaxCapabilities = 200 // capabilities not withdrawn
	MaxKeyProducts  = 200 // recognitions, all years together
)

// Supplier is a firm and what it can make. The zero value is an empty
// aggregate ready to have stored events applied. It is not safe for concurrent
// use: one command loads, changes and saves it at a time.
type Supplier struct {
	domain.Root
	id           uuid.UUID
	profile      Registration
	capabilities map[uuid.UUID]*capability
	order        []uuid.UUID // declaration order of capabilities
	keyProducts  []KeyProduct
}

type capability struct {
	spec      CapabilitySpec
	withdrawn bool
}

// Events returns one zero value of every supplier event type, for the event
// store's codec registry. Events are values, never pointers.
func Events() []domain.Event {
	return []domain.Event{
		Registered{}, ProfileRevised{},
		CapabilityDeclared{}, CapabilityRevised{}, CapabilityWithdrawn{},
		KeyProductRecognised{},
	}
}

// Apply changes the state by one event. It never fails: stored events are
// facts. Event types it does not know are ignored.
func (s *Supplier) Apply(e domain.Event) {
	switch e := e.(type) {
	case Registered:
		s.id = e.SupplierID
		s.profile = e.Registration
	case ProfileRevised:
		s.profile = e.Registration
	case CapabilityDeclared:
		s.putCapability(e.CapabilityID, e.CapabilitySpec)
	case CapabilityRevised:
		s.putCapability(e.CapabilityID, e.CapabilitySpec)
	case CapabilityWithdrawn:
		if c, ok := s.capabilities[e.CapabilityID]; ok {
			c.withdrawn = true
		}
	case KeyProductRecognised:
		s.keyProducts = append(s.keyProducts, e.KeyProduct)
	}
}

func (s *Supplier) putCapability(id uuid.UUID, spec CapabilitySpec) {
	if s.capabilities == nil {
		s.capabilities = make(map[uuid.UUID]*capability)
	}
	if c, ok := s.capabilities[id]; ok {
		c.spec = spec
		return
	}
	s.capabilities[id] = &capability{spec: spec}
	s.order = append(s.order, id)
}

// registered guards commands on a stream that was never started.
func (s *Supplier) registered() error {
	if s.id == uuid.Nil {
		return domain.Errorf(domain.ErrNotFound, "supplier not registered")
	}
	return nil
}

// ID is the supplier's id (uuid.Nil before registration).
func (s *Supplier) ID() uuid.UUID { return s.id }

// Name is the firm's current name.
func (s *Supplier) Name() string { return s.profile.Name }

// TaxCode is the normalised enterprise code; the store reserves it so that no
// two suppliers share one.
func (s *Supplier) TaxCode() string { return s.profile.TaxCode }

// Profile is the current, normalised profile.
func (s *Supplier) Profile() Registration {
	p := s.profile
	if p.Employees != nil {
		n := *p.Employees
		p.Employees = &n
	}
	return p
}

// HasCapability reports whether the capability was declared and is not
// withdrawn.
func (s *Supplier) HasCapability(id uuid.UUID) bool {
	c, ok := s.capabilities[id]
	return ok && !c.withdrawn
}

// Capability returns the latest version of a capability that is not
// withdrawn, as a copy the caller may change.
func (s *Supplier) Capability(id uuid.UUID) (CapabilitySpec, bool) {
	if !s.HasCapability(id) {
		return CapabilitySpec{}, false
	}
	return s.capabilities[id].spec.clone(), true
}

// CapabilityIDs lists the capabilities not withdrawn, in declaration order.
func (s *Supplier) CapabilityIDs() []uuid.UUID {
	var ids []uuid.UUID
	for _, id := range s.order {
		if !s.capabilities[id].withdrawn {
			ids = append(ids, id)
		}
	}
	return ids
}

// KeyProducts lists the city's recognitions in the order they were recorded.
func (s *Supplier) KeyProducts() []KeyProduct { return slices.Clone(s.keyProducts) }

func (s *Supplier) activeCapabilities() int {
	n := 0
	for _, c := range s.capabilities {
		if !c.withdrawn {
			n++
		}
	}
	return n
}

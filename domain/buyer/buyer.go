// Package buyer is the buyer aggregate: a foreign-invested (or large domestic)
// manufacturer in Hanoi and the demands it posts to localise its supply chain.
// It is rebuilt from its events and records new ones; it knows nothing of
// storage or HTTP.
package buyer

import (
	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// StreamType names buyer streams in the event store.
const StreamType = "buyer"

// MaxOpenDemands bounds the demands one buyer has open at once, so that its
// stream stays small enough to load on every command.
const MaxOpenDemands = 200

// Status is where a demand stands. Only open demands are matched.
type Status string

// Demand statuses; Fulfilled and Cancelled are also the reasons CloseDemand
// accepts.
const (
	Open      Status = "open"
	Fulfilled Status = "fulfilled"
	Cancelled Status = "cancelled"
)

// Buyer is a buying firm and its demands. The zero value is an empty aggregate
// ready to have stored events applied. It is not safe for concurrent use: one
// command loads, changes and saves it at a time.
type Buyer struct {
	domain.Root
	id      uuid.UUID
	profile Registration
	demands map[uuid.UUID]*demand
	order   []uuid.UUID // posting order of demands
}

type demand struct {
	spec   DemandSpec
	status Status
}

// Events returns one zero value of every buyer event type, for the event
// store's codec registry. Events are values, never pointers.
func Events() []domain.Event {
	return []domain.Event{Registered{}, DemandPosted{}, DemandRevised{}, DemandClosed{}}
}

// Apply changes the state by one event. It never fails: stored events are
// facts. Event types it does not know are ignored.
func (b *Buyer) Apply(e domain.Event) {
	switch e := e.(type) {
	case Registered:
		b.id = e.BuyerID
		b.profile = e.Registration
	case DemandPosted:
		b.putDemand(e.DemandID, e.DemandSpec)
	case DemandRevised:
		b.putDemand(e.DemandID, e.DemandSpec)
	case DemandClosed:
		if d, ok := b.demands[e.DemandID]; ok {
			d.status = e.Reason
		}
	}
}

func (b *Buyer) putDemand(id uuid.UUID, spec DemandSpec) {
	if b.demands == nil {
		b.demands = make(map[uuid.UUID]*demand)
	}
	if d, ok := b.demands[id]; ok {
		d.spec = spec
		return
	}
	b.demands[id] = &demand{spec: spec, status: Open}
	b.order = append(b.order, id)
}

// registered guards commands on a stream that was never started.
func (b *Buyer) registered() error {
	if b.id == uuid.Nil {
		return domain.Errorf(domain.ErrNotFound, "buyer not registered")
	}
	return nil
}

// ID is the buyer's id (uuid.Nil before registration).
func (b *Buyer) ID() uuid.UUID { return b.id }

// Name is the firm's name.
func (b *Buyer) Name() string { return b.profile.Name }

// Country is the ISO alpha-2 code of the buyer's home country.
func (b *Buyer) Country() string { return b.profile.Country }

// Profile is the normalised profile.
func (b *Buyer) Profile() Registration { return b.profile }

// Demand returns the latest version of a posted demand, open or closed, as a
// copy the caller may change.
func (b *Buyer) Demand(id uuid.UUID) (DemandSpec, bool) {
	d, ok := b.demands[id]
	if !ok {
		return DemandSpec{}, false
	}
	return d.spec.clone(), true
}

// DemandStatus is the demand's status, or "" when it was never posted.
func (b *Buyer) DemandStatus(id uuid.UUID) Status {
	if d, ok := b.demands[id]; ok {
		return d.status
	}
	return ""
}

// HasOpenDemand reports whether the demand was posted and is not closed.
func (b *Buyer) HasOpenDemand(id uuid.UUID) bool { return b.DemandStatus(id) == Open }

// DemandIDs lists every demand, open or closed, in posting order.
func (b *Buyer) DemandIDs() []uuid.UUID {
	if len(b.order) == 0 {
		return nil
	}
	return append([]uuid.UUID(nil), b.order...)
}

func (b *Buyer) openDemands() int {
	n := 0
	for _, d := range b.demands {
		if d.status == Open {
			n++
		}
	}
	return n
}

// Package projections turns events into the read models behind the GET
// endpoints. Each read model is one type with an Apply method that switches
// on the event, registered with the eventstore Projector; its tables are
// written only inside the projector's transaction.
package projections

import (
	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/account"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/deal"
	"github.com/keylink/keylink/domain/invitation"
	"github.com/keylink/keylink/domain/rates"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/domain/support"
	"github.com/keylink/keylink/eventstore"
)

// Events lists every event type the system stores, for the codec registry.
func Events() []domain.Event {
	var all []domain.Event
	all = append(all, supplier.Events()...)
	all = append(all, buyer.Events()...)
	all = append(all, account.Events()...)
	all = append(all, invitation.Events()...)
	all = append(all, conference.Events()...)
	all = append(all, deal.Events()...)
	all = append(all, support.Events()...)
	all = append(all, rates.Events()...)
	return all
}

// Registry returns a codec registry holding Events and their upcasters.
func Registry() (*eventstore.Registry, error) {
	r, err := eventstore.NewRegistry(Events()...)
	if err != nil {
		return nil, err
	}
	r.RegisterUpcaster(account.Registered{}.EventType(), 1, account.UpcastRegisteredV1)
	r.RegisterUpcaster(conference.ScheduleProposed{}.EventType(), 1, conference.UpcastScheduleV1)
	r.RegisterUpcaster(conference.SchedulePublished{}.EventType(), 1, conference.UpcastScheduleV1)
	return r, nil
}

// All returns every live projection.
func All() []eventstore.Projection {
	return []eventstore.Projection{&Directory{}, &DirectorySearch{}, &Board{}, &Conferences{}, &Matches{}, &Programme{}}
}

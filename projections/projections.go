// Package projections is the wiring of the read models: the codec registry
// of every stored event with its upcasters, and the list of live
// projections. Each read model is a package of its own below this one
// (directory, search, board, matches, conferences, programme) holding one
// type with an Apply method that switches on the event, its queries and its
// tests; its tables are written only inside the projector's transaction.
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
	"github.com/keylink/keylink/projections/board"
	"github.com/keylink/keylink/projections/conferences"
	"github.com/keylink/keylink/projections/directory"
	"github.com/keylink/keylink/projections/matches"
	"github.com/keylink/keylink/projections/programme"
	"github.com/keylink/keylink/projections/search"
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
	return []eventstore.Projection{&directory.Directory{}, &search.DirectorySearch{}, &board.Board{}, &conferences.Conferences{},
		&matches.Matches{}, &programme.Programme{}}
}

package api_test

import (
	"github.com/google/uuid"

	"github.com/keylink/keylink/eventstore"
)

func streamOf(typ, id string) eventstore.Stream {
	return eventstore.StreamOf(typ, uuid.MustParse(id))
}

package api_test

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/keylink/keylink/eventstore"
)

func streamOf(typ, id string) eventstore.Stream {
	return eventstore.StreamOf(typ, uuid.MustParse(id))
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

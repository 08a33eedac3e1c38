package eventstore

import (
	stdsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
)

// Topic is the Watermill topic every event is published on. There is one
// table behind it, events, which is both the store and the publication.
const Topic = "events"

// Metadata keys carried by Watermill messages of the events topic.
const (
	mdStreamType    = "stream_type"
	mdStreamID      = "stream_id"
	mdExpected      = "expected_version"
	mdType          = "type"
	mdSchemaVersion = "schema_version"
	mdCorrelation   = "correlation_id"
	mdCausation     = "causation_id"
	mdActor         = "actor"
)

// expectAny marks an append that takes whatever version the stream is at.
const expectAny = "any"

// schemaAdapter makes Watermill's SQL publisher write to the events table.
// One Publish call carries the events of one stream append; the expected
// version travels in the messages' metadata. It does not subscribe: the
// projector (package eventstore/projector) has its own adapter.
type schemaAdapter struct{}

var _ wsql.SchemaAdapter = schemaAdapter{}

// InsertQuery appends the messages to their stream. With an exact expected
// version, events_expect_version refuses a stream that moved (or lags), and
// UNIQUE(stream_id, version) refuses a concurrent writer; with "any" the
// versions follow the stream's current one. RETURNING feeds AppendResult.
func (a schemaAdapter) InsertQuery(p wsql.InsertQueryParams) (wsql.Query, error) {
	if len(p.Msgs) == 0 {
		return wsql.Query{}, fmt.Errorf("eventstore: nothing to insert")
	}
	first := p.Msgs[0].Metadata
	stream, expected := first.Get(mdStreamID), first.Get(mdExpected)
	var b strings.Builder
	b.WriteString(`INSERT INTO events (event_id, stream_type, stream_id, version, type, schema_version, payload, metadata)
SELECT v.event_id, v.stream_type, v.stream_id, base.v + v.ord, v.type, v.schema_version, v.payload, v.metadata
FROM (VALUES `)
	args := make([]any, 0, len(p.Msgs)*8+2)
	for i, m := range p.Msgs {
		if m.Metadata.Get(mdStreamID) != stream {
			return wsql.Query{}, fmt.Errorf("eventstore: one publish must carry one stream")
		}
		md, err := json.Marshal(map[string]string{
			mdCorrelation: m.Metadata.Get(mdCorrelation),
			mdCausation:   m.Metadata.Get(mdCausation),
			mdActor:       m.Metadata.Get(mdActor),
		})
		if err != nil {
			return wsql.Query{}, err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, "($%d::uuid, $%d::text, $%d::text, $%d::bigint, $%d::text, $%d::int, $%d::jsonb, $%d::jsonb)",
			n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
		args = append(args, m.UUID, m.Metadata.Get(mdStreamType), stream, i+1,
			m.Metadata.Get(mdType), m.Metadata.Get(mdSchemaVersion), []byte(m.Payload), md)
	}
	b.WriteString(`) AS v(event_id, stream_type, stream_id, ord, type, schema_version, payload, metadata), `)
	n := len(args)
	if expected == expectAny {
		fmt.Fprintf(&b, `(SELECT coalesce(max(version), 0) AS v FROM events WHERE stream_id = $%d) AS base`, n+1)
		args = append(args, stream)
	} else {
		if _, err := strconv.ParseInt(expected, 10, 64); err != nil {
			return wsql.Query{}, fmt.Errorf("eventstore: bad expected version %q", expected)
		}
		fmt.Fprintf(&b, `(SELECT $%d::bigint AS v WHERE events_expect_version($%d, $%d)) AS base`, n+1, n+2, n+1)
		args = append(args, expected, stream)
	}
	b.WriteString(` ORDER BY v.ord RETURNING global_position, version`)
	return wsql.Query{Query: b.String(), Args: args}, nil
}

// SelectQuery refuses: the store's adapter only publishes.
func (schemaAdapter) SelectQuery(wsql.SelectQueryParams) (wsql.Query, error) {
	return wsql.Query{}, errors.New("eventstore: the store's adapter does not subscribe")
}

// UnmarshalMessage refuses: the store's adapter only publishes.
func (schemaAdapter) UnmarshalMessage(wsql.UnmarshalMessageParams) (wsql.Row, error) {
	return wsql.Row{}, errors.New("eventstore: the store's adapter does not subscribe")
}

// SchemaInitializingQueries is empty: goose migrations own the schema.
func (schemaAdapter) SchemaInitializingQueries(wsql.SchemaInitializingQueriesParams) ([]wsql.Query, error) {
	return nil, nil
}

// SubscribeIsolationLevel is the default: the store's adapter does not
// subscribe.
func (schemaAdapter) SubscribeIsolationLevel() stdsql.IsolationLevel {
	return stdsql.LevelDefault
}

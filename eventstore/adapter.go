package eventstore

import (
	stdsql "database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
)

// Topic is the Watermill topic every event is published on. There is one
// table behind it, events, which is both the store and the publication.
const Topic = "events"

// Metadata keys carried by Watermill messages of the events topic.
const (
	mdStreamType    = "stream_type"
	mdStreamID      = "stream_id"
	mdVersion       = "version"
	mdExpected      = "expected_version"
	mdType          = "type"
	mdSchemaVersion = "schema_version"
	mdPosition      = "position"
	mdTransaction   = "transaction_id"
	mdRecordedAt    = "recorded_at"
	mdCorrelation   = "correlation_id"
	mdCausation     = "causation_id"
	mdActor         = "actor"
	// mdCheckpoint is where the consumer group's checkpoint stood when the
	// batch was read, as "transaction_id/global_position".
	mdCheckpoint = "checkpoint"
)

// expectAny marks an append that takes whatever version the stream is at.
const expectAny = "any"

// schemaAdapter makes Watermill's SQL publisher write to, and its subscriber
// read from, the events table. One Publish call carries the events of one
// stream append; the expected version travels in the messages' metadata.
type schemaAdapter struct {
	batchSize int
}

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

// SelectQuery reads the next batch for a consumer group in commit order: by
// (transaction_id, global_position) and only below the oldest transaction
// still running, so a low position that commits late is never skipped. The
// row comparison keeps the scan on the primary key.
func (a schemaAdapter) SelectQuery(p wsql.SelectQueryParams) (wsql.Query, error) {
	next, err := p.OffsetsAdapter.NextOffsetQuery(wsql.NextOffsetQueryParams{Topic: p.Topic, ConsumerGroup: p.ConsumerGroup})
	if err != nil {
		return wsql.Query{}, err
	}
	q := `WITH last AS (` + next.Query + `)
SELECT e.global_position, e.transaction_id::text, e.event_id::text, e.payload::text,
       jsonb_build_object('` + mdStreamType + `', e.stream_type, '` + mdStreamID + `', e.stream_id,
         '` + mdVersion + `', e.version::text, '` + mdType + `', e.type, '` + mdSchemaVersion + `', e.schema_version::text,
         '` + mdPosition + `', e.global_position::text, '` + mdTransaction + `', e.transaction_id::text,
         '` + mdRecordedAt + `', to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
         '` + mdCheckpoint + `', (SELECT transaction_id::text || '/' || global_position FROM last)) || e.metadata
FROM events e
WHERE (e.transaction_id, e.global_position) > ((SELECT transaction_id FROM last), (SELECT global_position FROM last))
  AND e.transaction_id < (SELECT events_horizon())
ORDER BY e.transaction_id, e.global_position
LIMIT ` + strconv.Itoa(a.batch())
	return wsql.Query{Query: q, Args: next.Args}, nil
}

func (a schemaAdapter) batch() int {
	if a.batchSize <= 0 {
		return 100
	}
	return a.batchSize
}

// UnmarshalMessage turns a row of SelectQuery into a Watermill message.
func (a schemaAdapter) UnmarshalMessage(p wsql.UnmarshalMessageParams) (wsql.Row, error) {
	var (
		pos                     int64
		txid, id, payload, meta string
	)
	if err := p.Row.Scan(&pos, &txid, &id, &payload, &meta); err != nil {
		return wsql.Row{}, fmt.Errorf("eventstore: scan event: %w", err)
	}
	msg := message.NewMessage(id, []byte(payload))
	if err := json.Unmarshal([]byte(meta), &msg.Metadata); err != nil {
		return wsql.Row{}, fmt.Errorf("eventstore: event metadata: %w", err)
	}
	x, err := strconv.ParseUint(txid, 10, 64)
	if err != nil {
		return wsql.Row{}, fmt.Errorf("eventstore: transaction id: %w", err)
	}
	return wsql.Row{Offset: pos, UUID: []byte(id), Payload: []byte(payload), Metadata: []byte(meta),
		Msg: msg, ExtraData: map[string]any{mdTransaction: x}}, nil
}

// SchemaInitializingQueries is empty: goose migrations own the schema.
func (a schemaAdapter) SchemaInitializingQueries(wsql.SchemaInitializingQueriesParams) ([]wsql.Query, error) {
	return nil, nil
}

// SubscribeIsolationLevel is REPEATABLE READ: one snapshot for the batch query
// and the xmin guard.
func (a schemaAdapter) SubscribeIsolationLevel() stdsql.IsolationLevel {
	return stdsql.LevelRepeatableRead
}

// offsetsAdapter keeps each consumer group's offset in projection_checkpoints,
// the row the projection also advances per event inside its transaction.
type offsetsAdapter struct{}

var _ wsql.OffsetsAdapter = offsetsAdapter{}

// NextOffsetQuery locks the group's row for the batch: one batch per
// projection in flight, and a rebuild that takes the same lock pauses it.
func (offsetsAdapter) NextOffsetQuery(p wsql.NextOffsetQueryParams) (wsql.Query, error) {
	return wsql.Query{
		Query: `SELECT transaction_id, global_position FROM projection_checkpoints WHERE name = $1 FOR UPDATE`,
		Args:  []any{p.ConsumerGroup},
	}, nil
}

// AckMessageQuery moves the checkpoint to the batch's last row. The
// projector's batch transaction (batchTx.ExecContext) recognises this
// statement and runs it with the last event the projection applied
// instead, together with the batch's writes.
func (offsetsAdapter) AckMessageQuery(p wsql.AckMessageQueryParams) (wsql.Query, error) {
	return wsql.Query{
		Query: advanceCheckpointSQL,
		Args:  []any{p.ConsumerGroup, strconv.FormatUint(p.LastRow.ExtraData[mdTransaction].(uint64), 10), p.LastRow.Offset},
	}, nil
}

// advanceCheckpointSQL moves a checkpoint to ($2, $3) if that is ahead of it;
// zero rows affected means the event was applied before.
const advanceCheckpointSQL = `UPDATE projection_checkpoints
SET transaction_id = $2::text::xid8, global_position = $3, updated_at = now()
WHERE name = $1 AND (transaction_id, global_position) < ($2::text::xid8, $3)`

func (offsetsAdapter) ConsumedMessageQuery(wsql.ConsumedMessageQueryParams) (wsql.Query, error) {
	return wsql.Query{}, nil
}

func (offsetsAdapter) SchemaInitializingQueries(wsql.OffsetsSchemaInitializingQueriesParams) ([]wsql.Query, error) {
	return nil, nil
}

// BeforeSubscribingQueries creates the group's row so FOR UPDATE has
// something to lock.
func (offsetsAdapter) BeforeSubscribingQueries(p wsql.BeforeSubscribingQueriesParams) ([]wsql.Query, error) {
	return []wsql.Query{{
		Query: `INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING`,
		Args:  []any{p.ConsumerGroup},
	}}, nil
}

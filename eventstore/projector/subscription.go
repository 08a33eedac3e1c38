package projector

import (
	stdsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/keylink/keylink/eventstore"
)

// Metadata keys of the messages the subscription reads: the event's
// columns, and its metadata column's keys (eventstore.Metadata's JSON)
// merged in.
const (
	mdStreamType    = "stream_type"
	mdStreamID      = "stream_id"
	mdVersion       = "version"
	mdType          = "type"
	mdSchemaVersion = "schema_version"
	mdPosition      = "position"
	mdTransaction   = "transaction_id"
	mdRecordedAt    = "recorded_at"
	mdCorrelation   = "correlation_id"
	mdCausation     = "causation_id"
	mdActor         = "actor"
	// mdCheckpoints is where the checkpoints the batch holds stood when it
	// was read: a JSON object of "transaction_id/global_position" by
	// projection.
	mdCheckpoints = "checkpoints"
)

// subscription makes Watermill's SQL subscriber read the events table, in
// commit order, for every projection of names at once. It only reads: the
// store's own adapter publishes.
type subscription struct {
	batchSize int
	names     func() []string // the projections in the shared batches
}

var _ wsql.SchemaAdapter = subscription{}

// InsertQuery refuses: the projector never publishes.
func (subscription) InsertQuery(wsql.InsertQueryParams) (wsql.Query, error) {
	return wsql.Query{}, errors.New("projector: the subscription does not publish")
}

// SelectQuery reads the next page for the projections of names. It locks
// their checkpoint rows for the batch, skipping those another transaction
// holds (another process's batch, a rebuild, this process's catch-up), and
// reads the page after the lowest of them: in commit order, by
// (transaction_id, global_position), and only below the oldest transaction
// still running, so a low position that commits late is never skipped. The
// row comparison keeps the scan on the primary key. Each row carries the
// checkpoints, read once for the statement.
func (a subscription) SelectQuery(wsql.SelectQueryParams) (wsql.Query, error) {
	q := `WITH cp AS MATERIALIZED (
  SELECT name, transaction_id, global_position FROM projection_checkpoints
  WHERE name = ANY($1::text[]) FOR UPDATE SKIP LOCKED),
last AS (SELECT transaction_id, global_position FROM cp ORDER BY transaction_id, global_position LIMIT 1)
SELECT e.global_position, e.transaction_id::text, e.event_id::text, e.payload::text,
       jsonb_build_object('` + mdStreamType + `', e.stream_type, '` + mdStreamID + `', e.stream_id,
         '` + mdVersion + `', e.version::text, '` + mdType + `', e.type, '` + mdSchemaVersion + `', e.schema_version::text,
         '` + mdPosition + `', e.global_position::text, '` + mdTransaction + `', e.transaction_id::text,
         '` + mdRecordedAt + `', to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
         '` + mdCheckpoints + `', (SELECT jsonb_object_agg(name, transaction_id::text || '/' || global_position)::text FROM cp)) || e.metadata
FROM events e
WHERE (e.transaction_id, e.global_position) > ((SELECT transaction_id FROM last), (SELECT global_position FROM last))
  AND e.transaction_id < (SELECT events_horizon())
ORDER BY e.transaction_id, e.global_position
LIMIT ` + strconv.Itoa(a.batch())
	return wsql.Query{Query: q, Args: []any{a.names()}}, nil
}

func (a subscription) batch() int {
	if a.batchSize <= 0 {
		return 100
	}
	return a.batchSize
}

// UnmarshalMessage turns a row of SelectQuery into a Watermill message.
func (subscription) UnmarshalMessage(p wsql.UnmarshalMessageParams) (wsql.Row, error) {
	var (
		pos                     int64
		txid, id, payload, meta string
	)
	if err := p.Row.Scan(&pos, &txid, &id, &payload, &meta); err != nil {
		return wsql.Row{}, fmt.Errorf("projector: scan event: %w", err)
	}
	msg := message.NewMessage(id, []byte(payload))
	if err := json.Unmarshal([]byte(meta), &msg.Metadata); err != nil {
		return wsql.Row{}, fmt.Errorf("projector: event metadata: %w", err)
	}
	return wsql.Row{Offset: pos, UUID: []byte(id), Payload: []byte(payload), Metadata: []byte(meta), Msg: msg}, nil
}

// SchemaInitializingQueries is empty: goose migrations own the schema.
func (subscription) SchemaInitializingQueries(wsql.SchemaInitializingQueriesParams) ([]wsql.Query, error) {
	return nil, nil
}

// SubscribeIsolationLevel is REPEATABLE READ: one snapshot for the batch query
// and the horizon.
func (subscription) SubscribeIsolationLevel() stdsql.IsolationLevel {
	return stdsql.LevelRepeatableRead
}

// offsets is the subscription's offsets adapter. The offsets are the
// projections' checkpoints: SelectQuery locks and reads them, the batch
// moves them (batchTx.apply), and the projector creates their rows before
// subscribing, so none of Watermill's offset statements is sent.
type offsets struct{}

var _ wsql.OffsetsAdapter = offsets{}

// NextOffsetQuery refuses: SelectQuery reads every checkpoint itself.
func (offsets) NextOffsetQuery(wsql.NextOffsetQueryParams) (wsql.Query, error) {
	return wsql.Query{}, errors.New("projector: the subscription reads the checkpoints in its select")
}

// AckMessageQuery is the acknowledgement Watermill runs through the batch's
// transaction, as its last statement; batchTx never sends it to the
// database: the acknowledgement is where the batch applies the page and
// moves the checkpoints, explicitly.
func (offsets) AckMessageQuery(wsql.AckMessageQueryParams) (wsql.Query, error) {
	return wsql.Query{Query: "-- the projector's batch moves the checkpoint"}, nil
}

// ConsumedMessageQuery is none: a batch's messages need no statement each.
func (offsets) ConsumedMessageQuery(wsql.ConsumedMessageQueryParams) (wsql.Query, error) {
	return wsql.Query{}, nil
}

// SchemaInitializingQueries is empty: goose migrations own the schema.
func (offsets) SchemaInitializingQueries(wsql.OffsetsSchemaInitializingQueriesParams) ([]wsql.Query, error) {
	return nil, nil
}

// BeforeSubscribingQueries is none: the projector creates the checkpoint
// rows (ensureCheckpoints).
func (offsets) BeforeSubscribingQueries(wsql.BeforeSubscribingQueriesParams) ([]wsql.Query, error) {
	return nil, nil
}

// record rebuilds a Record from a message of the events topic.
func (p *Projector) record(msg *message.Message) (eventstore.Record, error) {
	md := msg.Metadata
	var r eventstore.Record
	var err error
	parse := func(s string) int64 {
		v, e := strconv.ParseInt(s, 10, 64)
		if e != nil && err == nil {
			err = fmt.Errorf("projector: bad metadata %q: %w", s, e)
		}
		return v
	}
	r.Position.Global = parse(md.Get(mdPosition))
	r.Position.TransactionID = uint64(parse(md.Get(mdTransaction)))
	r.Version = parse(md.Get(mdVersion))
	r.SchemaVersion = int(parse(md.Get(mdSchemaVersion)))
	r.Type = md.Get(mdType)
	r.Stream.Type = md.Get(mdStreamType)
	if name := md.Get(mdStreamID); len(name) > len(r.Stream.Type) {
		r.Stream.ID = name[len(r.Stream.Type)+1:]
	}
	r.EventID, _ = uuid.Parse(msg.UUID)
	r.Payload = json.RawMessage(msg.Payload)
	r.Metadata = eventstore.Metadata{CorrelationID: md.Get(mdCorrelation), CausationID: md.Get(mdCausation), Actor: md.Get(mdActor)}
	r.RecordedAt, _ = time.Parse(time.RFC3339Nano, md.Get(mdRecordedAt))
	if err != nil {
		return r, err
	}
	return r, p.s.Decode(&r)
}

// parsePosition parses "transaction_id/global_position".
func parsePosition(s string) (eventstore.Position, error) {
	tx, g, ok := strings.Cut(s, "/")
	var at eventstore.Position
	var err1, err2 error
	at.TransactionID, err1 = strconv.ParseUint(tx, 10, 64)
	at.Global, err2 = strconv.ParseInt(g, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return eventstore.Position{}, fmt.Errorf("projector: bad checkpoint %q", s)
	}
	return at, nil
}

// adaptiveBackoff is the subscribers' polling rhythm. After a batch, an
// empty poll is followed by another 1 ms later, then 2, 4, 8 ms and so on up
// to the poll interval: a busy projection picks the next events up within
// a millisecond or two, an idle one costs what a fixed interval would.
// Errors are Watermill's default's business.
type adaptiveBackoff struct {
	fallback     wsql.BackoffManager
	max, current time.Duration
}

const firstPoll = time.Millisecond

func newAdaptiveBackoff(poll, retry time.Duration) *adaptiveBackoff {
	return &adaptiveBackoff{fallback: wsql.NewDefaultBackoffManager(poll, retry), max: poll, current: poll}
}

func (b *adaptiveBackoff) HandleError(logger watermill.LoggerAdapter, noMsg bool, err error) time.Duration {
	switch {
	case err != nil:
		b.current = b.max
		return b.fallback.HandleError(logger, noMsg, err)
	case !noMsg:
		b.current = firstPoll
		return 0
	}
	wait := min(b.current, b.max)
	b.current = min(2*b.current, b.max)
	return wait
}

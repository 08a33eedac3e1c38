package projector

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/eventstore"
)

// WaitFor blocks until every named projection has applied the event at global
// position pos, or ctx ends (eventstore.ErrNotCaughtUp).
//
// A wait costs the database one query, made at once: where the event stands
// in commit order and where the checkpoints are. Waiters then block on the
// projector's watcher, which this process's projections wake as soon as a
// batch commits, and which, while anyone waits, reads every checkpoint (and
// places the events still unknown) in one shared query every WaitPoll, for
// projections applied by another process. A crowd of waiters costs no more
// than one.
func (p *Projector) WaitFor(ctx context.Context, names []string, pos int64) error {
	if pos <= 0 || len(names) == 0 {
		return nil
	}
	w := &p.watch
	// Joined first: what the projections apply from now on is not missed.
	w.join(p, pos)
	defer w.leave(pos)
	if err := p.lookup(ctx, pos); err != nil {
		if ctx.Err() != nil {
			return eventstore.ErrNotCaughtUp
		}
		if !errors.Is(eventstore.Translate(err), eventstore.ErrUnavailable) {
			return err
		}
		// The database is away for now: the shared poll keeps trying.
	}
	for {
		done, changed := w.reached(names, pos)
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return eventstore.ErrNotCaughtUp
		case <-changed:
		}
	}
}

// Waiting is the number of WaitFor calls blocked now.
func (p *Projector) Waiting() int {
	p.watch.mu.Lock()
	defer p.watch.mu.Unlock()
	return p.watch.waiters
}

// lookup reads, in one query, the commit-order position of the event at
// global position pos (if it committed) and every checkpoint, into the
// watcher.
func (p *Projector) lookup(ctx context.Context, pos int64) error {
	rows, err := p.s.Pool().Query(ctx, `SELECT c.name, c.transaction_id::text, c.global_position, e.transaction_id::text
FROM (SELECT 1) one
LEFT JOIN projection_checkpoints c ON true
LEFT JOIN events e ON e.global_position = $1`, pos)
	if err != nil {
		return err
	}
	defer rows.Close()
	at := map[string]eventstore.Position{}
	placed := map[int64]uint64{}
	for rows.Next() {
		var (
			name, cpTx, evTx *string
			global           *int64
		)
		if err := rows.Scan(&name, &cpTx, &global, &evTx); err != nil {
			return err
		}
		if name != nil && cpTx != nil && global != nil {
			x, _ := strconv.ParseUint(*cpTx, 10, 64)
			at[*name] = eventstore.Position{TransactionID: x, Global: *global}
		}
		if evTx != nil {
			x, _ := strconv.ParseUint(*evTx, 10, 64)
			placed[pos] = x
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	p.watch.merge(at, placed)
	return nil
}

// watcher knows how far each projection got and where the events waited
// for stand in commit order, and wakes the waiters when either moves.
type watcher struct {
	mu      sync.Mutex
	at      map[string]eventstore.Position // the highest checkpoint seen of each projection
	placed  map[int64]uint64               // global position -> transaction id, of events waited for
	waiting map[int64]int                  // global position -> waiters
	changed chan struct{}                  // closed and replaced on every move
	waiters int
	polling bool
}

func (w *watcher) init() {
	if w.changed == nil {
		w.changed = make(chan struct{})
		w.at, w.placed, w.waiting = map[string]eventstore.Position{}, map[int64]uint64{}, map[int64]int{}
	}
}

// join counts a waiter for pos and starts the shared poll if it is not
// running.
func (w *watcher) join(p *Projector, pos int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.init()
	w.waiters++
	w.waiting[pos]++
	if !w.polling {
		w.polling = true
		go w.poll(p)
	}
}

func (w *watcher) leave(pos int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waiters--
	if w.waiting[pos]--; w.waiting[pos] <= 0 {
		delete(w.waiting, pos)
		delete(w.placed, pos)
	}
}

// reached reports whether every named projection has applied the event at
// pos, and else returns the channel closed on the next move.
func (w *watcher) reached(names []string, pos int64) (bool, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.init()
	tx, ok := w.placed[pos]
	if !ok {
		return false, w.changed
	}
	target := eventstore.Position{TransactionID: tx, Global: pos}
	for _, n := range names {
		if c, ok := w.at[n]; !ok || c.Less(target) {
			return false, w.changed
		}
	}
	return true, nil
}

// advance records that projection name committed a batch up to at, having
// applied the events of applied, and wakes the waiters.
func (w *watcher) advance(name string, at eventstore.Position, applied []appliedEvent) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.init()
	moved := false
	if c, ok := w.at[name]; !ok || c.Less(at) {
		w.at[name] = at
		moved = true
	}
	if len(w.waiting) > 0 {
		for _, r := range applied {
			if _, wanted := w.waiting[r.pos.Global]; wanted {
				w.placed[r.pos.Global] = r.pos.TransactionID
				moved = true
			}
		}
	}
	if moved {
		w.wake()
	}
}

// merge records checkpoints and event places read from the database.
func (w *watcher) merge(at map[string]eventstore.Position, placed map[int64]uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.init()
	moved := false
	for name, pos := range at {
		if c, ok := w.at[name]; !ok || c.Less(pos) {
			w.at[name] = pos
			moved = true
		}
	}
	for g, tx := range placed {
		if _, ok := w.placed[g]; !ok {
			w.placed[g] = tx
			moved = true
		}
	}
	if moved {
		w.wake()
	}
}

func (w *watcher) wake() {
	close(w.changed)
	w.changed = make(chan struct{})
}

// unplaced lists the positions waited for whose events are not placed yet.
func (w *watcher) unplaced() []int64 {
	var out []int64
	for g := range w.waiting {
		if _, ok := w.placed[g]; !ok {
			out = append(out, g)
		}
	}
	return out
}

// poll reads every checkpoint, and places the events waited for, once per
// WaitPoll while anyone waits: one query for all waiters. It stops when
// nobody waits.
func (w *watcher) poll(p *Projector) {
	tick := time.NewTicker(p.cfg.WaitPoll)
	defer tick.Stop()
	for range tick.C {
		w.mu.Lock()
		if w.waiters == 0 {
			w.polling = false
			w.mu.Unlock()
			return
		}
		unplaced := w.unplaced()
		w.mu.Unlock()
		at, placed, err := p.readPlaces(unplaced)
		if err == nil {
			w.merge(at, placed)
		}
	}
}

// readPlaces reads every checkpoint and the transactions of the events at
// globals, on the projection pool: a watcher queued behind requests for the
// main pool would delay every ?after= read.
func (p *Projector) readPlaces(globals []int64) (map[string]eventstore.Position, map[int64]uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var (
		rows pgx.Rows
		err  error
	)
	if len(globals) == 0 {
		rows, err = p.s.ProjectionPool().Query(ctx, `SELECT name, transaction_id::text, global_position FROM projection_checkpoints`)
	} else {
		rows, err = p.s.ProjectionPool().Query(ctx, `SELECT name, transaction_id::text, global_position FROM projection_checkpoints
UNION ALL SELECT NULL, transaction_id::text, global_position FROM events WHERE global_position = ANY($1)`, globals)
	}
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	at, placed := map[string]eventstore.Position{}, map[int64]uint64{}
	for rows.Next() {
		var (
			name *string
			txid string
			pos  eventstore.Position
		)
		if err := rows.Scan(&name, &txid, &pos.Global); err != nil {
			return nil, nil, err
		}
		pos.TransactionID, _ = strconv.ParseUint(txid, 10, 64)
		if name != nil {
			at[*name] = pos
		} else {
			placed[pos.Global] = pos.TransactionID
		}
	}
	return at, placed, rows.Err()
}

package matches

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/matching"
)

// loadMatchModel reads the projection's tables, as tx sees them, into a new
// model: every input, prepared, and every stored list.
func loadMatchModel(ctx context.Context, tx pgx.Tx) (*matchModel, error) {
	m := newMatchModel()
	steps := []func(context.Context, pgx.Tx, *matchModel) error{
		loadMatchSuppliers, loadMatchCapabilities, loadMatchBuyers, loadMatchDemands, loadMatchLists,
	}
	for _, step := range steps {
		if err := step(ctx, tx, m); err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
	}
	return m, nil
}

func loadMatchSuppliers(ctx context.Context, tx pgx.Tx, m *matchModel) error {
	rows, err := tx.Query(ctx, `SELECT id, name, district, industrial_zone, key_products FROM match_suppliers`)
	if err != nil {
		return err
	}
	var s mxSupplier
	_, err = pgx.ForEachRow(rows, []any{&s.id, &s.name, &s.district, &s.zone, &s.keyProducts}, func() error {
		x := s
		m.suppliers[s.id] = &x
		return nil
	})
	return err
}

// loadMatchCapabilities decodes and prepares the capabilities in parallel:
// for a city's suppliers it is most of a load's time.
func loadMatchCapabilities(ctx context.Context, tx pgx.Tx, m *matchModel) error {
	rows, err := tx.Query(ctx, `SELECT id, supplier_id, spec FROM match_capabilities ORDER BY id`)
	if err != nil {
		return err
	}
	var (
		caps  []*mxCap
		specs [][]byte
		id    uuid.UUID
		sid   uuid.UUID
		spec  []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &sid, &spec}, func() error {
		caps = append(caps, &mxCap{id: id, sup: m.supplier(sid)})
		specs = append(specs, slices.Clone(spec))
		return nil
	})
	if err != nil {
		return err
	}
	errs := make([]error, len(caps))
	parallel(len(caps), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if errs[i] = json.Unmarshal(specs[i], &caps[i].spec); errs[i] == nil {
				caps[i].prepare()
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, c := range caps {
		m.caps[c.id] = c
		c.sup.caps = append(c.sup.caps, c)
		m.indexCap(c)
	}
	return nil
}

func loadMatchBuyers(ctx context.Context, tx pgx.Tx, m *matchModel) error {
	rows, err := tx.Query(ctx, `SELECT id, name, country, district FROM match_buyers`)
	if err != nil {
		return err
	}
	var b mxBuyer
	_, err = pgx.ForEachRow(rows, []any{&b.id, &b.name, &b.country, &b.district}, func() error {
		x := b
		m.buyers[b.id] = &x
		return nil
	})
	return err
}

func loadMatchDemands(ctx context.Context, tx pgx.Tx, m *matchModel) error {
	rows, err := tx.Query(ctx, `SELECT id, buyer_id, closed, CASE WHEN closed THEN NULL ELSE spec END, list_complete
FROM match_demands`)
	if err != nil {
		return err
	}
	var (
		id, bid          uuid.UUID
		closed, complete bool
		spec             []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &bid, &closed, &spec, &complete}, func() error {
		if closed {
			m.closed[id] = true
			return nil
		}
		var ds buyer.DemandSpec
		if err := json.Unmarshal(spec, &ds); err != nil {
			return err
		}
		m.putDemand(bid, id, ds).complete = complete
		return nil
	})
	return err
}

func loadMatchLists(ctx context.Context, tx pgx.Tx, m *matchModel) error {
	rows, err := tx.Query(ctx, `SELECT demand_id, supplier_id, capability_id, score FROM matches`)
	if err != nil {
		return err
	}
	var (
		did, sid, cid uuid.UUID
		score         int
	)
	_, err = pgx.ForEachRow(rows, []any{&did, &sid, &cid, &score}, func() error {
		d, c := m.demands[did], m.caps[cid]
		if d == nil || c == nil || c.sup.id != sid {
			return fmt.Errorf("stored match of demand %s and capability %s has no open demand or active capability", did, cid)
		}
		d.list = append(d.list, mxEntry{sup: c.sup, cap: c, score: score})
		return nil
	})
	if err != nil {
		return err
	}
	for _, d := range m.demands {
		slices.SortFunc(d.list, func(a, b mxEntry) int {
			if ranksBefore(a, b) {
				return -1
			}
			return 1
		})
	}
	return nil
}

// matchRow is one row of the matches table to write.
type matchRow struct {
	d     *mxDemand
	e     mxEntry
	shown bool
}

// matchChanges is what writeMatches sends: rows deleted, rows whose shown
// flag alone changed, lists whose completeness changed, rows upserted.
type matchChanges struct {
	goneD, goneS []uuid.UUID
	flipD, flipS []uuid.UUID
	flipShown    []bool
	flagD        []uuid.UUID
	flagC        []bool
	ups          []matchRow
}

// writeMatches writes what one event changed in the lists, in one
// statement. Upserted rows record the event's day: a read explains them
// again from their inputs as they stood that day.
func writeMatches(ctx context.Context, tx pgx.Tx, x *matchDelta) error {
	var ch matchChanges
	for _, d := range sortedByID(x.pairs, func(d *mxDemand) uuid.UUID { return d.id }) {
		ch.add(x.model, d, x.pairs[d], x.before[d])
	}
	if len(ch.ups)+len(ch.goneD)+len(ch.flipD)+len(ch.flagD) == 0 {
		return nil
	}
	sql, args := matchWriteSQL(ch, matchColumnsOf(ch.ups, x.today))
	_, err := tx.Exec(ctx, sql, args...)
	return err
}

// add collects the changes of one list: the touched pairs are upserted or
// deleted; the others that entered or left the shown prefix get their flag.
// Lists are short, so it scans them rather than building maps.
func (ch *matchChanges) add(m *matchModel, d *mxDemand, touched map[*mxSupplier]bool, before listState) {
	for _, s := range sortedByID(touched, func(s *mxSupplier) uuid.UUID { return s.id }) {
		if i := d.find(s); i >= 0 {
			ch.ups = append(ch.ups, matchRow{d: d, e: d.list[i], shown: i < matchListShown})
		} else {
			ch.goneD, ch.goneS = append(ch.goneD, d.id), append(ch.goneS, s.id)
		}
	}
	flip := func(s *mxSupplier, shown bool) {
		ch.flipD, ch.flipS, ch.flipShown = append(ch.flipD, d.id), append(ch.flipS, s.id), append(ch.flipShown, shown)
	}
	shownNow := d.list[:min(len(d.list), matchListShown)]
	m.epoch++
	for _, s := range before.shown {
		s.mark = m.epoch
	}
	for _, e := range shownNow {
		if e.sup.mark != m.epoch && !touched[e.sup] {
			flip(e.sup, true)
		}
	}
	m.epoch++
	for _, e := range shownNow {
		e.sup.mark = m.epoch
	}
	for _, s := range before.shown {
		if s.mark != m.epoch && !touched[s] && d.find(s) >= 0 {
			flip(s, false)
		}
	}
	if d.complete != before.complete {
		ch.flagD, ch.flagC = append(ch.flagD, d.id), append(ch.flagC, d.complete)
	}
}

// matchColumns are the upserted rows as column arrays for unnest. Ids are
// [16]byte, which pgx sends as binary uuids (uuid.UUID goes through its
// driver.Valuer, as text).
type matchColumns struct {
	demand, supplier, capability, buyer [][16]byte
	score                               []int16
	expires, scored                     []pgtype.Date
	shown                               []bool
}

// matchColumnsOf lays the rows out as columns, scored on day today, with
// the day each pair's certificates last hold.
func matchColumnsOf(rows []matchRow, today domain.Date) matchColumns {
	n := len(rows)
	c := matchColumns{
		demand: make([][16]byte, n), supplier: make([][16]byte, n), capability: make([][16]byte, n),
		buyer: make([][16]byte, n), score: make([]int16, n), expires: make([]pgtype.Date, n),
		scored: make([]pgtype.Date, n), shown: make([]bool, n),
	}
	day := pgtype.Date{Time: today.Time, Valid: true}
	for i, r := range rows {
		c.demand[i], c.supplier[i], c.capability[i], c.buyer[i] = r.d.id, r.e.sup.id, r.e.cap.id, r.d.buyerID
		c.score[i], c.scored[i], c.shown[i] = int16(r.e.score), day, r.shown
		if until, ok := matching.ValidThrough(r.d.prep, r.e.cap.prep, today); ok {
			c.expires[i] = pgtype.Date{Time: until.Time, Valid: true}
		}
	}
	return c
}

// matchWriteSQL builds the one statement of writeMatches from the parts it
// needs: data-modifying CTEs for the deletions, the flag flips and the
// lists' completeness, then the upsert. Their keys never overlap: each pair
// is deleted, flipped or upserted, not two of these.
func matchWriteSQL(ch matchChanges, cols matchColumns) (string, []any) {
	var (
		args []any
		ctes []string
	)
	arg := func(v any, typ string) string {
		args = append(args, v)
		return fmt.Sprintf("$%d::%s", len(args), typ)
	}
	if len(ch.goneD) > 0 {
		ctes = append(ctes, `gone AS (DELETE FROM matches m USING unnest(`+arg(byteIDs(ch.goneD), "uuid[]")+`, `+
			arg(byteIDs(ch.goneS), "uuid[]")+`) AS x(d, s) WHERE m.demand_id = x.d AND m.supplier_id = x.s)`)
	}
	if len(ch.flipD) > 0 {
		ctes = append(ctes, `flips AS (UPDATE matches m SET shown = x.shown FROM unnest(`+arg(byteIDs(ch.flipD), "uuid[]")+`, `+
			arg(byteIDs(ch.flipS), "uuid[]")+`, `+arg(ch.flipShown, "bool[]")+`) AS x(d, s, shown)
  WHERE m.demand_id = x.d AND m.supplier_id = x.s)`)
	}
	if len(ch.flagD) > 0 {
		ctes = append(ctes, `lists AS (UPDATE match_demands d SET list_complete = x.complete FROM unnest(`+
			arg(byteIDs(ch.flagD), "uuid[]")+`, `+arg(ch.flagC, "bool[]")+`) AS x(id, complete) WHERE d.id = x.id)`)
	}
	var b strings.Builder
	if len(ctes) > 0 {
		b.WriteString("WITH " + strings.Join(ctes, ",\n") + "\n")
	}
	if len(cols.demand) == 0 {
		// A statement needs a main query; the CTEs run regardless.
		b.WriteString(`SELECT 1`)
		return b.String(), args
	}
	b.WriteString(`INSERT INTO matches (demand_id, supplier_id, capability_id, buyer_id, score, expires_on, scored_on, shown)
SELECT x.d, x.s, x.c, x.b, x.score, x.expires_on, x.scored_on, x.shown
FROM unnest(` + arg(cols.demand, "uuid[]") + `, ` + arg(cols.supplier, "uuid[]") + `, ` + arg(cols.capability, "uuid[]") +
		`, ` + arg(cols.buyer, "uuid[]") + `, ` + arg(cols.score, "int2[]") + `, ` + arg(cols.expires, "date[]") +
		`, ` + arg(cols.scored, "date[]") + `, ` + arg(cols.shown, "bool[]") + `)
  AS x(d, s, c, b, score, expires_on, scored_on, shown)
ON CONFLICT (demand_id, supplier_id) DO UPDATE SET capability_id = excluded.capability_id, buyer_id = excluded.buyer_id,
  score = excluded.score, expires_on = excluded.expires_on, scored_on = excluded.scored_on, shown = excluded.shown`)
	return b.String(), args
}

func byteIDs(ids []uuid.UUID) [][16]byte {
	out := make([][16]byte, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// sortedByID returns the keys of m ordered by id, so that a statement's
// rows do not depend on map order.
func sortedByID[K comparable, V any](m map[K]V, id func(K) uuid.UUID) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b K) int {
		x, y := id(a), id(b)
		return bytes.Compare(x[:], y[:])
	})
	return keys
}

package projections

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
)

// Lists (suppliers, buyers, the demand board) share one way of paging: a
// keyset on (rank, key, id), where rank is the relevance of a row to the
// query's words (absent without words), key a sort column and id the row's
// id. A page comes with the total of rows that pass the filters.

// listCursor is the keyset position after which a page starts.
type listCursor struct {
	Rank *float32  `json:"r,omitempty"`
	Key  string    `json:"n"`
	ID   uuid.UUID `json:"i"`
}

func (c listCursor) encode() string {
	b, _ := json.Marshal(c) // a float, a string and a UUID always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// checkCursor decodes raw ("" for the first page); a cursor of a ranked
// list is not one of an unranked list, nor the reverse.
func checkCursor(p *domain.Problems, raw string, ranked bool) *listCursor {
	if raw == "" {
		return nil
	}
	var c listCursor
	b, err := base64.RawURLEncoding.DecodeString(raw)
	ok := err == nil && json.Unmarshal(b, &c) == nil && c.ID != uuid.Nil &&
		strings.IndexByte(c.Key, 0) < 0 && (c.Rank != nil) == ranked
	p.Check(ok, "cursor", "is not a cursor this endpoint returned for this query")
	return &c
}

// checkLimit applies DefaultLimit to 0 and checks the range.
func checkLimit(p *domain.Problems, limit int) int {
	if limit == 0 {
		return DefaultLimit
	}
	p.Check(limit >= 1 && limit <= MaxLimit, "limit", "must be between 1 and %d", MaxLimit)
	return limit
}

// checkWords checks a query's text like a name and returns its search terms
// (matching.QueryTerms).
func checkWords(p *domain.Problems, field, q string) []string {
	line := p.Line(field, q, false)
	p.Check(len(strings.Fields(line)) <= maxQueryWords, field, "must have at most %d words", maxQueryWords)
	return matching.QueryTerms(line)
}

// listSQL builds a list's statement.
type listSQL struct {
	columns string // an item's columns, scanned first
	from    string // the table (and joins) rows come from
	doc     string // the full-text document column, for words
	key, id string // sort key and id columns
	desc    bool   // key and id descending (newest first)
	where   []string
	args    []any
	rank    string // relevance expression; "" without words
}

func (l *listSQL) arg(v any) string {
	l.args = append(l.args, v)
	return "$" + strconv.Itoa(len(l.args))
}

// filter adds a condition.
func (l *listSQL) filter(cond string) { l.where = append(l.where, cond) }

// words asks for every term in the document and ranks rows by ts_rank.
// Each term is a plainto_tsquery of its own ('simple' configuration, as the
// documents are built), so no term is parsed as query syntax.
func (l *listSQL) words(terms []string) {
	if len(terms) == 0 {
		return
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = "plainto_tsquery('simple', " + l.arg(t) + ")"
	}
	q := "(" + strings.Join(parts, " && ") + ")"
	l.filter(l.doc + " @@ " + q)
	l.rank = "ts_rank(" + l.doc + ", " + q + ")"
}

func (l *listSQL) whereSQL() string {
	if len(l.where) == 0 {
		return ""
	}
	return "\nWHERE " + strings.Join(l.where, "\n  AND ")
}

// pageSQL selects the columns, then rank, key, id and the total, of the
// limit+1 rows after c (so as to know whether a page follows). It leaves l
// as it was: its arguments are l's followed by the page's.
func (l listSQL) pageSQL(c *listCursor, limit int) (string, []any) {
	l.args = l.args[:len(l.args):len(l.args)] // appends copy
	total := "(SELECT count(*) FROM " + l.from + l.whereSQL() + ")"
	rank := "0::real"
	if l.rank != "" {
		rank = l.rank + "::real"
	}
	cmp, dir := ">", ""
	if l.desc {
		cmp, dir = "<", " DESC"
	}
	if c != nil {
		after := "(" + l.key + ", " + l.id + ") " + cmp + " (" + l.arg(c.Key) + `::text COLLATE "C", ` + l.arg(c.ID) + "::uuid)"
		if l.rank != "" && c.Rank != nil {
			r := l.arg(*c.Rank)
			after = "(" + rank + " < " + r + "::real OR (" + rank + " = " + r + "::real AND " + after + "))"
		}
		l.where = append(l.where[:len(l.where):len(l.where)], after)
	}
	order := l.key + dir + ", " + l.id + dir
	if l.rank != "" {
		order = rank + " DESC, " + order
	}
	sql := "SELECT " + l.columns + ", " + rank + ", " + l.key + ", " + l.id + ", " + total +
		"\nFROM " + l.from + l.whereSQL() + "\nORDER BY " + order + " LIMIT " + l.arg(limit+1)
	return sql, l.args
}

// page runs l and returns up to limit items, the next cursor ("" on the
// last page) and the total. scan reads an item's columns, then targets.
// It runs one statement, or two when the page is empty (no row carried the
// total).
func page[T any](ctx context.Context, db Querier, l *listSQL, c *listCursor, limit int,
	scan func(rows pgx.Rows, targets ...any) (T, error)) ([]T, string, int, error) {
	sql, args := l.pageSQL(c, limit)
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, "", 0, err
	}
	defer rows.Close()
	items := []T{}
	var (
		next  string
		total int
		last  listCursor
		rank  float32
	)
	for rows.Next() {
		if len(items) == limit {
			if l.rank != "" {
				last.Rank = &rank
			}
			next = last.encode()
			break
		}
		item, err := scan(rows, &rank, &last.Key, &last.ID, &total)
		if err != nil {
			return nil, "", 0, err
		}
		items = append(items, item)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", 0, err
	}
	if len(items) == 0 && c != nil {
		if err := db.QueryRow(ctx, "SELECT count(*) FROM "+l.from+l.whereSQL(), l.args...).Scan(&total); err != nil {
			return nil, "", 0, err
		}
	}
	return items, next, total, nil
}

// Package keyset pages the read models' lists (suppliers, buyers, the demand
// board) by keyset: a page starts after the (rank, key, id) of the last row
// of the previous one, where rank is the relevance of a row to the query's
// words (absent without words), key a sort column and id the row's id. A
// page comes with the total of rows that pass the filters. Every function
// here is pure or runs its statements on the Querier it is given.
package keyset

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

// Page sizes of every list.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// maxQueryWords bounds the words of a query, so that one request cannot
// build a huge plan.
const maxQueryWords = 10

// Querier runs read queries. *pgxpool.Pool, *pgx.Conn and pgx.Tx satisfy it.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Cursor is the keyset position after which a page starts.
type Cursor struct {
	Rank *float32  `json:"r,omitempty"`
	Key  string    `json:"n"`
	ID   uuid.UUID `json:"i"`
}

// Encode is the cursor as a list's next_cursor shows it.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // a float, a string and a UUID always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// CheckCursor decodes raw; "" (the first page) is nil. A cursor of a
// ranked list is not one of an unranked list, nor the reverse.
func CheckCursor(p *domain.Problems, raw string, ranked bool) *Cursor {
	if raw == "" {
		return nil
	}
	var c Cursor
	b, err := base64.RawURLEncoding.DecodeString(raw)
	ok := err == nil && json.Unmarshal(b, &c) == nil && c.ID != uuid.Nil &&
		strings.IndexByte(c.Key, 0) < 0 && (c.Rank != nil) == ranked
	p.Check(ok, "cursor", "is not a cursor this endpoint returned for this query")
	return &c
}

// CheckLimit applies DefaultLimit to 0 and checks the range.
func CheckLimit(p *domain.Problems, limit int) int {
	if limit == 0 {
		return DefaultLimit
	}
	p.Check(limit >= 1 && limit <= MaxLimit, "limit", "must be between 1 and %d", MaxLimit)
	return limit
}

// CheckWords checks a query's text like a name and returns its search
// terms (matching.QueryTerms).
func CheckWords(p *domain.Problems, field, q string) []string {
	line := p.Line(field, q, false)
	p.Check(len(strings.Fields(line)) <= maxQueryWords, field, "must have at most %d words", maxQueryWords)
	return matching.QueryTerms(line)
}

// List builds a list's statement. Set its columns, then add arguments,
// filters and words; a List is not safe for concurrent use.
type List struct {
	Columns string // an item's columns, scanned first
	From    string // the table (and joins) rows come from
	Doc     string // the full-text document column, for words
	Key, ID string // sort key and id columns
	Desc    bool   // key and id descending (newest first)
	where   []string
	args    []any
	rank    string // relevance expression; "" without words
}

// Arg adds an argument and returns its placeholder.
func (l *List) Arg(v any) string {
	l.args = append(l.args, v)
	return "$" + strconv.Itoa(len(l.args))
}

// Filter adds a condition.
func (l *List) Filter(cond string) { l.where = append(l.where, cond) }

// Words asks for every term in the document and ranks rows by ts_rank.
// Each term is a plainto_tsquery of its own ('simple' configuration, as the
// documents are built), so no term is parsed as query syntax.
func (l *List) Words(terms []string) {
	if len(terms) == 0 {
		return
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = "plainto_tsquery('simple', " + l.Arg(t) + ")"
	}
	q := "(" + strings.Join(parts, " && ") + ")"
	l.Filter(l.Doc + " @@ " + q)
	l.rank = "ts_rank(" + l.Doc + ", " + q + ")"
}

func (l *List) whereSQL() string {
	if len(l.where) == 0 {
		return ""
	}
	return "\nWHERE " + strings.Join(l.where, "\n  AND ")
}

// pageSQL selects the columns, then rank, key, id and the total, of the
// limit+1 rows after c (so as to know whether a page follows). It leaves l
// as it was: its arguments are l's followed by the page's.
func (l List) pageSQL(c *Cursor, limit int) (string, []any) {
	l.args = l.args[:len(l.args):len(l.args)] // appends copy
	total := "(SELECT count(*) FROM " + l.From + l.whereSQL() + ")"
	rank := "0::real"
	if l.rank != "" {
		rank = l.rank + "::real"
	}
	cmp, dir := ">", ""
	if l.Desc {
		cmp, dir = "<", " DESC"
	}
	if c != nil {
		after := "(" + l.Key + ", " + l.ID + ") " + cmp + " (" + l.Arg(c.Key) + `::text COLLATE "C", ` + l.Arg(c.ID) + "::uuid)"
		if l.rank != "" && c.Rank != nil {
			r := l.Arg(*c.Rank)
			after = "(" + rank + " < " + r + "::real OR (" + rank + " = " + r + "::real AND " + after + "))"
		}
		l.where = append(l.where[:len(l.where):len(l.where)], after)
	}
	order := l.Key + dir + ", " + l.ID + dir
	if l.rank != "" {
		order = rank + " DESC, " + order
	}
	sql := "SELECT " + l.Columns + ", " + rank + ", " + l.Key + ", " + l.ID + ", " + total +
		"\nFROM " + l.From + l.whereSQL() + "\nORDER BY " + order + " LIMIT " + l.Arg(limit+1)
	return sql, l.args
}

// Page runs l and returns up to limit items, the next cursor ("" on the
// last page) and the total. scan reads an item's columns, then targets.
// It runs one statement, or two when the page is empty (no row carried the
// total).
func Page[T any](ctx context.Context, db Querier, l *List, c *Cursor, limit int,
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
		last  Cursor
		rank  float32
	)
	for rows.Next() {
		if len(items) == limit {
			if l.rank != "" {
				last.Rank = &rank
			}
			next = last.Encode()
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
		if err := db.QueryRow(ctx, "SELECT count(*) FROM "+l.From+l.whereSQL(), l.args...).Scan(&total); err != nil {
			return nil, "", 0, err
		}
	}
	return items, next, total, nil
}

package board

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
	"github.com/keylink/keylink/projections/keyset"
	"github.com/keylink/keylink/projections/matches"
)

// BuyerQuery filters and pages the buyer list. Empty strings do not
// filter; Limit 0 means keyset.DefaultLimit.
type BuyerQuery struct {
	// Q: every word must be a word of the buyer's name or parent group
	// (compared as SupplierQuery.Q says); the most relevant come first.
	Q string
	// Country: ISO 3166-1 alpha-2, any case.
	Country string
	// Ward: one of Hanoi's wards and communes, as domain.LookupWard
	// accepts it.
	Ward  string
	Limit int
	// Cursor is a BuyerPage.NextCursor from the same query.
	Cursor string
}

// BuyerPage is one page of the buyer list, by folded name then id (with
// words, the most relevant first). Total counts every buyer that passes the
// filters.
type BuyerPage struct {
	Items      []BuyerSummary `json:"items"`
	NextCursor string         `json:"next_cursor"`
	Total      int            `json:"total"`
}

// BuyerSummary is a buyer as the list shows it, with its open demands'
// count.
type BuyerSummary struct {
	ID          uuid.UUID `json:"id"`
	Name        string    `json:"name"`
	Country     string    `json:"country"`
	ParentGroup string    `json:"parent_group"`
	District    string    `json:"district"`
	Ward        string    `json:"ward"`
	OpenDemands int       `json:"open_demands"`
}

// checkCountry checks and upper-cases a country filter.
func checkCountry(p *domain.Problems, s string) string {
	c := strings.ToUpper(strings.TrimSpace(s))
	p.Check(c == "" || domain.ValidCountry(c), "country", "must be an ISO 3166-1 alpha-2 code such as JP")
	return c
}

// ListBuyers returns one page of the buyer list. Bad input is a
// *domain.ValidationError on "q", "country", "ward", "limit" or "cursor".
func ListBuyers(ctx context.Context, db Querier, q BuyerQuery) (BuyerPage, error) {
	var p domain.Problems
	words := keyset.CheckWords(&p, "q", q.Q)
	country := checkCountry(&p, q.Country)
	ward := p.Ward("ward", q.Ward)
	limit := keyset.CheckLimit(&p, q.Limit)
	after := keyset.CheckCursor(&p, q.Cursor, len(words) > 0)
	if err := p.Err(); err != nil {
		return BuyerPage{}, err
	}
	l := &keyset.List{
		Columns: `b.id, b.name, b.country, b.parent_group, b.district, b.ward,
  (SELECT count(*) FROM board_demands d WHERE d.buyer_id = b.id AND d.status = 'open')`,
		From: "board_buyers b", Doc: "b.document", Key: "b.name_folded", ID: "b.id",
	}
	l.Words(words)
	if country != "" {
		l.Filter("b.country = " + l.Arg(country))
	}
	if ward != "" {
		l.Filter("b.ward = " + l.Arg(ward))
	}
	items, next, total, err := keyset.Page(ctx, db, l, after, limit, func(rows pgx.Rows, more ...any) (BuyerSummary, error) {
		var b BuyerSummary
		err := rows.Scan(append([]any{&b.ID, &b.Name, &b.Country, &b.ParentGroup, &b.District, &b.Ward, &b.OpenDemands},
			more...)...)
		return b, err
	})
	if err != nil {
		return BuyerPage{}, fmt.Errorf("board: list buyers: %w", err)
	}
	return BuyerPage{Items: items, NextCursor: next, Total: total}, nil
}

// DemandQuery filters and pages the demand board, the open demands. Empty
// strings do not filter; Limit 0 means keyset.DefaultLimit.
type DemandQuery struct {
	// Q: every word must be a word of the demand's title, description,
	// processes or materials (compared as SupplierQuery.Q says); the most
	// relevant come first.
	Q             string
	IndustryGroup string
	// HS: 2 to 10 digits (dots allowed between them); a demand names an HS
	// code that starts with them ("84" finds 8471.30).
	HS string
	// Certification: the demand requires this standard; "ISO 9001" finds
	// any edition, "ISO 9001:2015" that one.
	Certification string
	// Country: the buyer's, ISO 3166-1 alpha-2, any case.
	Country string
	Limit   int
	// Cursor is a DemandPage.NextCursor from the same query.
	Cursor string
}

// DemandPage is one page of the board, newest demand first (with words,
// the most relevant first). Total counts every open demand that passes the
// filters.
type DemandPage struct {
	Items      []BoardDemand `json:"items"`
	NextCursor string        `json:"next_cursor"`
	Total      int           `json:"total"`
}

// BoardDemand is an open demand with its buyer's name and country.
type BoardDemand struct {
	Demand
	BuyerName    string `json:"buyer_name"`
	BuyerCountry string `json:"buyer_country"`
}

// checkHS checks an HS prefix: 2 to 10 digits, dots allowed between them.
func checkHS(p *domain.Problems, s string) string {
	s = strings.TrimSpace(s)
	digits := strings.ReplaceAll(s, ".", "")
	ok := len(digits) >= 2 && len(digits) <= 10 && !strings.HasPrefix(s, ".") && !strings.HasSuffix(s, ".") &&
		!strings.Contains(s, "..") && strings.Trim(digits, "0123456789") == ""
	p.Check(s == "" || ok, "hs", "must be 2 to 10 digits of an HS code, dots allowed between digits")
	return digits
}

// ListDemands returns one page of the demand board. Bad input is a
// *domain.ValidationError on "q", "industry_group", "hs", "certification",
// "country", "limit" or "cursor".
func ListDemands(ctx context.Context, db Querier, q DemandQuery) (DemandPage, error) {
	var p domain.Problems
	words := keyset.CheckWords(&p, "q", q.Q)
	group := strings.TrimSpace(q.IndustryGroup)
	p.Check(group == "" || domain.IndustryGroup(group).Valid(), "industry_group", "must be one of %s", groupNames())
	hs := checkHS(&p, q.HS)
	var cert string
	noStandard := false
	if c := p.Line("certification", q.Certification, false); c != "" {
		cert = matching.CertificationQueryKey(c)
		noStandard = cert == ""
	}
	country := checkCountry(&p, q.Country)
	limit := keyset.CheckLimit(&p, q.Limit)
	after := keyset.CheckCursor(&p, q.Cursor, len(words) > 0)
	if err := p.Err(); err != nil {
		return DemandPage{}, err
	}
	l := &keyset.List{
		Columns: demandJSON + `, b.name, b.country`,
		From:    "board_demands d JOIN board_buyers b ON b.id = d.buyer_id",
		Doc:     "d.document", Key: "''::text", ID: "d.id", Desc: true,
	}
	l.Filter("d.status = 'open'")
	l.Words(words)
	if group != "" {
		l.Filter("d.industry_group = " + l.Arg(group))
	}
	if hs != "" {
		l.Filter("EXISTS (SELECT 1 FROM unnest(d.hs_codes) h WHERE starts_with(h, " + l.Arg(hs) + "))")
	}
	switch {
	case noStandard:
		l.Filter("false")
	case cert != "":
		l.Filter("d.certification_keys @> ARRAY[" + l.Arg(cert) + "::text]")
	}
	if country != "" {
		l.Filter("b.country = " + l.Arg(country))
	}
	items, next, total, err := keyset.Page(ctx, db, l, after, limit, func(rows pgx.Rows, more ...any) (BoardDemand, error) {
		var d BoardDemand
		err := rows.Scan(append([]any{&d.Demand, &d.BuyerName, &d.BuyerCountry}, more...)...)
		d.fill()
		return d, err
	})
	if err != nil {
		return DemandPage{}, fmt.Errorf("board: list demands: %w", err)
	}
	return DemandPage{Items: items, NextCursor: next, Total: total}, nil
}

// MatchedDemandPage is a page of the board as a supplier reads it: each
// demand with its match for that supplier, null when it has none.
type MatchedDemandPage struct {
	Items      []MatchedDemand `json:"items"`
	NextCursor string          `json:"next_cursor"`
	Total      int             `json:"total"`
}

// MatchedDemand is a board demand with the reading supplier's match.
type MatchedDemand struct {
	BoardDemand
	Match *matches.BoardMatch `json:"match"`
}

// WithMatches is p with each demand's match for the supplier, from
// matches.BoardMatches (today decides which certificates still count).
func (p DemandPage) WithMatches(ctx context.Context, db Querier, supplierID uuid.UUID, today time.Time) (MatchedDemandPage, error) {
	ids := make([]uuid.UUID, len(p.Items))
	for i, d := range p.Items {
		ids[i] = d.ID
	}
	found, err := matches.BoardMatches(ctx, db, supplierID, ids, today)
	if err != nil {
		return MatchedDemandPage{}, err
	}
	out := MatchedDemandPage{Items: make([]MatchedDemand, len(p.Items)), NextCursor: p.NextCursor, Total: p.Total}
	for i, d := range p.Items {
		out.Items[i].BoardDemand = d
		if m, ok := found[d.ID]; ok {
			out.Items[i].Match = &m
		}
	}
	return out, nil
}

func groupNames() string {
	names := make([]string, len(domain.IndustryGroups))
	for i, g := range domain.IndustryGroups {
		names[i] = string(g)
	}
	return strings.Join(names, ", ")
}

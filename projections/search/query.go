package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
	"github.com/keylink/keylink/projections/keyset"
)

// SupplierQuery filters and pages the directory. Empty strings do not
// filter; Limit 0 means keyset.DefaultLimit.
type SupplierQuery struct {
	// Q: every word must be a word of the supplier's name, of a key
	// product's name, or of the title, description, processes or materials
	// of an active capability, compared as matching.QueryTerms says
	// (ignoring case and diacritics, English plurals and spelling
	// variants: "rang dong" finds "Rạng Đông", "moulding" finds
	// "molding"). With Q the most relevant come first.
	Q string
	// IndustryGroup: the supplier has an active capability in this group.
	IndustryGroup string
	// Certification: an active capability holds this standard with a
	// certificate valid on Today; "ISO 9001" is any edition, "ISO
	// 9001:2015" that one (matching.CertificationQueryKey).
	Certification string
	// District: the former district, equal ignoring case and diacritics.
	District string
	// Ward: one of Hanoi's wards and communes, written as
	// domain.LookupWard accepts it ("Phường Hoàn Kiếm", "hoan kiem").
	Ward string
	// KeyProduct: "true", recognised for a key product; "false", never.
	KeyProduct string
	// RecognizedYear: a key product recognised that year (YYYY).
	RecognizedYear string
	// TaxCode: equal.
	TaxCode string
	Limit   int
	// Cursor is a SupplierPage.NextCursor from the same query.
	Cursor string
	// Today decides which certificates are valid (its UTC date); zero
	// means now.
	Today time.Time
}

// SupplierPage is one page of the directory, in a stable order: folded
// name, then id; with words, the most relevant first. NextCursor is empty
// on the last page; Total counts every supplier that passes the filters.
type SupplierPage struct {
	Items      []SupplierSummary `json:"items"`
	NextCursor string            `json:"next_cursor"`
	Total      int               `json:"total"`
}

// SupplierSummary is a supplier as a directory page lists it.
type SupplierSummary struct {
	ID              uuid.UUID              `json:"id"`
	Name            string                 `json:"name"`
	TaxCode         string                 `json:"tax_code"`
	District        string                 `json:"district"`
	Ward            string                 `json:"ward"`
	IndustrialZone  string                 `json:"industrial_zone"`
	Ownership       domain.Ownership       `json:"ownership"`
	IndustryGroups  []domain.IndustryGroup `json:"industry_groups"`
	KeyProductCount int                    `json:"key_product_count"`
	CapabilityCount int                    `json:"capability_count"`
}

// search is a checked SupplierQuery.
type search struct {
	words                               []string
	group, certification, district, tax string
	ward                                string // canonical
	noStandard                          bool   // a certification without a letter or digit: no supplier
	keyProduct                          *bool
	year                                int
	limit                               int
	today                               string
	after                               *keyset.Cursor // nil on the first page
}

// validate checks q, reporting every bad field in a *domain.ValidationError.
// Text filters are checked like names (UTF-8, at most domain.MaxNameLen
// runes, no control characters): PostgreSQL would refuse a NUL with an
// error that is no fault of the database.
func (q SupplierQuery) validate() (search, error) {
	var (
		p domain.Problems
		s search
	)
	s.words = keyset.CheckWords(&p, "q", q.Q)
	s.group = strings.TrimSpace(q.IndustryGroup)
	p.Check(s.group == "" || domain.IndustryGroup(s.group).Valid(), "industry_group", "must be one of %s", groupNames())
	if c := p.Line("certification", q.Certification, false); c != "" {
		s.certification = matching.CertificationQueryKey(c)
		s.noStandard = s.certification == ""
	}
	s.district = p.Line("district", q.District, false)
	s.ward = p.Ward("ward", q.Ward)
	switch strings.TrimSpace(q.KeyProduct) {
	case "":
	case "true":
		s.keyProduct = ptrTo(true)
	case "false":
		s.keyProduct = ptrTo(false)
	default:
		p.Add("key_product", "must be true or false")
	}
	if y := strings.TrimSpace(q.RecognizedYear); y != "" {
		n, err := strconv.Atoi(y)
		p.Check(err == nil && len(y) == 4 && n >= 1900, "recognized_year", "must be a year, YYYY")
		s.year = n
	}
	if t := strings.TrimSpace(q.TaxCode); t != "" {
		p.Check(domain.ValidTaxCode(t), "tax_code", "must be 10 digits, optionally a hyphen and 3 digits")
		s.tax = t
	}
	s.limit = keyset.CheckLimit(&p, q.Limit)
	s.after = keyset.CheckCursor(&p, q.Cursor, len(s.words) > 0)
	today := q.Today
	if today.IsZero() {
		today = time.Now()
	}
	s.today = day(today).String()
	return s, p.Err()
}

// day is the calendar day, in UTC, of t: the day certificates must be
// valid on.
func day(t time.Time) domain.Date {
	y, mo, d := t.UTC().Date()
	return domain.Date{Time: time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)}
}

func ptrTo[T any](v T) *T { return &v }

func groupNames() string {
	names := make([]string, len(domain.IndustryGroups))
	for i, g := range domain.IndustryGroups {
		names[i] = string(g)
	}
	return strings.Join(names, ", ")
}

// list builds the page query on DirectorySearch's table: one condition per
// filter (each served by an index), the words a full-text match on the
// document (see keyset.List.Words). Without words the name order is walked
// until a page is full.
func (s search) list() *keyset.List {
	l := &keyset.List{
		Columns: `supplier_id, name, tax_code, district, ward, industrial_zone, ownership, industry_groups, key_product_count, capability_count`,
		From:    "directory_search", Doc: "document", Key: "name_folded", ID: "supplier_id",
	}
	l.Words(s.words)
	if s.group != "" {
		l.Filter(`industry_groups @> ARRAY[` + l.Arg(s.group) + `::text]`)
	}
	if s.certification != "" {
		k := l.Arg(s.certification)
		l.Filter(`certifications ? ` + k + ` AND certifications->>` + k + ` >= ` + l.Arg(s.today))
	}
	if s.noStandard {
		l.Filter(`false`)
	}
	if s.district != "" {
		l.Filter(`district_folded = search_fold(` + l.Arg(s.district) + `)`)
	}
	if s.ward != "" {
		l.Filter(`ward = ` + l.Arg(s.ward))
	}
	if s.keyProduct != nil {
		if *s.keyProduct {
			l.Filter(`key_product_count > 0`)
		} else {
			l.Filter(`key_product_count = 0`)
		}
	}
	if s.year != 0 {
		l.Filter(`key_product_years @> ARRAY[` + l.Arg(s.year) + `::int]`)
	}
	if s.tax != "" {
		l.Filter(`tax_code = ` + l.Arg(s.tax))
	}
	return l
}

// SearchSuppliers returns one page of the directory. Bad input is a
// *domain.ValidationError on "q", "industry_group", "certification",
// "district", "ward", "key_product", "recognized_year", "tax_code", "limit" or
// "cursor". It runs one statement (two for an empty page after a cursor).
func SearchSuppliers(ctx context.Context, db Querier, q SupplierQuery) (SupplierPage, error) {
	s, err := q.validate()
	if err != nil {
		return SupplierPage{}, err
	}
	items, next, total, err := keyset.Page(ctx, db, s.list(), s.after, s.limit, func(rows pgx.Rows, more ...any) (SupplierSummary, error) {
		var (
			item   SupplierSummary
			groups []string
		)
		err := rows.Scan(append([]any{&item.ID, &item.Name, &item.TaxCode, &item.District, &item.Ward, &item.IndustrialZone,
			&item.Ownership, &groups, &item.KeyProductCount, &item.CapabilityCount}, more...)...)
		item.IndustryGroups = make([]domain.IndustryGroup, len(groups))
		for i, g := range groups {
			item.IndustryGroups[i] = domain.IndustryGroup(g)
		}
		return item, err
	})
	if err != nil {
		return SupplierPage{}, fmt.Errorf("search: suppliers: %w", err)
	}
	return SupplierPage{Items: items, NextCursor: next, Total: total}, nil
}

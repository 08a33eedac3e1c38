// Package search is the supplier list read model (directory_search): one
// row per supplier with a full-text document, and the query behind GET
// /v1/suppliers.
package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain/matching"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/reset"
)

// DirectorySearch keeps the supplier list behind GET /v1/suppliers: per
// supplier, what a page shows and filters on (name, tax code, district, ward,
// ownership, industry groups, certifications with their last valid day, key
// products' count and years) and a full-text document of search terms
// (matching.DocumentTerms): its name, its key products, then its active
// capabilities (titles, then description, processes, materials) in
// declaration order, weighted in that order for ranking. One table holds it
// all, so that a list without q walks the name order and stops after a
// page. It is a read model of its own, beside directory.Directory, because
// re-indexing a supplier's whole text is most of what a capability change
// costs: profiles, read back right after a change, do not wait for it.
// Every event is one statement; it holds no state.
type DirectorySearch struct{}

var _ eventstore.Projection = (*DirectorySearch)(nil)

// Name is the projection's checkpoint name.
func (*DirectorySearch) Name() string { return "directory_search" }

// Reset empties the list (see reset.Tables).
func (*DirectorySearch) Reset(ctx context.Context, tx pgx.Tx) error {
	return reset.Tables(ctx, tx, "directory_search_capabilities", "directory_search")
}

// documentSQL is the full-text document of a supplier row s: its name's
// terms (weight A), then its key products' and its active capabilities'
// titles (B), then the rest of the capabilities' text (C), each in order;
// the CTE caps holds the capabilities, and last the terms of its ward's name
// (D), so that "q=Phường Hoàn Kiếm" finds the firms there, after those that
// name it. nameTerms, keyTerms and wardTerms are SQL expressions, so that a
// statement can index the values it is writing.
//
// The texts are cut at maxTitleChars and maxBodyChars: a tsvector holds at
// most 1 MB, and a supplier at its limits (200 capabilities of 24,000
// characters each) could otherwise make an event the projection can never
// apply. Real firms stay far below (a few thousand characters).
func documentSQL(nameTerms, keyTerms, wardTerms string) string {
	return `setweight(to_tsvector('simple', ` + nameTerms + `), 'A')
  || setweight(to_tsvector('simple', left(concat_ws(' ', ` + keyTerms + `,
       (SELECT string_agg(title_terms, ' ' ORDER BY declared_version) FROM caps)), ` + maxTitleChars + `)), 'B')
  || setweight(to_tsvector('simple', left(coalesce((SELECT string_agg(body_terms, ' ' ORDER BY declared_version) FROM caps), ''), ` +
		maxBodyChars + `)), 'C')
  || setweight(to_tsvector('simple', ` + wardTerms + `), 'D')`
}

// Bounds of a supplier's document texts, in characters: at most 45,000
// words, well under a tsvector's 1 MB even if every one were distinct.
const (
	maxTitleChars = "30000"
	maxBodyChars  = "60000"
)

// refreshListingSQL recomputes what a supplier's ($2) row derives from the
// CTE caps, the capabilities its statement leaves active.
var refreshListingSQL = `
UPDATE directory_search s SET
  capability_count = (SELECT count(*) FROM caps),
  industry_groups = ARRAY(SELECT DISTINCT industry_group FROM caps ORDER BY 1),
  certifications = coalesce((SELECT jsonb_object_agg(k, u) FROM (
    SELECT e.key AS k, max(e.value) AS u FROM caps, jsonb_each_text(caps.certifications) e GROUP BY e.key) x), '{}'),
  document = ` + documentSQL("s.name_terms", "nullif(s.key_product_terms, '')", "s.ward_terms") + `
WHERE s.supplier_id = $2`

// capsColumns are the columns of the CTE caps.
const capsColumns = `industry_group, certifications, title_terms, body_terms, declared_version`

// listedCapsSQL selects the supplier's ($2) active capabilities other than
// the one ($1) the statement changes.
const listedCapsSQL = `SELECT ` + capsColumns + ` FROM directory_search_capabilities WHERE supplier_id = $2 AND id <> $1`

// listCapabilitySQL declares or revises a capability and refreshes its
// supplier's row in one statement; a revision keeps the capability's place.
var listCapabilitySQL = `WITH changed AS (
  INSERT INTO directory_search_capabilities (id, supplier_id, declared_version, industry_group, certifications, title_terms, body_terms)
  VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
  ON CONFLICT (id) DO UPDATE SET industry_group = excluded.industry_group,
    certifications = excluded.certifications, title_terms = excluded.title_terms, body_terms = excluded.body_terms
  RETURNING ` + capsColumns + `),
caps AS (` + listedCapsSQL + ` UNION ALL SELECT * FROM changed)` + refreshListingSQL

// listWithdrawSQL drops a capability from its supplier's row.
var listWithdrawSQL = `WITH gone AS (DELETE FROM directory_search_capabilities WHERE id = $1 AND supplier_id = $2),
caps AS (` + listedCapsSQL + `)` + refreshListingSQL

// supplierCapsSQL is the CTE caps of supplier $1.
const supplierCapsSQL = `WITH caps AS (SELECT ` + capsColumns + ` FROM directory_search_capabilities WHERE supplier_id = $1)`

// reviseListingSQL replaces a supplier's profile fields and re-indexes it.
var reviseListingSQL = supplierCapsSQL + `
UPDATE directory_search s SET name = $2, name_folded = search_fold($2), name_terms = $3, tax_code = $4,
  district = $5, district_folded = search_fold($5), industrial_zone = $6, ownership = $7,
  ward = $8, ward_terms = $9,
  document = ` + documentSQL("$3::text", "nullif(s.key_product_terms, '')", "$9::text") + `
WHERE s.supplier_id = $1`

// keyProductSQL adds a recognition ($2 year, $3 product terms) and
// re-indexes the supplier.
var keyProductSQL = supplierCapsSQL + `
UPDATE directory_search s SET key_product_count = s.key_product_count + 1,
  key_product_years = s.key_product_years || $2::int,
  key_product_terms = concat_ws(' ', nullif(s.key_product_terms, ''), $3::text),
  document = ` + documentSQL("s.name_terms", "nullif(s.key_product_terms, ''), $3::text", "s.ward_terms") + `
WHERE s.supplier_id = $1`

// Apply projects one supplier event; other events are ignored. Like
// directory.Directory's, it depends on nothing but the record.
func (*DirectorySearch) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	var err error
	switch e := r.Event.(type) {
	case supplier.Registered:
		p := e.Registration
		_, err = tx.Exec(ctx, `INSERT INTO directory_search
  (supplier_id, name, name_folded, name_terms, tax_code, district, district_folded, industrial_zone, ownership,
   ward, ward_terms, document)
VALUES ($1, $2, search_fold($2), $3, $4, $5, search_fold($5), $6, $7, $8, $9,
  setweight(to_tsvector('simple', $3), 'A') || setweight(to_tsvector('simple', $9), 'D'))`,
			e.SupplierID, p.Name, terms(p.Name), p.TaxCode, p.District, p.IndustrialZone, string(p.Ownership),
			p.Ward, terms(p.Ward))
	case supplier.ProfileRevised:
		p := e.Registration
		_, err = tx.Exec(ctx, reviseListingSQL, e.SupplierID, p.Name, terms(p.Name), p.TaxCode, p.District,
			p.IndustrialZone, string(p.Ownership), p.Ward, terms(p.Ward))
	case supplier.CapabilityDeclared:
		err = listCapability(ctx, tx, r.Version, e.SupplierID, e.CapabilityID, e.CapabilitySpec)
	case supplier.CapabilityRevised:
		err = listCapability(ctx, tx, r.Version, e.SupplierID, e.CapabilityID, e.CapabilitySpec)
	case supplier.CapabilityWithdrawn:
		_, err = tx.Exec(ctx, listWithdrawSQL, e.CapabilityID, e.SupplierID)
	case supplier.KeyProductRecognised:
		_, err = tx.Exec(ctx, keyProductSQL, e.SupplierID, e.RecognizedYear, terms(e.Product))
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("directory_search: %s: %w", r.Type, err)
	}
	return nil
}

// terms is the search terms of texts (matching.DocumentTerms of each, so
// that no glossary phrase spans two of them), joined by spaces.
func terms(texts ...string) string {
	var all []string
	for _, t := range texts {
		all = append(all, matching.DocumentTerms(t)...)
	}
	return strings.Join(all, " ")
}

// certificationDays maps each key of certs (matching.CertificationKeys) to
// the last day a certificate under it is valid, the latest of them.
func certificationDays(certs []supplier.Certification) map[string]string {
	out := map[string]string{}
	for _, c := range certs {
		day := c.ValidUntil.String()
		for _, k := range matching.CertificationKeys(c.Standard) {
			if day > out[k] {
				out[k] = day
			}
		}
	}
	return out
}

func listCapability(ctx context.Context, tx pgx.Tx, version int64, sid, cid uuid.UUID, c supplier.CapabilitySpec) error {
	body := append(append([]string{c.Description}, c.Processes...), c.Materials...)
	_, err := tx.Exec(ctx, listCapabilitySQL, cid, sid, version, string(c.IndustryGroup),
		certificationDays(c.Certifications), terms(c.Title), terms(body...))
	return err
}

// Querier runs read queries. *pgxpool.Pool, *pgx.Conn and pgx.Tx satisfy it.
// Each query function issues one statement unless it says otherwise, so what
// it returns is one consistent snapshot even on a pool.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

package projections

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
)

// DirectorySearch keeps the supplier list behind GET /v1/suppliers: per
// supplier, what a page shows and filters on (name, district, ownership,
// industry groups, certification keys, counts) and a folded search text, its
// name then the folded text of its active capabilities (title, description,
// processes, materials) in declaration order, under a trigram index. One
// table holds it all, so that a search walks the name order and stops after
// a page. It is a read model of its own, beside Directory, because
// re-indexing a supplier's whole text is most of what a capability change
// costs: profiles, read back right after a change, do not wait for it.
// Every event is one statement; it holds no state.
type DirectorySearch struct{}

var _ eventstore.Projection = (*DirectorySearch)(nil)

// Name is the projection's checkpoint name.
func (*DirectorySearch) Name() string { return "directory_search" }

// Reset empties the list (see reset in directory.go).
func (*DirectorySearch) Reset(ctx context.Context, tx pgx.Tx) error {
	return reset(ctx, tx, "directory_search_capabilities", "directory_search")
}

// capsTextSQL is the folded text of the CTE caps, in declaration order.
const capsTextSQL = `(SELECT string_agg(search_text, ' ' ORDER BY declared_version) FROM caps)`

// refreshListingSQL recomputes what a supplier's ($2) row derives from the
// CTE caps, the capabilities its statement leaves active.
const refreshListingSQL = `
UPDATE directory_search s SET
  capability_count = (SELECT count(*) FROM caps),
  industry_groups = ARRAY(SELECT DISTINCT industry_group FROM caps ORDER BY 1),
  certification_keys = ARRAY(SELECT DISTINCT k FROM caps, unnest(caps.certification_keys) k ORDER BY 1),
  search_text = concat_ws(' ', s.name_folded, ` + capsTextSQL + `)
WHERE s.supplier_id = $2`

// listedCapsSQL selects the supplier's ($2) active capabilities other than
// the one ($1) the statement changes.
const listedCapsSQL = `SELECT industry_group, certification_keys, search_text, declared_version
  FROM directory_search_capabilities WHERE supplier_id = $2 AND id <> $1`

// listCapabilitySQL declares or revises a capability and refreshes its
// supplier's row in one statement; a revision keeps the capability's place.
// The folded text and the certification keys are computed here, in SQL,
// like the query's.
const listCapabilitySQL = `WITH changed AS (
  INSERT INTO directory_search_capabilities (id, supplier_id, declared_version, industry_group, certification_keys, search_text)
  VALUES ($1, $2, $3, $4,
    ARRAY(SELECT DISTINCT certification_key(c->>'standard') FROM jsonb_array_elements($5::jsonb) c ORDER BY 1),
    search_fold(concat_ws(' ', $6::text, $7::text, array_to_string($8::text[], ' '), array_to_string($9::text[], ' '))))
  ON CONFLICT (id) DO UPDATE SET industry_group = excluded.industry_group,
    certification_keys = excluded.certification_keys, search_text = excluded.search_text
  RETURNING industry_group, certification_keys, search_text, declared_version),
caps AS (` + listedCapsSQL + ` UNION ALL SELECT * FROM changed)` + refreshListingSQL

// listWithdrawSQL drops a capability from its supplier's row.
const listWithdrawSQL = `WITH gone AS (DELETE FROM directory_search_capabilities WHERE id = $1 AND supplier_id = $2),
caps AS (` + listedCapsSQL + `)` + refreshListingSQL

// Apply projects one supplier event; other events are ignored. Like
// Directory's, it depends on nothing but the record.
func (*DirectorySearch) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	var err error
	switch e := r.Event.(type) {
	case supplier.Registered:
		p := e.Registration
		_, err = tx.Exec(ctx, `INSERT INTO directory_search
  (supplier_id, name, name_folded, district, district_folded, industrial_zone, ownership, search_text)
VALUES ($1, $2, search_fold($2), $3, search_fold($3), $4, $5, search_fold($2))`,
			e.SupplierID, p.Name, p.District, p.IndustrialZone, string(p.Ownership))
	case supplier.ProfileRevised:
		p := e.Registration
		_, err = tx.Exec(ctx, `WITH caps AS (SELECT search_text, declared_version FROM directory_search_capabilities WHERE supplier_id = $1)
UPDATE directory_search s SET name = $2, name_folded = search_fold($2), district = $3, district_folded = search_fold($3),
  industrial_zone = $4, ownership = $5,
  search_text = concat_ws(' ', search_fold($2), `+capsTextSQL+`)
WHERE s.supplier_id = $1`, e.SupplierID, p.Name, p.District, p.IndustrialZone, string(p.Ownership))
	case supplier.CapabilityDeclared:
		err = listCapability(ctx, tx, r.Version, e.SupplierID, e.CapabilityID, e.CapabilitySpec)
	case supplier.CapabilityRevised:
		err = listCapability(ctx, tx, r.Version, e.SupplierID, e.CapabilityID, e.CapabilitySpec)
	case supplier.CapabilityWithdrawn:
		_, err = tx.Exec(ctx, listWithdrawSQL, e.CapabilityID, e.SupplierID)
	case supplier.KeyProductRecognised:
		_, err = tx.Exec(ctx, `UPDATE directory_search SET key_product_count = key_product_count + 1 WHERE supplier_id = $1`,
			e.SupplierID)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("directory_search: %s: %w", r.Type, err)
	}
	return nil
}

func listCapability(ctx context.Context, tx pgx.Tx, version int64, sid, cid uuid.UUID, c supplier.CapabilitySpec) error {
	certs := c.Certifications
	if certs == nil {
		certs = []supplier.Certification{}
	}
	_, err := tx.Exec(ctx, listCapabilitySQL, cid, sid, version, string(c.IndustryGroup), certs,
		c.Title, c.Description, c.Processes, c.Materials)
	return err
}

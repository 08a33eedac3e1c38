package projections

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
)

// DirectorySearch keeps the directory's search text: per supplier, its
// folded name and the folded text of its active capabilities (title,
// description, processes, materials) in declaration order, under a trigram
// index that serves SearchSuppliers' words. It is a read model of its own,
// beside Directory, because re-indexing a supplier's whole text is most of
// what a capability change costs: profiles, read back right after a change,
// do not wait for it. Every event is one statement; it holds no state.
type DirectorySearch struct{}

var _ eventstore.Projection = (*DirectorySearch)(nil)

// Name is the projection's checkpoint name.
func (*DirectorySearch) Name() string { return "directory_search" }

// Reset empties the search tables (see reset in directory.go).
func (*DirectorySearch) Reset(ctx context.Context, tx pgx.Tx) error {
	return reset(ctx, tx, "directory_search_capabilities", "directory_search")
}

// searchTextSQL recomputes a supplier's ($2) capability text from the CTE
// caps, the capabilities its statement leaves active.
const searchTextSQL = `
UPDATE directory_search s
SET capability_text = coalesce((SELECT string_agg(search_text, ' ' ORDER BY declared_version) FROM caps), '')
WHERE s.supplier_id = $2`

// searchCapabilitySQL declares or revises a capability and refreshes its
// supplier's text in one statement; a revision keeps the capability's place.
const searchCapabilitySQL = `WITH changed AS (
  INSERT INTO directory_search_capabilities (id, supplier_id, declared_version, search_text)
  VALUES ($1, $2, $3, search_fold(concat_ws(' ', $4::text, $5::text, array_to_string($6::text[], ' '), array_to_string($7::text[], ' '))))
  ON CONFLICT (id) DO UPDATE SET search_text = excluded.search_text
  RETURNING search_text, declared_version),
caps AS (SELECT search_text, declared_version FROM directory_search_capabilities WHERE supplier_id = $2 AND id <> $1
  UNION ALL SELECT * FROM changed)` + searchTextSQL

// searchWithdrawSQL drops a capability from its supplier's text.
const searchWithdrawSQL = `WITH gone AS (DELETE FROM directory_search_capabilities WHERE id = $1 AND supplier_id = $2),
caps AS (SELECT search_text, declared_version FROM directory_search_capabilities WHERE supplier_id = $2 AND id <> $1)` +
	searchTextSQL

// Apply projects one supplier event; other events are ignored. Like
// Directory's, it depends on nothing but the record.
func (*DirectorySearch) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	var err error
	switch e := r.Event.(type) {
	case supplier.Registered:
		_, err = tx.Exec(ctx, `INSERT INTO directory_search (supplier_id, name_folded) VALUES ($1, search_fold($2))`,
			e.SupplierID, e.Registration.Name)
	case supplier.ProfileRevised:
		_, err = tx.Exec(ctx, `UPDATE directory_search SET name_folded = search_fold($2) WHERE supplier_id = $1`,
			e.SupplierID, e.Registration.Name)
	case supplier.CapabilityDeclared:
		err = searchCapability(ctx, tx, r.Version, e.SupplierID, e.CapabilityID, e.CapabilitySpec)
	case supplier.CapabilityRevised:
		err = searchCapability(ctx, tx, r.Version, e.SupplierID, e.CapabilityID, e.CapabilitySpec)
	case supplier.CapabilityWithdrawn:
		_, err = tx.Exec(ctx, searchWithdrawSQL, e.CapabilityID, e.SupplierID)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("directory_search: %s: %w", r.Type, err)
	}
	return nil
}

func searchCapability(ctx context.Context, tx pgx.Tx, version int64, sid, cid uuid.UUID, c supplier.CapabilitySpec) error {
	_, err := tx.Exec(ctx, searchCapabilitySQL, cid, sid, version, c.Title, c.Description, c.Processes, c.Materials)
	return err
}

package directory

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/projections/search"
)

// SupplierExport is a supplier as a directory export lists it: the whole
// profile (tax code and contact included, so that the file imports back)
// with its key products and summary counts.
type SupplierExport struct {
	ID              uuid.UUID
	Name            string
	TaxCode         string
	District        string
	Ward            string
	IndustrialZone  string
	Ownership       domain.Ownership
	Employees       *int
	Contact         domain.Contact
	IndustryGroups  []domain.IndustryGroup
	CapabilityCount int
	KeyProducts     []supplier.KeyProduct
}

// ExportSuppliers returns every supplier q finds (its Limit and Cursor are
// ignored), in the order of search.SearchSuppliers, at most max of them;
// more is reported as truncated. The list comes from directory_search, the profiles from
// directory: a supplier the directory has not reached yet is left out.
func ExportSuppliers(ctx context.Context, db Querier, q search.SupplierQuery, max int) (list []SupplierExport, truncated bool, err error) {
	q.Limit, q.Cursor = 100, ""
	var (
		ids     []uuid.UUID
		summary = map[uuid.UUID]search.SupplierSummary{}
	)
	for {
		page, err := search.SearchSuppliers(ctx, db, q)
		if err != nil {
			return nil, false, err
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
			summary[it.ID] = it
		}
		if len(ids) > max {
			ids, truncated = ids[:max], true
			break
		}
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
	}
	rows, err := db.Query(ctx, `SELECT s.id, s.name, s.tax_code, s.district, s.ward, s.industrial_zone, s.ownership, s.employees, s.contact,
  coalesce((SELECT jsonb_agg(jsonb_build_object('product', k.product, 'recognized_year', k.recognized_year,
                                                'decision_no', k.decision_no) ORDER BY k.version)
            FROM directory_key_products k WHERE k.supplier_id = s.id), '[]')
FROM unnest($1::uuid[]) WITH ORDINALITY AS l(id, n) JOIN directory_suppliers s ON s.id = l.id ORDER BY l.n`, ids)
	if err != nil {
		return nil, false, fmt.Errorf("directory: export suppliers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s SupplierExport
		if err := rows.Scan(&s.ID, &s.Name, &s.TaxCode, &s.District, &s.Ward, &s.IndustrialZone, &s.Ownership, &s.Employees, &s.Contact,
			&s.KeyProducts); err != nil {
			return nil, false, fmt.Errorf("directory: export suppliers: %w", err)
		}
		s.IndustryGroups, s.CapabilityCount = summary[s.ID].IndustryGroups, summary[s.ID].CapabilityCount
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("directory: export suppliers: %w", err)
	}
	return list, truncated, nil
}

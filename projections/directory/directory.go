// Package directory is the supplier directory read model: profiles, active
// capabilities and key products, with the queries behind GET
// /v1/suppliers/{id} and the directory export.
package directory

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/reset"
)

// Querier runs read queries. *pgxpool.Pool, *pgx.Conn and pgx.Tx satisfy it.
// Each query function below issues one statement, so what it returns is one
// consistent snapshot even on a pool.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Directory is the supplier directory: profiles, active capabilities and key
// products in directory_* tables, behind GET /v1/suppliers/{id}. The list
// and search of GET /v1/suppliers are search.DirectorySearch's. Every event
// is one statement. It holds no state, so one value may serve any number of projectors, but the
// eventstore never applies two events of one projection concurrently.
type Directory struct{}

var _ eventstore.Projection = (*Directory)(nil)

// Name is the projection's checkpoint name.
func (*Directory) Name() string { return "directory" }

// Reset empties the directory (see reset.Tables).
func (*Directory) Reset(ctx context.Context, tx pgx.Tx) error {
	return reset.Tables(ctx, tx, "directory_key_products", "directory_capabilities", "directory_suppliers")
}

// Apply projects one supplier event; other events are ignored. It writes only
// through tx and depends on nothing but the record, so a rebuild gives the
// same tables as the live projection.
func (d *Directory) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	var err error
	switch e := r.Event.(type) {
	case supplier.Registered:
		err = d.onRegistered(ctx, tx, r.Version, e)
	case supplier.ProfileRevised:
		err = d.onProfileRevised(ctx, tx, r.Version, e)
	case supplier.CapabilityDeclared:
		err = d.onCapability(ctx, tx, r.Version, e.SupplierID, e.CapabilityID, e.CapabilitySpec)
	case supplier.CapabilityRevised:
		err = d.onCapability(ctx, tx, r.Version, e.SupplierID, e.CapabilityID, e.CapabilitySpec)
	case supplier.CapabilityWithdrawn:
		err = d.onCapabilityWithdrawn(ctx, tx, r.Version, e)
	case supplier.KeyProductRecognised:
		err = d.onKeyProductRecognised(ctx, tx, r.Version, e)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("directory: %s: %w", r.Type, err)
	}
	return nil
}

func (*Directory) onRegistered(ctx context.Context, tx pgx.Tx, version int64, e supplier.Registered) error {
	p := e.Registration
	_, err := tx.Exec(ctx, `INSERT INTO directory_suppliers
  (id, name, name_folded, tax_code, district, district_folded, industrial_zone, ownership, employees, contact, version, ward)
VALUES ($1, $2, search_fold($2), $3, $4, search_fold($4), $5, $6, $7, $8::jsonb, $9, $10)`,
		e.SupplierID, p.Name, p.TaxCode, p.District, p.IndustrialZone, string(p.Ownership), p.Employees, p.Contact, version,
		p.Ward)
	return err
}

func (*Directory) onProfileRevised(ctx context.Context, tx pgx.Tx, version int64, e supplier.ProfileRevised) error {
	p := e.Registration
	_, err := tx.Exec(ctx, `UPDATE directory_suppliers SET
  name = $2, name_folded = search_fold($2), tax_code = $3, district = $4, district_folded = search_fold($4),
  industrial_zone = $5, ownership = $6, employees = $7, contact = $8::jsonb, version = $9, ward = $10
WHERE id = $1`,
		e.SupplierID, p.Name, p.TaxCode, p.District, p.IndustrialZone, string(p.Ownership), p.Employees, p.Contact, version,
		p.Ward)
	return err
}

// upsertCapabilitySQL declares a capability or replaces one; a revision
// keeps the capability's place (declared_version).
const upsertCapabilitySQL = `INSERT INTO directory_capabilities
  (id, supplier_id, declared_version, title, description, industry_group, vsic, hs_codes, processes, materials,
   certifications, capacity_quantity, capacity_unit, capacity_per, moq, lead_time_days, export_markets)
SELECT $1, $2, $3, $4, $5, $6, $7, coalesce($8::text[], '{}'), coalesce($9::text[], '{}'), coalesce($10::text[], '{}'),
  $11::jsonb, $12, $13, $14, $15, $16, coalesce($17::text[], '{}')
ON CONFLICT (id) DO UPDATE SET
  title = excluded.title, description = excluded.description, industry_group = excluded.industry_group,
  vsic = excluded.vsic, hs_codes = excluded.hs_codes, processes = excluded.processes, materials = excluded.materials,
  certifications = excluded.certifications,
  capacity_quantity = excluded.capacity_quantity, capacity_unit = excluded.capacity_unit,
  capacity_per = excluded.capacity_per, moq = excluded.moq, lead_time_days = excluded.lead_time_days,
  export_markets = excluded.export_markets`

// capabilitySQL declares or revises a capability and sets its supplier's
// version ($3) in one statement.
const capabilitySQL = `WITH changed AS (` + upsertCapabilitySQL + `)
UPDATE directory_suppliers SET version = $3 WHERE id = $2`

// withdrawSQL deletes a capability and sets its supplier's version in one
// statement.
const withdrawSQL = `WITH gone AS (DELETE FROM directory_capabilities WHERE id = $1 AND supplier_id = $2)
UPDATE directory_suppliers SET version = $3 WHERE id = $2`

func (*Directory) onCapability(ctx context.Context, tx pgx.Tx, version int64, sid, cid uuid.UUID, c supplier.CapabilitySpec) error {
	certs := c.Certifications
	if certs == nil {
		certs = []supplier.Certification{}
	}
	_, err := tx.Exec(ctx, capabilitySQL, cid, sid, version, c.Title, c.Description, string(c.IndustryGroup),
		c.VSIC, c.HSCodes, c.Processes, c.Materials, certs, c.Capacity.Quantity, string(c.Capacity.Unit),
		c.Capacity.Per, c.MOQ, c.LeadTimeDays, c.ExportMarkets)
	return err
}

func (*Directory) onCapabilityWithdrawn(ctx context.Context, tx pgx.Tx, version int64, e supplier.CapabilityWithdrawn) error {
	_, err := tx.Exec(ctx, withdrawSQL, e.CapabilityID, e.SupplierID, version)
	return err
}

func (*Directory) onKeyProductRecognised(ctx context.Context, tx pgx.Tx, version int64, e supplier.KeyProductRecognised) error {
	k := e.KeyProduct
	_, err := tx.Exec(ctx, `WITH recognised AS (
  INSERT INTO directory_key_products (supplier_id, version, product, recognized_year, decision_no)
  VALUES ($1, $2, $3, $4, $5))
UPDATE directory_suppliers SET version = $2 WHERE id = $1`,
		e.SupplierID, version, k.Product, k.RecognizedYear, k.DecisionNo)
	return err
}

// Supplier is a supplier's profile as GET /v1/suppliers/{id} answers it.
// Lists are never nil, so they encode as [] rather than null.
type Supplier struct {
	ID             uuid.UUID             `json:"id"`
	Name           string                `json:"name"`
	TaxCode        string                `json:"tax_code"`
	District       string                `json:"district"`
	Ward           string                `json:"ward"`
	IndustrialZone string                `json:"industrial_zone"`
	Ownership      domain.Ownership      `json:"ownership"`
	Employees      *int                  `json:"employees"`
	Contact        domain.Contact        `json:"contact"`
	Capabilities   []Capability          `json:"capabilities"`
	KeyProducts    []supplier.KeyProduct `json:"key_products"`
	Version        int64                 `json:"version"`
}

// Capability is one active capability of a supplier, in declaration order.
type Capability struct {
	ID             uuid.UUID                `json:"id"`
	Title          string                   `json:"title"`
	Description    string                   `json:"description"`
	IndustryGroup  domain.IndustryGroup     `json:"industry_group"`
	VSIC           string                   `json:"vsic"`
	HSCodes        []string                 `json:"hs_codes"`
	Processes      []string                 `json:"processes"`
	Materials      []string                 `json:"materials"`
	Certifications []supplier.Certification `json:"certifications"`
	Capacity       domain.Rate              `json:"capacity"`
	MOQ            *float64                 `json:"moq"`
	LeadTimeDays   int                      `json:"lead_time_days"`
	ExportMarkets  []string                 `json:"export_markets"`
}

// capabilityJSON builds a Capability's JSON from a directory_capabilities
// row c.
const capabilityJSON = `jsonb_build_object('id', c.id, 'title', c.title, 'description', c.description,
  'industry_group', c.industry_group, 'vsic', c.vsic, 'hs_codes', c.hs_codes, 'processes', c.processes,
  'materials', c.materials, 'certifications', c.certifications,
  'capacity', jsonb_build_object('quantity', c.capacity_quantity, 'unit', c.capacity_unit, 'per', c.capacity_per),
  'moq', c.moq, 'lead_time_days', c.lead_time_days, 'export_markets', c.export_markets)`

// GetSupplier returns a supplier with its active capabilities and key
// products; an unknown id is an error wrapping domain.ErrNotFound.
func GetSupplier(ctx context.Context, db Querier, id uuid.UUID) (Supplier, error) {
	var s Supplier
	err := db.QueryRow(ctx, `SELECT s.id, s.name, s.tax_code, s.district, s.ward, s.industrial_zone, s.ownership, s.employees,
  s.contact, s.version,
  coalesce((SELECT jsonb_agg(`+capabilityJSON+` ORDER BY c.declared_version)
            FROM directory_capabilities c WHERE c.supplier_id = s.id), '[]'),
  coalesce((SELECT jsonb_agg(jsonb_build_object('product', k.product, 'recognized_year', k.recognized_year,
                                                'decision_no', k.decision_no) ORDER BY k.version)
            FROM directory_key_products k WHERE k.supplier_id = s.id), '[]')
FROM directory_suppliers s WHERE s.id = $1`, id).Scan(&s.ID, &s.Name, &s.TaxCode, &s.District, &s.Ward, &s.IndustrialZone,
		&s.Ownership, &s.Employees, &s.Contact, &s.Version, &s.Capabilities, &s.KeyProducts)
	if errors.Is(err, pgx.ErrNoRows) {
		return Supplier{}, domain.Errorf(domain.ErrNotFound, "supplier %s not found", id)
	}
	if err != nil {
		return Supplier{}, fmt.Errorf("directory: get supplier: %w", err)
	}
	s.Capabilities = nonNil(s.Capabilities)
	s.KeyProducts = nonNil(s.KeyProducts)
	for i := range s.Capabilities {
		c := &s.Capabilities[i]
		c.HSCodes, c.Processes, c.Materials = nonNil(c.HSCodes), nonNil(c.Processes), nonNil(c.Materials)
		c.Certifications, c.ExportMarkets = nonNil(c.Certifications), nonNil(c.ExportMarkets)
	}
	return s, nil
}

// SupplierVersion returns the supplier stream's version the directory has
// reached; an unknown id is an error wrapping domain.ErrNotFound.
func SupplierVersion(ctx context.Context, db Querier, id uuid.UUID) (int64, error) {
	var v int64
	err := db.QueryRow(ctx, `SELECT version FROM directory_suppliers WHERE id = $1`, id).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, domain.Errorf(domain.ErrNotFound, "supplier %s not found", id)
	}
	if err != nil {
		return 0, fmt.Errorf("directory: supplier version: %w", err)
	}
	return v, nil
}

// nonNil turns a nil slice into an empty one, so that it encodes as [].
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

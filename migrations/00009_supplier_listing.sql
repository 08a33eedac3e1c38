-- The directory's list and search move whole to the directory_search read
-- model: it keeps, per supplier, what a page of GET /v1/suppliers shows and
-- filters on, with the folded text, in one table.
--
-- With only the text there (00007), a search joined it to
-- directory_suppliers and could no longer walk the name order and stop
-- after a page: under load a search cost 5-9 ms of PostgreSQL time instead
-- of 1-3. The directory keeps profiles, capabilities and key products; the
-- columns and indexes that served only the list leave it, so a capability
-- change there is an upsert and a version bump.
--
-- directory_search is emptied and its checkpoint reset: keylink serve
-- replays the supplier events into it when it starts (a catch-up pass, about
-- a second for the city's data). Meanwhile a search may miss suppliers.

-- +goose Up
SELECT 1 FROM projection_checkpoints WHERE name = 'directory_search' FOR UPDATE;
DROP TABLE directory_search;
DROP TABLE directory_search_capabilities;

CREATE TABLE directory_search (
    supplier_id        uuid   PRIMARY KEY,
    name               text   NOT NULL,
    -- Sort key of the list; "C" so that the order (and the cursors that
    -- encode it) does not depend on the database's locale.
    name_folded        text   COLLATE "C" NOT NULL,
    district           text   NOT NULL,
    district_folded    text   NOT NULL,
    industrial_zone    text   NOT NULL DEFAULT '',
    ownership          text   NOT NULL,
    key_product_count  int    NOT NULL DEFAULT 0,
    capability_count   int    NOT NULL DEFAULT 0,
    industry_groups    text[] NOT NULL DEFAULT '{}', -- distinct, sorted, active capabilities
    certification_keys text[] NOT NULL DEFAULT '{}', -- certification_key of active capabilities' standards
    search_text        text   NOT NULL               -- folded name, then active capabilities' texts in order
);
CREATE INDEX directory_search_order ON directory_search (name_folded, supplier_id);
CREATE INDEX directory_search_text ON directory_search USING gin (search_text gin_trgm_ops);
CREATE INDEX directory_search_groups ON directory_search USING gin (industry_groups);
CREATE INDEX directory_search_certifications ON directory_search USING gin (certification_keys);
CREATE INDEX directory_search_district ON directory_search (district_folded);

CREATE TABLE directory_search_capabilities (
    id                 uuid   PRIMARY KEY,
    supplier_id        uuid   NOT NULL,
    declared_version   bigint NOT NULL, -- the capability's place, kept across revisions
    industry_group     text   NOT NULL,
    certification_keys text[] NOT NULL,
    search_text        text   NOT NULL  -- folded title, description, processes, materials
);
CREATE INDEX directory_search_capabilities_supplier ON directory_search_capabilities (supplier_id, declared_version);

UPDATE projection_checkpoints SET transaction_id = '0', global_position = 0, updated_at = now()
WHERE name = 'directory_search';

SELECT 1 FROM projection_checkpoints WHERE name = 'directory' FOR UPDATE;
DROP INDEX directory_suppliers_order;
DROP INDEX directory_suppliers_groups;
DROP INDEX directory_suppliers_certifications;
DROP INDEX directory_suppliers_district;
DROP INDEX directory_capabilities_group;
ALTER TABLE directory_suppliers DROP COLUMN capability_count, DROP COLUMN key_product_count,
    DROP COLUMN industry_groups, DROP COLUMN certification_keys;
ALTER TABLE directory_capabilities DROP COLUMN certification_keys;

-- +goose Down
SELECT 1 FROM projection_checkpoints WHERE name = 'directory' FOR UPDATE;
ALTER TABLE directory_capabilities ADD COLUMN certification_keys text[] NOT NULL DEFAULT '{}';
UPDATE directory_capabilities c SET certification_keys =
    ARRAY(SELECT DISTINCT certification_key(x->>'standard') FROM jsonb_array_elements(c.certifications) x ORDER BY 1);
ALTER TABLE directory_suppliers ADD COLUMN capability_count int NOT NULL DEFAULT 0,
    ADD COLUMN key_product_count int NOT NULL DEFAULT 0,
    ADD COLUMN industry_groups text[] NOT NULL DEFAULT '{}',
    ADD COLUMN certification_keys text[] NOT NULL DEFAULT '{}';
UPDATE directory_suppliers s SET
    capability_count = (SELECT count(*) FROM directory_capabilities c WHERE c.supplier_id = s.id),
    key_product_count = (SELECT count(*) FROM directory_key_products k WHERE k.supplier_id = s.id),
    industry_groups = ARRAY(SELECT DISTINCT c.industry_group FROM directory_capabilities c WHERE c.supplier_id = s.id ORDER BY 1),
    certification_keys = ARRAY(SELECT DISTINCT k FROM directory_capabilities c, unnest(c.certification_keys) k
                               WHERE c.supplier_id = s.id ORDER BY 1);
CREATE INDEX directory_suppliers_order ON directory_suppliers (name_folded, id);
CREATE INDEX directory_suppliers_groups ON directory_suppliers USING gin (industry_groups);
CREATE INDEX directory_suppliers_certifications ON directory_suppliers USING gin (certification_keys);
CREATE INDEX directory_suppliers_district ON directory_suppliers (district_folded);
CREATE INDEX directory_capabilities_group ON directory_capabilities (industry_group);

DROP TABLE directory_search;
DROP TABLE directory_search_capabilities;
CREATE TABLE directory_search_capabilities (
    id               uuid   PRIMARY KEY,
    supplier_id      uuid   NOT NULL,
    declared_version bigint NOT NULL,
    search_text      text   NOT NULL
);
CREATE INDEX directory_search_capabilities_supplier ON directory_search_capabilities (supplier_id, declared_version);
CREATE TABLE directory_search (
    supplier_id     uuid PRIMARY KEY,
    name_folded     text NOT NULL,
    capability_text text NOT NULL DEFAULT '',
    search_text     text GENERATED ALWAYS AS (name_folded || ' ' || capability_text) STORED
);
CREATE INDEX directory_search_text ON directory_search USING gin (search_text gin_trgm_ops);
UPDATE projection_checkpoints SET transaction_id = '0', global_position = 0, updated_at = now()
WHERE name = 'directory_search';

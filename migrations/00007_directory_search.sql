-- The directory's full-text search becomes a read model of its own,
-- maintained by the directory_search projection (projections/search.go).
--
-- Re-indexing a supplier's whole search text (its name and every active
-- capability) in the trigram index is most of what a capability change
-- costs the directory: measured under load, 0.57 ms of the statement's
-- PostgreSQL time, against 0.25 ms without that index. Profiles, which a
-- client reads back right after its own change, no longer wait for it; a
-- search with ?after= waits for both read models.
--
-- Existing rows move over as they are, with the directory's checkpoint, so
-- no rebuild is needed. The directory's checkpoint row is locked first: a
-- server still running the old code cannot apply an event between the
-- copies (its directory projection waits, then fails on the dropped
-- columns until it is replaced).

-- +goose Up
SELECT 1 FROM projection_checkpoints WHERE name = 'directory' FOR UPDATE;
CREATE TABLE directory_search_capabilities (
    id               uuid   PRIMARY KEY,
    supplier_id      uuid   NOT NULL,
    declared_version bigint NOT NULL, -- the capability's place, as in directory_capabilities
    search_text      text   NOT NULL  -- folded title, description, processes, materials
);
CREATE INDEX directory_search_capabilities_supplier ON directory_search_capabilities (supplier_id, declared_version);

CREATE TABLE directory_search (
    supplier_id     uuid PRIMARY KEY,
    name_folded     text NOT NULL,
    capability_text text NOT NULL DEFAULT '', -- folded text of active capabilities, in their order
    search_text     text GENERATED ALWAYS AS (name_folded || ' ' || capability_text) STORED
);
CREATE INDEX directory_search_text ON directory_search USING gin (search_text gin_trgm_ops);

INSERT INTO directory_search_capabilities (id, supplier_id, declared_version, search_text)
SELECT id, supplier_id, declared_version, search_text FROM directory_capabilities;
INSERT INTO directory_search (supplier_id, name_folded, capability_text)
SELECT id, name_folded, capability_text FROM directory_suppliers;
INSERT INTO projection_checkpoints (name, transaction_id, global_position, updated_at)
SELECT 'directory_search', transaction_id, global_position, updated_at FROM projection_checkpoints WHERE name = 'directory'
ON CONFLICT (name) DO NOTHING;

DROP INDEX directory_suppliers_search;
ALTER TABLE directory_suppliers DROP COLUMN search_text;
ALTER TABLE directory_suppliers DROP COLUMN capability_text;
ALTER TABLE directory_capabilities DROP COLUMN search_text;

-- +goose Down
-- The texts are computed again from the directory's own rows, as 00003's
-- directory did: directory_search may be behind the directory.
ALTER TABLE directory_capabilities ADD COLUMN search_text text NOT NULL DEFAULT '';
UPDATE directory_capabilities SET search_text = search_fold(concat_ws(' ', title, description,
    array_to_string(processes, ' '), array_to_string(materials, ' ')));
ALTER TABLE directory_capabilities ALTER COLUMN search_text DROP DEFAULT;
ALTER TABLE directory_suppliers ADD COLUMN capability_text text NOT NULL DEFAULT '';
UPDATE directory_suppliers d SET capability_text = coalesce((SELECT string_agg(c.search_text, ' ' ORDER BY c.declared_version)
    FROM directory_capabilities c WHERE c.supplier_id = d.id), '');
ALTER TABLE directory_suppliers ADD COLUMN search_text text GENERATED ALWAYS AS (name_folded || ' ' || capability_text) STORED;
CREATE INDEX directory_suppliers_search ON directory_suppliers USING gin (search_text gin_trgm_ops);
DELETE FROM projection_checkpoints WHERE name = 'directory_search';
DROP TABLE directory_search;
DROP TABLE directory_search_capabilities;

-- Searches that find: the supplier list, the buyer list and the demand board
-- compare words, not substrings, and put the most relevant first.
--
-- Texts are indexed as full-text documents (tsvector, 'simple'
-- configuration) of terms the projections compute in Go
-- (matching.DocumentTerms: folded Vietnamese, English plurals and spelling
-- variants, glossary translations), weighted A (names), B (key products,
-- capability and demand titles, parent groups) and C (other text). A query
-- is the AND of its terms (matching.QueryTerms), ranked by ts_rank.
--
-- directory_search also keeps the tax code, the key products' years and
-- text, and, per certification key (matching.CertificationKeys: the base
-- standard and, with an edition, the standard with it), the last day a
-- certificate under it is valid, so that a search finds only certificates
-- valid on the day it runs.
--
-- Both read models are emptied and their checkpoints reset: keylink serve
-- replays their events when it starts (a catch-up pass, about a second for
-- the city's data). Meanwhile lists and buyer profiles may miss rows.

-- +goose Up
SELECT 1 FROM projection_checkpoints WHERE name IN ('directory_search', 'board') ORDER BY name FOR UPDATE;
DROP TABLE directory_search;
DROP TABLE directory_search_capabilities;

CREATE TABLE directory_search (
    supplier_id        uuid     PRIMARY KEY,
    name               text     NOT NULL,
    -- Sort key of the list; "C" so that the order (and the cursors that
    -- encode it) does not depend on the database's locale.
    name_folded        text     COLLATE "C" NOT NULL,
    name_terms         text     NOT NULL,
    tax_code           text     NOT NULL,
    district           text     NOT NULL,
    district_folded    text     NOT NULL,
    industrial_zone    text     NOT NULL DEFAULT '',
    ownership          text     NOT NULL,
    key_product_count  int      NOT NULL DEFAULT 0,
    key_product_years  int[]    NOT NULL DEFAULT '{}', -- one per recognition, in order
    key_product_terms  text     NOT NULL DEFAULT '',   -- terms of the recognised products, in order
    capability_count   int      NOT NULL DEFAULT 0,
    industry_groups    text[]   NOT NULL DEFAULT '{}', -- distinct, sorted, active capabilities
    -- Certification key -> last valid day (YYYY-MM-DD), the latest among
    -- active capabilities.
    certifications     jsonb    NOT NULL DEFAULT '{}',
    document           tsvector NOT NULL
);
CREATE INDEX directory_search_order ON directory_search (name_folded, supplier_id);
CREATE INDEX directory_search_document ON directory_search USING gin (document);
CREATE INDEX directory_search_groups ON directory_search USING gin (industry_groups);
CREATE INDEX directory_search_certifications ON directory_search USING gin (certifications);
CREATE INDEX directory_search_district ON directory_search (district_folded);
CREATE INDEX directory_search_tax_code ON directory_search (tax_code);

CREATE TABLE directory_search_capabilities (
    id               uuid   PRIMARY KEY,
    supplier_id      uuid   NOT NULL,
    declared_version bigint NOT NULL, -- the capability's place, kept across revisions
    industry_group   text   NOT NULL,
    certifications   jsonb  NOT NULL, -- certification key -> last valid day
    title_terms      text   NOT NULL,
    body_terms       text   NOT NULL  -- description, processes, materials
);
CREATE INDEX directory_search_capabilities_supplier ON directory_search_capabilities (supplier_id, declared_version);

DELETE FROM board_demands;
DELETE FROM board_buyers;
ALTER TABLE board_buyers
    ADD COLUMN name_folded text     COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN document    tsvector NOT NULL DEFAULT '';
ALTER TABLE board_demands
    ADD COLUMN certification_keys text[]   NOT NULL DEFAULT '{}', -- keys of required_certifications
    ADD COLUMN document           tsvector NOT NULL DEFAULT '';
CREATE INDEX board_buyers_order ON board_buyers (name_folded, id);
CREATE INDEX board_buyers_document ON board_buyers USING gin (document);
CREATE INDEX board_demands_board ON board_demands (id) WHERE status = 'open';
CREATE INDEX board_demands_document ON board_demands USING gin (document) WHERE status = 'open';

UPDATE projection_checkpoints SET transaction_id = '0', global_position = 0, updated_at = now()
WHERE name IN ('directory_search', 'board');

-- +goose Down
SELECT 1 FROM projection_checkpoints WHERE name IN ('directory_search', 'board') ORDER BY name FOR UPDATE;
DROP INDEX board_demands_document;
DROP INDEX board_demands_board;
DROP INDEX board_buyers_document;
DROP INDEX board_buyers_order;
ALTER TABLE board_demands DROP COLUMN certification_keys, DROP COLUMN document;
ALTER TABLE board_buyers DROP COLUMN name_folded, DROP COLUMN document;

DROP TABLE directory_search;
DROP TABLE directory_search_capabilities;
CREATE TABLE directory_search (
    supplier_id        uuid   PRIMARY KEY,
    name               text   NOT NULL,
    name_folded        text   COLLATE "C" NOT NULL,
    district           text   NOT NULL,
    district_folded    text   NOT NULL,
    industrial_zone    text   NOT NULL DEFAULT '',
    ownership          text   NOT NULL,
    key_product_count  int    NOT NULL DEFAULT 0,
    capability_count   int    NOT NULL DEFAULT 0,
    industry_groups    text[] NOT NULL DEFAULT '{}',
    certification_keys text[] NOT NULL DEFAULT '{}',
    search_text        text   NOT NULL
);
CREATE INDEX directory_search_order ON directory_search (name_folded, supplier_id);
CREATE INDEX directory_search_text ON directory_search USING gin (search_text gin_trgm_ops);
CREATE INDEX directory_search_groups ON directory_search USING gin (industry_groups);
CREATE INDEX directory_search_certifications ON directory_search USING gin (certification_keys);
CREATE INDEX directory_search_district ON directory_search (district_folded);
CREATE TABLE directory_search_capabilities (
    id                 uuid   PRIMARY KEY,
    supplier_id        uuid   NOT NULL,
    declared_version   bigint NOT NULL,
    industry_group     text   NOT NULL,
    certification_keys text[] NOT NULL,
    search_text        text   NOT NULL
);
CREATE INDEX directory_search_capabilities_supplier ON directory_search_capabilities (supplier_id, declared_version);
UPDATE projection_checkpoints SET transaction_id = '0', global_position = 0, updated_at = now()
WHERE name = 'directory_search';

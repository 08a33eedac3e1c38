-- Read models behind the supplier and buyer GET endpoints: the supplier
-- directory and the demand board. Written only by the projections in
-- projections/ (inside the projector's transaction), rebuilt from events at
-- will, so nothing here is a source of truth.

-- +goose Up

-- search_fold is the one way text is folded for search, used both when a row
-- is written and on the query: lower case, Vietnamese (and other) diacritics
-- removed by unaccent (its rules cover every Vietnamese letter, precomposed or
-- decomposed, and đ/Đ), whitespace collapsed. The SQL-standard body binds
-- public.unaccent at creation, so callers' search_path does not matter. It is
-- STABLE like unaccent, not IMMUTABLE: that lets the planner inline it, which
-- matters because the projections call it in one-row statements where a
-- non-inlined SQL function is planned again on every execution (measured: 3x
-- slower). Folded values are stored in columns, never in expression indexes.
CREATE FUNCTION search_fold(t text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, t)), '\s+', ' ', 'g'));

-- certification_key makes "ISO 9001", "iso9001" and "ISO  9001" one key.
CREATE FUNCTION certification_key(t text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN replace(search_fold(t), ' ', '');

-- One row per registered supplier. The capability-derived columns are
-- denormalised here so that a directory page is read from this table alone.
CREATE TABLE directory_suppliers (
    id                uuid        PRIMARY KEY,
    name              text        NOT NULL,
    -- Sort key of the directory; "C" so that the order (and the cursors that
    -- encode it) does not depend on the database's locale.
    name_folded       text        COLLATE "C" NOT NULL,
    tax_code          text        NOT NULL,
    district          text        NOT NULL,
    district_folded   text        NOT NULL,
    industrial_zone   text        NOT NULL DEFAULT '',
    ownership         text        NOT NULL,
    employees         int,
    contact           jsonb       NOT NULL,
    -- The supplier stream's version after the last event applied (ETag).
    version           bigint      NOT NULL,
    capability_count  int         NOT NULL DEFAULT 0,
    key_product_count int         NOT NULL DEFAULT 0,
    industry_groups   text[]      NOT NULL DEFAULT '{}', -- distinct, sorted, active capabilities
    certification_keys text[]     NOT NULL DEFAULT '{}', -- certification_key of active capabilities' standards
    capability_text   text        NOT NULL DEFAULT '',   -- folded text of active capabilities
    search_text       text        GENERATED ALWAYS AS (name_folded || ' ' || capability_text) STORED
);
CREATE INDEX directory_suppliers_order ON directory_suppliers (name_folded, id);
CREATE INDEX directory_suppliers_search ON directory_suppliers USING gin (search_text gin_trgm_ops);
CREATE INDEX directory_suppliers_groups ON directory_suppliers USING gin (industry_groups);
CREATE INDEX directory_suppliers_certifications ON directory_suppliers USING gin (certification_keys);
CREATE INDEX directory_suppliers_district ON directory_suppliers (district_folded);

-- Active capabilities only: a withdrawal deletes the row.
CREATE TABLE directory_capabilities (
    id                 uuid    PRIMARY KEY,
    supplier_id        uuid    NOT NULL,
    -- Stream version of the declaring event: the capability's place in the
    -- supplier's list, kept across revisions.
    declared_version   bigint  NOT NULL,
    title              text    NOT NULL,
    description        text    NOT NULL DEFAULT '',
    industry_group     text    NOT NULL,
    vsic               text    NOT NULL DEFAULT '',
    hs_codes           text[]  NOT NULL DEFAULT '{}',
    processes          text[]  NOT NULL DEFAULT '{}',
    materials          text[]  NOT NULL DEFAULT '{}',
    certifications     jsonb   NOT NULL DEFAULT '[]', -- [{"standard", "valid_until"}]
    certification_keys text[]  NOT NULL DEFAULT '{}',
    capacity_quantity  float8  NOT NULL,
    capacity_unit      text    NOT NULL,
    capacity_per       text    NOT NULL,
    moq                float8,
    lead_time_days     int     NOT NULL,
    export_markets     text[]  NOT NULL DEFAULT '{}',
    search_text        text    NOT NULL -- folded title, description, processes, materials
);
CREATE INDEX directory_capabilities_supplier ON directory_capabilities (supplier_id, declared_version);
CREATE INDEX directory_capabilities_group ON directory_capabilities (industry_group);

CREATE TABLE directory_key_products (
    supplier_id     uuid    NOT NULL,
    version         bigint  NOT NULL, -- stream version of the recognition
    product         text    NOT NULL,
    recognized_year int     NOT NULL,
    decision_no     text    NOT NULL,
    PRIMARY KEY (supplier_id, version)
);

CREATE TABLE board_buyers (
    id           uuid    PRIMARY KEY,
    name         text    NOT NULL,
    country      text    NOT NULL,
    parent_group text    NOT NULL DEFAULT '',
    district     text    NOT NULL DEFAULT '',
    contact      jsonb   NOT NULL,
    version      bigint  NOT NULL -- the buyer stream's version (ETag)
);

-- Every demand ever posted, open or closed.
CREATE TABLE board_demands (
    id                      uuid    PRIMARY KEY,
    buyer_id                uuid    NOT NULL,
    posted_version          bigint  NOT NULL, -- place in the buyer's list
    status                  text    NOT NULL CHECK (status IN ('open', 'fulfilled', 'cancelled')),
    title                   text    NOT NULL,
    description             text    NOT NULL DEFAULT '',
    industry_group          text    NOT NULL,
    vsic                    text    NOT NULL DEFAULT '',
    hs_codes                text[]  NOT NULL DEFAULT '{}',
    processes               text[]  NOT NULL DEFAULT '{}',
    materials               text[]  NOT NULL DEFAULT '{}',
    required_certifications text[]  NOT NULL DEFAULT '{}',
    volume_quantity         float8  NOT NULL,
    volume_unit             text    NOT NULL,
    volume_per              text    NOT NULL,
    max_lead_time_days      int,
    needed_by               date
);
CREATE INDEX board_demands_buyer ON board_demands (buyer_id, posted_version);
CREATE INDEX board_demands_open ON board_demands (industry_group) WHERE status = 'open';

-- +goose Down
DROP TABLE board_demands;
DROP TABLE board_buyers;
DROP TABLE directory_key_products;
DROP TABLE directory_capabilities;
DROP TABLE directory_suppliers;
DROP FUNCTION certification_key(text);
DROP FUNCTION search_fold(text);

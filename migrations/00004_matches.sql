-- Match lists behind GET /v1/demands/{did}/matches and
-- GET /v1/suppliers/{id}/matches. Written only by the matches projection
-- (projections/matches.go) inside the projector's transaction and rebuilt
-- from events at will; it reads no other projection's tables, so it
-- checkpoints on its own. docs/matching.md ("The projection") explains it.

-- +goose Up

-- The matching inputs: what Score needs of each supplier, capability, buyer
-- and demand, as the events gave it. The projection reads them whole when it
-- (re)loads its in-memory index and never queries them per event.
CREATE TABLE match_suppliers (
    id              uuid PRIMARY KEY,
    name            text NOT NULL,
    district        text NOT NULL,
    industrial_zone text NOT NULL DEFAULT '',
    key_products    int  NOT NULL DEFAULT 0 -- recognitions, all years
);

-- Active capabilities only: a withdrawal deletes the row.
CREATE TABLE match_capabilities (
    id             uuid  PRIMARY KEY,
    supplier_id    uuid  NOT NULL,
    industry_group text  NOT NULL,
    spec           jsonb NOT NULL -- supplier.CapabilitySpec, as in the event
);

CREATE TABLE match_buyers (
    id       uuid PRIMARY KEY,
    name     text NOT NULL,
    country  text NOT NULL,
    district text NOT NULL DEFAULT ''
);

-- Every demand ever posted: a closed one stays, so that its (empty) list can
-- be told from an unknown demand.
CREATE TABLE match_demands (
    id             uuid    PRIMARY KEY,
    buyer_id       uuid    NOT NULL,
    industry_group text    NOT NULL,
    spec           jsonb   NOT NULL, -- buyer.DemandSpec, as in the event
    closed         boolean NOT NULL DEFAULT false,
    -- The stored list holds every supplier that passes the filters (true),
    -- or only the best ones, every one of them ranked above any supplier
    -- left out (false).
    list_complete  boolean NOT NULL DEFAULT true
);

-- One row per open demand and supplier in the demand's stored list: the
-- supplier's best capability (BestPerSupplier), scored and explained.
CREATE TABLE matches (
    demand_id     uuid     NOT NULL,
    supplier_id   uuid     NOT NULL,
    capability_id uuid     NOT NULL,
    buyer_id      uuid     NOT NULL,
    score         smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
    -- Last day the certification filter holds when the demand has no
    -- needed_by (it was checked against the day of the event that scored
    -- the pair); NULL when the pair does not expire. Reads skip rows before
    -- their day.
    expires_on    date,
    reasons       jsonb    NOT NULL,
    gaps          jsonb    NOT NULL,
    -- Among the first 100 of the demand's stored list, the most a buyer is
    -- shown: the supplier's own list holds these rows only.
    shown         boolean  NOT NULL,
    PRIMARY KEY (demand_id, supplier_id)
);
CREATE INDEX matches_supplier ON matches (supplier_id) WHERE shown;

-- A counter the projection bumps in every transaction it applies events in,
-- and compares with its in-memory copy: a mismatch means its memory holds
-- writes that were rolled back, or another process moved the tables, and it
-- reloads them.
CREATE TABLE matches_generation (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    generation bigint  NOT NULL
);
INSERT INTO matches_generation (generation) VALUES (0);

-- +goose Down
DROP TABLE matches_generation;
DROP TABLE matches;
DROP TABLE match_demands;
DROP TABLE match_buyers;
DROP TABLE match_capabilities;
DROP TABLE match_suppliers;

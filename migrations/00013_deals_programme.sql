-- Read model of deals, support records and exchange-rate tables
-- (projections/programme.go), behind /v1/deals and the programme report.
-- Written only by the Programme projection inside the projector's
-- transaction and rebuilt from events at will.

-- +goose Up

CREATE TABLE deals (
    id                uuid        PRIMARY KEY,
    supplier_id       uuid        NOT NULL,
    buyer_id          uuid        NOT NULL,
    demand_id         uuid,
    stage             text        NOT NULL,
    -- The value given with the latest stage change that carried one.
    value_minor       bigint,
    currency          text,
    -- The contract, while the deal is at the contract stage.
    contract_on       date,
    contract_minor    bigint,
    contract_currency text,
    meeting_ids       uuid[]      NOT NULL DEFAULT '{}',
    opened_at         timestamptz NOT NULL,
    -- When the last command changed the deal (from the events' own times).
    updated_at        timestamptz NOT NULL,
    version           bigint      NOT NULL
);
CREATE INDEX deals_supplier ON deals (supplier_id, id);
CREATE INDEX deals_buyer ON deals (buyer_id, id);
CREATE INDEX deals_updated ON deals (updated_at);

-- Every change of a deal, oldest first.
CREATE TABLE deal_history (
    deal_id     uuid        NOT NULL,
    version     bigint      NOT NULL,
    kind        text        NOT NULL, -- opened | stage | meeting | mou
    stage       text        NOT NULL DEFAULT '',
    value_minor bigint,
    currency    text,
    on_date     date,
    note        text        NOT NULL DEFAULT '',
    event_id    uuid,
    meeting_id  uuid,
    result      text        NOT NULL DEFAULT '',
    by_firm     uuid,
    at          timestamptz NOT NULL,
    PRIMARY KEY (deal_id, version)
);
CREATE INDEX deal_history_mou ON deal_history (on_date) WHERE kind = 'mou';

CREATE TABLE programme_support (
    id          uuid        PRIMARY KEY,
    supplier_id uuid        NOT NULL,
    programme   text        NOT NULL,
    year        int         NOT NULL,
    kind        text        NOT NULL,
    amount_vnd  bigint,
    at          timestamptz NOT NULL
);
CREATE INDEX programme_support_year ON programme_support (year, supplier_id);

CREATE TABLE programme_rates (
    year    int   PRIMARY KEY,
    vnd_per jsonb NOT NULL
);

-- +goose Down
DROP TABLE programme_rates;
DROP TABLE programme_support;
DROP TABLE deal_history;
DROP TABLE deals;

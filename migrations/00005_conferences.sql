-- Read model of conferences and trade fairs (projections/conferences.go):
-- events, registrations, meeting requests, meetings with their feedback and
-- outcomes, and the history of proposed and published schedules. Written only
-- by the Conferences projection inside the projector's transaction and
-- rebuilt from events at will, so nothing here is a source of truth.

-- +goose Up

-- The projection's own copy of what it needs from supplier and buyer streams:
-- firm names for agendas and reports, and the industry group of every
-- capability and demand, so that the report does not depend on other read
-- models being caught up (or existing).
CREATE TABLE conference_organisations (
    id   uuid PRIMARY KEY,
    role text NOT NULL, -- supplier | buyer
    name text NOT NULL
);

-- Capabilities (of suppliers) and demands (of buyers). Withdrawn capabilities
-- and closed demands stay, inactive: a meeting about a closed demand is still
-- counted in the demand's group.
CREATE TABLE conference_offers (
    id              uuid    PRIMARY KEY,
    organisation_id uuid    NOT NULL,
    industry_group  text    NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    -- Stream version of the declaring event: the first active offer is the
    -- firm's main group.
    declared_version bigint NOT NULL
);
CREATE INDEX conference_offers_organisation ON conference_offers (organisation_id, declared_version);

CREATE TABLE conference_events (
    id        uuid        PRIMARY KEY,
    -- conference.Details as JSON: times keep the venue's offset, which a
    -- timestamptz would lose.
    details   jsonb       NOT NULL,
    starts_at timestamptz NOT NULL,
    -- Interpreters per language and slot: {"JP": 5}.
    interpreters jsonb    NOT NULL DEFAULT '{}',
    -- The event stream's version after the last event applied (ETag).
    version   bigint      NOT NULL
);
CREATE INDEX conference_events_starts ON conference_events (starts_at DESC, id);

-- Firms registered now; a cancellation deletes the row.
CREATE TABLE conference_registrations (
    event_id             uuid    NOT NULL,
    organisation_id      uuid    NOT NULL,
    role                 text    NOT NULL,
    booth                text    NOT NULL DEFAULT '',
    unavailable          jsonb   NOT NULL DEFAULT '[]', -- [{"from", "to"}]
    sme                  boolean NOT NULL DEFAULT false,
    interpreter_language text    NOT NULL DEFAULT '',
    registered_version   bigint  NOT NULL,
    PRIMARY KEY (event_id, organisation_id)
);

CREATE TABLE conference_requests (
    id                uuid   PRIMARY KEY,
    event_id          uuid   NOT NULL,
    supplier_id       uuid   NOT NULL,
    buyer_id          uuid   NOT NULL,
    requested_by      uuid   NOT NULL,
    demand_id         uuid,
    status            text   NOT NULL, -- pending | accepted | declined
    reason            text   NOT NULL DEFAULT '',
    requested_version bigint NOT NULL
);
CREATE INDEX conference_requests_event ON conference_requests (event_id, requested_version);

-- Every meeting of the current proposal and every meeting ever published.
-- state: proposed (in the draft only), published, withdrawn (published, then
-- taken out with a cancelled registration). in_proposal marks the meetings of
-- the organiser's current draft, published ones included.
CREATE TABLE conference_meetings (
    id          uuid        PRIMARY KEY,
    event_id    uuid        NOT NULL,
    state       text        NOT NULL,
    in_proposal boolean     NOT NULL,
    locked      boolean     NOT NULL DEFAULT false,
    slot        int         NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    table_no    int         NOT NULL DEFAULT 0, -- 0 at a booth
    booth       text        NOT NULL DEFAULT '',
    supplier_id uuid        NOT NULL,
    buyer_id    uuid        NOT NULL,
    demand_id   uuid,
    score       int         NOT NULL,
    -- Each side's feedback (NULL until given) and the organiser's outcome.
    supplier_took_place boolean,
    supplier_rating     text,
    buyer_took_place    boolean,
    buyer_rating        text,
    outcome_status      text,
    outcome_result      text,
    value_usd           float8
);
CREATE INDEX conference_meetings_event ON conference_meetings (event_id, starts_at, table_no, booth);

-- The candidate pairs the current proposal left out, in the proposal's order.
CREATE TABLE conference_unscheduled (
    event_id    uuid    NOT NULL,
    ord         int     NOT NULL,
    supplier_id uuid    NOT NULL,
    buyer_id    uuid    NOT NULL,
    demand_id   uuid,
    score       int     NOT NULL,
    requested   boolean NOT NULL,
    reason      text    NOT NULL,
    PRIMARY KEY (event_id, ord)
);

-- One row per proposal and per publication: the schedule's history.
CREATE TABLE conference_schedules (
    event_id    uuid        NOT NULL,
    version     bigint      NOT NULL, -- the event stream's version
    kind        text        NOT NULL, -- proposed | published
    at          timestamptz NOT NULL,
    meetings    int         NOT NULL,
    unscheduled int         NOT NULL DEFAULT 0,
    floor       int         NOT NULL DEFAULT 0,
    objective   int         NOT NULL DEFAULT 0,
    bound       int         NOT NULL DEFAULT 0,
    score_bound int         NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, version)
);

-- +goose Down
DROP TABLE conference_schedules;
DROP TABLE conference_unscheduled;
DROP TABLE conference_meetings;
DROP TABLE conference_requests;
DROP TABLE conference_registrations;
DROP TABLE conference_events;
DROP TABLE conference_offers;
DROP TABLE conference_organisations;

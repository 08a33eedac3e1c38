-- The event store: one append-only table is the source of truth and, read
-- through Watermill's SQL subscriber, the publication channel too.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE events (
    global_position bigserial   NOT NULL,
    -- The writing transaction's id: subscribers read only below the snapshot's
    -- xmin, in (transaction_id, global_position) order, so a position that
    -- commits late is never skipped.
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid        NOT NULL,
    stream_type     text        NOT NULL,
    stream_id       text        NOT NULL,
    version         bigint      NOT NULL CHECK (version > 0),
    type            text        NOT NULL,
    schema_version  int         NOT NULL CHECK (schema_version > 0),
    payload         jsonb       NOT NULL,
    metadata        jsonb       NOT NULL DEFAULT '{}',
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (transaction_id, global_position),
    CONSTRAINT events_stream_version UNIQUE (stream_id, version),
    CONSTRAINT events_event_id UNIQUE (event_id)
);
CREATE UNIQUE INDEX events_global_position ON events (global_position);

-- events_expect_version raises KL409 unless the stream is exactly at the
-- expected version, so an append with a version ahead of the stream cannot
-- leave a gap. Concurrent appends at the same version still meet the unique
-- index events_stream_version.
-- +goose StatementBegin
CREATE FUNCTION events_expect_version(p_stream text, p_expected bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    current_version bigint;
BEGIN
    SELECT coalesce(max(version), 0) INTO current_version FROM events WHERE stream_id = p_stream;
    IF current_version <> p_expected THEN
        RAISE EXCEPTION 'stream % is at version %, expected %', p_stream, current_version, p_expected
            USING ERRCODE = 'KL409';
    END IF;
    RETURN true;
END
$$;
-- +goose StatementEnd

-- Uniqueness reservations (a tax code, an e-mail) claimed in the same
-- transaction as the events that need them.
CREATE TABLE claims (
    scope        text        NOT NULL,
    value        text        NOT NULL,
    owner_stream text        NOT NULL,
    claimed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, value)
);

-- One row per projection: the Watermill subscriber's offset and the
-- projection's checkpoint at once, written in the read model's transaction.
CREATE TABLE projection_checkpoints (
    name            text        PRIMARY KEY,
    transaction_id  xid8        NOT NULL DEFAULT '0',
    global_position bigint      NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Answers of POST requests sent with an Idempotency-Key, stored in the
-- command's own transaction.
CREATE TABLE idempotency_keys (
    principal    text        NOT NULL,
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    status       int         NOT NULL,
    body         bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE projection_checkpoints;
DROP TABLE claims;
DROP FUNCTION events_expect_version(text, bigint);
DROP TABLE events;

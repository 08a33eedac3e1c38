-- Snapshots of aggregates (eventstore/aggregates.go): the fallback of the
-- in-memory aggregate cache after a restart. One row per stream, the newest;
-- a snapshot is only a shortcut, never a source of truth: it is used only when
-- its schema version is the aggregate's current one and the event at its
-- version still has its global position, and can be deleted at any time.

-- +goose Up
CREATE TABLE aggregate_snapshots (
    stream_id       text        PRIMARY KEY,
    -- The stream version and the global position of the last event the
    -- snapshot includes.
    version         bigint      NOT NULL CHECK (version > 0),
    global_position bigint      NOT NULL,
    -- The version of the state's JSON shape (the aggregate's SnapshotSchema).
    schema_version  int         NOT NULL,
    state           json        NOT NULL,
    taken_at        timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE aggregate_snapshots;

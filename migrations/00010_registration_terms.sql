-- A registered firm's own meeting cap, below the event's (issue 10: per-firm
-- caps). 0 means the event's cap, which every registration had before, so
-- existing rows need no rebuild.

-- +goose Up
ALTER TABLE conference_registrations ADD COLUMN max_meetings int NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE conference_registrations DROP COLUMN max_meetings;

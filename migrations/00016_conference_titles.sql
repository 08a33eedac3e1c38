-- Agendas that show the product (issue 10): a meeting carries the title of
-- the demand it is about, so the conferences projection keeps the titles of
-- capabilities and demands beside their industry group.
--
-- Existing rows have no title, so the read model is emptied and its
-- checkpoint reset: keylink serve replays the events when it starts (a
-- catch-up pass, seconds for the city's data). Meanwhile conference reads
-- may miss rows; ?after= waits for the replay.

-- +goose Up
SELECT 1 FROM projection_checkpoints WHERE name = 'conferences' FOR UPDATE;
ALTER TABLE conference_offers ADD COLUMN title text NOT NULL DEFAULT '';
DELETE FROM conference_schedules;
DELETE FROM conference_unscheduled;
DELETE FROM conference_meetings;
DELETE FROM conference_requests;
DELETE FROM conference_registrations;
DELETE FROM conference_events;
DELETE FROM conference_offers;
DELETE FROM conference_organisations;
UPDATE projection_checkpoints SET transaction_id = '0', global_position = 0, updated_at = now()
WHERE name = 'conferences';

-- +goose Down
ALTER TABLE conference_offers DROP COLUMN title;

-- Match rows stop storing their explanation. A row now keeps the day it was
-- scored (scored_on) instead of its reasons and gaps, which a read works out
-- again from the stored inputs (match_demands, match_capabilities, ...) and
-- that day, giving the very notes the projection would have stored: every
-- change to a pair's inputs rewrites its row.
--
-- Under load the explanations were most of what the matches projection
-- wrote: rows of about 1.3 kB (reasons 0.84 kB, gaps 0.38 kB) rewritten
-- whenever a supplier entered or left a list's first hundred, for about
-- 280,000 row writes in 20 s; the rows are now about 0.1 kB. A read scores
-- at most 100 pairs again, about a millisecond.
--
-- The days the existing rows were scored on are not known, so the read
-- model is emptied and its checkpoint reset: keylink serve replays the
-- events into it when it starts (a catch-up pass; the city's data takes
-- about a second, 10,000 suppliers about a minute). Until then match lists
-- answer 404.

-- +goose Up
TRUNCATE matches, match_demands, match_buyers, match_capabilities, match_suppliers;
UPDATE projection_checkpoints SET transaction_id = '0', global_position = 0, updated_at = now() WHERE name = 'matches';
UPDATE matches_generation SET generation = generation + 1;
ALTER TABLE matches DROP COLUMN reasons, DROP COLUMN gaps, ADD COLUMN scored_on date NOT NULL;

-- +goose Down
TRUNCATE matches, match_demands, match_buyers, match_capabilities, match_suppliers;
UPDATE projection_checkpoints SET transaction_id = '0', global_position = 0, updated_at = now() WHERE name = 'matches';
UPDATE matches_generation SET generation = generation + 1;
ALTER TABLE matches DROP COLUMN scored_on, ADD COLUMN reasons jsonb NOT NULL DEFAULT '[]', ADD COLUMN gaps jsonb NOT NULL DEFAULT '[]';

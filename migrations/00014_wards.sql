-- Hanoi's wards and communes (phường, xã) since 1 July 2025: suppliers and
-- buyers may name theirs (domain.LookupWard stores the canonical name, such
-- as "Phường Hoàn Kiếm"); district stays, as the former district.
--
-- No event recorded before this migration carries a ward, so the empty
-- defaults are what a rebuild gives: nothing is replayed.

-- +goose Up
ALTER TABLE directory_suppliers ADD COLUMN ward text NOT NULL DEFAULT '';
ALTER TABLE directory_search
    ADD COLUMN ward       text NOT NULL DEFAULT '',
    ADD COLUMN ward_terms text NOT NULL DEFAULT ''; -- search terms of the ward's name (weight D)
CREATE INDEX directory_search_ward ON directory_search (ward);
ALTER TABLE board_buyers ADD COLUMN ward text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE board_buyers DROP COLUMN ward;
DROP INDEX directory_search_ward;
ALTER TABLE directory_search DROP COLUMN ward, DROP COLUMN ward_terms;
ALTER TABLE directory_suppliers DROP COLUMN ward;

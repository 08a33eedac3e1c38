-- Secrets out of the event log. Password hashes move from AccountRegistered
-- payloads (schema version 1) into the credentials table, written in the
-- command's transaction; invitation tokens are kept as SHA-256 hashes beside
-- their streams. Events say that an account was created, never its secret.
--
-- This is the one place the event log is rewritten in place: events are
-- otherwise immutable and upcast on read, but a secret must not stay in the
-- log, where every reader of events (projections, history, backups of the
-- events table) could see it. Only the "password_hash" key is removed; the
-- rest of each payload, its position, version and schema version stay, and
-- the v1 -> v2 upcaster (account.UpcastRegisteredV1) reads the stripped v1
-- payloads. Old row versions keep the hash until VACUUM reclaims them, and
-- earlier database backups still hold it.

-- +goose Up
CREATE TABLE credentials (
    account_id    uuid        PRIMARY KEY,
    password_hash text        NOT NULL CHECK (password_hash <> ''),
    changed_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invitation_tokens (
    token_hash    bytea       PRIMARY KEY,
    invitation_id uuid        NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now()
);

INSERT INTO credentials (account_id, password_hash, changed_at)
SELECT (payload->>'account_id')::uuid, payload->>'password_hash', recorded_at
FROM events
WHERE type = 'AccountRegistered' AND coalesce(payload->>'password_hash', '') <> ''
ON CONFLICT (account_id) DO NOTHING;

UPDATE events SET payload = payload - 'password_hash'
WHERE type = 'AccountRegistered' AND payload ? 'password_hash';

-- +goose Down
-- Going back to a build that reads hashes from events puts them back there
-- (as schema version 1), because that build has nowhere else to find them.
UPDATE events e SET payload = e.payload || jsonb_build_object('password_hash', c.password_hash), schema_version = 1
FROM credentials c
WHERE e.type = 'AccountRegistered' AND (e.payload->>'account_id')::uuid = c.account_id;
DROP TABLE invitation_tokens;
DROP TABLE credentials;

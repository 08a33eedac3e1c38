-- Bearer tokens. Only a SHA-256 of each token is stored; a token is a
-- 256-bit random value, so a plain hash suffices and lookups stay indexed.

-- +goose Up
CREATE TABLE tokens (
    token_hash      bytea       PRIMARY KEY,
    role            text        NOT NULL CHECK (role IN ('organiser', 'supplier', 'buyer')),
    organisation_id uuid,
    account_id      uuid,
    name            text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz
);
CREATE INDEX tokens_account ON tokens (account_id) WHERE account_id IS NOT NULL;

-- +goose Down
DROP TABLE tokens;

// Package credentials keeps the secrets that prove who a caller is, beside
// the event store and never in it: password hashes, the hashes of bearer
// tokens (sessions and API tokens) and of invitation tokens. Only hashes
// are stored; a token itself is shown once and forgotten.
//
// Writes take an Execer, so that they run in the command's transaction (an
// eventstore.Tx) when they belong to a command, or on the pool alone.
package credentials

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keylink/keylink/domain/account"
	"github.com/keylink/keylink/eventstore"
)

// EmailScope is the claim scope (see eventstore.Tx.Claim) under which an
// account reserves its e-mail address: the way from an e-mail to its
// account and password.
const EmailScope = "email"

// Execer runs statements: an eventstore.Tx, or a pool (see OnPool).
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) error
}

// Store reads and revokes credentials. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
}

// New returns the credentials stored in pool's database.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Exec runs sql on the pool: Store is an Execer for writes that belong to
// no command (a login's session).
func (s *Store) Exec(ctx context.Context, sql string, args ...any) error {
	_, err := s.pool.Exec(ctx, sql, args...)
	return eventstore.Translate(err)
}

var _ Execer = (*Store)(nil)

// SavePassword stores the password hash of a new account.
func SavePassword(ctx context.Context, db Execer, accountID uuid.UUID, hash string) error {
	return db.Exec(ctx, `INSERT INTO credentials (account_id, password_hash) VALUES ($1, $2)`, accountID, hash)
}

// PasswordByEmail returns the account that reserved email and its password
// hash; found is false when no account holds email. It reads the claim, so
// it finds an account the moment its sign-up committed.
func (s *Store) PasswordByEmail(ctx context.Context, email string) (accountID uuid.UUID, hash string, found bool, err error) {
	var owner string
	err = s.pool.QueryRow(ctx, `SELECT cl.owner_stream, coalesce(cr.password_hash, '') FROM claims cl
LEFT JOIN credentials cr ON cr.account_id = substr(cl.owner_stream, $3)::uuid
WHERE cl.scope = $1 AND cl.value = $2`, EmailScope, email, len(account.StreamType)+2).Scan(&owner, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, "", false, nil
	}
	if err != nil {
		return uuid.Nil, "", false, eventstore.Translate(err)
	}
	accountID, err = uuid.Parse(owner[len(account.StreamType)+1:])
	return accountID, hash, err == nil, err
}

// Grant is what a bearer token speaks for.
type Grant struct {
	Role           string
	OrganisationID uuid.UUID // zero for organisers
	AccountID      uuid.UUID // zero for organiser tokens
	Name           string
}

// SaveToken stores the hash of a bearer token for g, valid for ttl.
func SaveToken(ctx context.Context, db Execer, hash [32]byte, g Grant, ttl time.Duration) error {
	var org, acc any
	if g.OrganisationID != uuid.Nil {
		org = g.OrganisationID
	}
	if g.AccountID != uuid.Nil {
		acc = g.AccountID
	}
	return db.Exec(ctx, `INSERT INTO tokens (token_hash, role, organisation_id, account_id, name, expires_at)
VALUES ($1, $2, $3, $4, $5, now() + $6::interval)`, hash[:], g.Role, org, acc, g.Name, fmt.Sprintf("%d seconds", int64(ttl.Seconds())))
}

// Token returns the grant of the token whose hash is hash and when it
// expires; found is false when it is unknown, revoked or expired.
func (s *Store) Token(ctx context.Context, hash [32]byte) (g Grant, expires time.Time, found bool, err error) {
	var org, acc *uuid.UUID
	err = s.pool.QueryRow(ctx, `SELECT role, organisation_id, account_id, name, expires_at FROM tokens
WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()`, hash[:]).Scan(&g.Role, &org, &acc, &g.Name, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return Grant{}, time.Time{}, false, nil
	}
	if err != nil {
		return Grant{}, time.Time{}, false, eventstore.Translate(err)
	}
	if org != nil {
		g.OrganisationID = *org
	}
	if acc != nil {
		g.AccountID = *acc
	}
	return g, expires, true, nil
}

// RevokeToken ends the token whose hash is hash; an unknown one is no error.
func (s *Store) RevokeToken(ctx context.Context, hash []byte) error {
	_, err := s.pool.Exec(ctx, `UPDATE tokens SET revoked_at = now() WHERE token_hash = $1`, hash)
	return eventstore.Translate(err)
}

// SaveInvitationToken stores the hash of the token of invitation id.
func SaveInvitationToken(ctx context.Context, db Execer, hash [32]byte, invitationID uuid.UUID) error {
	return db.Exec(ctx, `INSERT INTO invitation_tokens (token_hash, invitation_id) VALUES ($1, $2)`, hash[:], invitationID)
}

// Invitation returns the invitation whose token's hash is hash; found is
// false for an unknown token.
func (s *Store) Invitation(ctx context.Context, hash [32]byte) (id uuid.UUID, found bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT invitation_id FROM invitation_tokens WHERE token_hash = $1`, hash[:]).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, false, nil
	}
	return id, err == nil, eventstore.Translate(err)
}

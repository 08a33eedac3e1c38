package api_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"golang.org/x/crypto/argon2"

	"github.com/keylink/keylink/migrations"
)

// phcHash makes an argon2id hash the way builds before migration 00012 did.
func phcHash(pw string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, 2, 19*1024, 1, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, 19*1024, 2, 1,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// Accounts created before migration 00012 kept their password hash in the
// AccountRegistered payload (schema version 1). The migration moves it to the
// credentials table and strips it from the stored events; those accounts
// still sign in and act for their firm.
func TestAccountsOfOldStoresSignInAfterTheMigration(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fastLogins)
	ctx := t.Context()
	sup := e.newSupplier("Cơ khí Hà Nội")
	e.must(e.do("POST", "/v1/signup", "", map[string]any{"role": "buyer", "email": "tanaka@panasonic.jp",
		"password": "correct horse battery", "organisation": buyerBody("Panasonic Vietnam")}), 201)

	db := stdlib.OpenDBFromPool(e.pool)
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.Files)
	if err != nil {
		t.Fatal(err)
	}
	// Back to the old shape: going down puts the hash of the signed-up
	// account back into its event, as schema version 1.
	if _, err := provider.ApplyVersion(ctx, 12, false); err != nil {
		t.Fatal(err)
	}
	var v1 int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE type = 'AccountRegistered' AND schema_version = 1
AND payload->>'password_hash' LIKE '$argon2id$%'`).Scan(&v1); err != nil || v1 != 1 {
		t.Fatalf("after going down: %d old-shape events (%v)", v1, err)
	}
	// An account written by an old build, event and e-mail claim as it wrote them.
	old := uuid.Must(uuid.NewV7())
	payload, _ := json.Marshal(map[string]any{"account_id": old, "email": "old@cokhihanoi.vn", "password_hash": phcHash(password),
		"role": "supplier", "organisation_id": sup})
	if _, err := e.pool.Exec(ctx, `INSERT INTO events (event_id, stream_type, stream_id, version, type, schema_version, payload)
VALUES ($1, 'account', $2, 1, 'AccountRegistered', 1, $3)`, uuid.Must(uuid.NewV7()), "account-"+old.String(), payload); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `INSERT INTO claims (scope, value, owner_stream) VALUES ('email', 'old@cokhihanoi.vn', $1)`,
		"account-"+old.String()); err != nil {
		t.Fatal(err)
	}

	if _, err := provider.ApplyVersion(ctx, 12, true); err != nil {
		t.Fatal(err)
	}
	var left, creds int
	if err := e.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM events WHERE payload ? 'password_hash' OR payload::text LIKE '%argon2%'),
  (SELECT count(*) FROM credentials)`).Scan(&left, &creds); err != nil || left != 0 || creds != 2 {
		t.Fatalf("after the migration: %d events hold a hash, %d credentials (%v)", left, creds, err)
	}
	recs, err := e.store.ReadStream(ctx, streamOf("account", old.String()))
	if err != nil || len(recs) != 1 || recs[0].Event == nil {
		t.Fatalf("the old account's stream reads as %v (%v)", recs, err)
	}

	r := e.must(e.do("POST", "/v1/sessions", "", map[string]any{"email": "old@cokhihanoi.vn", "password": password}), 201)
	if r.str(t, "organisation_id") != sup || r.str(t, "role") != "supplier" {
		t.Fatalf("old account login: %s", r.body)
	}
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", r.str(t, "token"), capabilityBody("Khuôn mẫu")), 201)
	e.must(e.do("POST", "/v1/sessions", "", map[string]any{"email": "old@cokhihanoi.vn", "password": "not the password"}), 401)
	e.must(e.do("POST", "/v1/sessions", "", map[string]any{"email": "tanaka@panasonic.jp", "password": "correct horse battery"}), 201)
}

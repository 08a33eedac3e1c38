#!/usr/bin/env bash
# make run: start PostgreSQL if DATABASE_URL is unset, migrate, load the demo
# dataset into an empty database, serve, and print a token and curl commands
# once the server is ready.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=bin/keylink
export DATABASE_URL="$(scripts/db.sh)"
export KEYLINK_ADDR="${KEYLINK_ADDR:-:8080}"
port="${KEYLINK_ADDR##*:}"
base="http://localhost:${port}"

"$BIN" migrate
"$BIN" seed --if-empty

"$BIN" serve &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM
for _ in $(seq 1 100); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { wait $pid; exit 1; }
  sleep 0.2
done
token="$("$BIN" token issue --role organiser --name "demo organiser")"
# The read models may still be catching up with the seed: ask until the
# list answers (at most 10 s).
supplier=""
for _ in $(seq 1 50); do
  supplier="$(curl -fsS -H "Authorization: Bearer $token" "$base/v1/suppliers?q=co%20khi&limit=1" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | head -n 1)"
  [ -n "$supplier" ] && break
  sleep 0.2
done
cat <<MSG

KeyLink is serving on $base (database: ${DATABASE_URL%%\?*})

Organiser token (valid one year):
  export TOKEN=$token

Web console: $base/
  Sign in as the organiser: paste the token above into "Ban tổ chức" (Organisers).
  Suppliers and buyers sign in with their e-mail and password; the demo dataset has
    a supplier: nhacungcap@demo.keylink.vn / keylink-demo-2026
    a buyer:    muahang@demo.keylink.vn / keylink-demo-2026
  (they meet at the upcoming conference; demo passwords, for demo data only).

Try:
  curl -s $base/readyz
  curl -s -H "Authorization: Bearer \$TOKEN" "$base/v1/suppliers?q=rang%20dong"
  curl -s -H "Authorization: Bearer \$TOKEN" "$base/v1/suppliers?industry_group=mechanical&limit=5"
  curl -s -H "Authorization: Bearer \$TOKEN" "$base/v1/suppliers/${supplier:-SUPPLIER_ID}"
  curl -s -H "Authorization: Bearer \$TOKEN" "$base/v1/suppliers/${supplier:-SUPPLIER_ID}/matches"
  curl -s $base/metrics | grep keylink_

Stop with Ctrl-C.
MSG
wait $pid

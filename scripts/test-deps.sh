#!/usr/bin/env bash
# Installs what the test suite needs beyond Go and PostgreSQL (scripts/db.sh
# sees to that one): Debian's chromium, which renders the HTML event report in
# api/conferences_report_test.go. Idempotent: does nothing when it is there.
# As a normal user it only says what is missing; the test then fails with the
# same advice rather than skipping. apt's chatter goes to a log shown only on
# failure.
set -euo pipefail

log() { echo "test-deps: $*" >&2; }

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  log "chromium is not installed; run 'sudo apt-get install -y chromium' (the HTML report test needs it)"
  exit 0
fi
log "installing Debian's chromium package"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq chromium; } >"$out" 2>&1; then
  cat "$out" >&2
  log "installing chromium failed"
  exit 1
fi

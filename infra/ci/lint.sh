#!/usr/bin/env bash
# The guard rails: oxlint with type-aware rules (no-floating-promises, import/no-cycle, and workflows/
# kept free of Node built-ins, activity code and non-deterministic modules; see .oxlintrc.json), knip for
# unused exports and files, and prettier's format check. Every check runs, none is skipped.
# Closing line: "lint: N passed, M failed"; exit 1 when anything failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
passed=0 failed=0
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

check() { # name command...
  local name="$1"; shift
  if "$@" >"$OUT/log" 2>&1; then
    passed=$((passed + 1)); echo "ok    $name"
  else
    failed=$((failed + 1)); echo "FAIL  $name"; sed 's/^/      /' "$OUT/log" | tail -60
  fi
}

[[ -x node_modules/.bin/oxlint ]] || npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || true

check "oxlint (type-aware)" npm run --silent lint:oxlint
check "knip (unused exports and files)" npm run --silent lint:unused
check "prettier (format)" npm run --silent format:check

echo "lint: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

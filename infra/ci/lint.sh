#!/usr/bin/env bash
# The guard rails: oxlint with type-aware rules (no-floating-promises, import/no-cycle, and workflows/
# kept free of Node built-ins, activity code and non-deterministic modules; see .oxlintrc.json), knip for
# unused exports and files, and prettier's format check. Every check runs, none is skipped.
# Closing line: "lint: N passed, M failed"; exit 1 when anything failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
source "$ROOT/infra/ci/checks.sh"

[[ -x node_modules/.bin/oxlint ]] || npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || true

check "oxlint (type-aware)" npm run --silent lint:oxlint
check "knip (unused exports and files)" npm run --silent lint:unused
check "prettier (format)" npm run --silent format:check

checks_summary lint

# Sourced by the CI scripts that run a list of checks (lint.sh, deploy-check.sh): `check NAME COMMAND…`
# runs one, counts it, and shows the tail of its output when it fails; `checks_summary WORD` prints the
# closing "WORD: N passed, M failed" line that infra/ci/test.sh counts, and fails when any check did.
passed=0 failed=0
CHECKS_OUT="$(mktemp -d)"
trap 'rm -rf "$CHECKS_OUT"' EXIT

check() { # name command...
  local name="$1"; shift
  if "$@" >"$CHECKS_OUT/log" 2>&1; then
    passed=$((passed + 1)); echo "ok    $name"
  else
    failed=$((failed + 1)); echo "FAIL  $name"; sed 's/^/      /' "$CHECKS_OUT/log" | tail -60
  fi
}

checks_summary() { # word
  echo "$1: $passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}

#!/usr/bin/env bash
# The README's test command (`make test`, which `.ci/run` calls): installs and builds, starts what the
# suite needs (Debian packages, a real Postgres beside the embedded PGlite, the local stack), runs every
# target, and stops what it started. Prints each stage's wall time and each target's test count; a
# count lower than the committed one in test/test-counts.json fails the run.
# IMAGE_AGENT_TEST_EMBEDDED_ONLY=1 runs the Postgres tests against the embedded PGlite only.
set -euo pipefail
cd "$(dirname "$0")/../.."

ci_started=$SECONDS
results_dir=".stack/test"
mkdir -p "$results_dir"
timings=()
counts=()
failures=()
total_passed=0
total_failed=0

stage() {
  local name="$1" started=$SECONDS
  shift
  echo "[test] stage $name"
  local status=0
  "$@" || status=$?
  timings+=("$(printf '%-22s %5d s%s' "$name" $((SECONDS - started)) "$([ $status -eq 0 ] || echo '  FAILED')")")
  return $status
}

summary() {
  local status=$?
  echo
  echo "[test] wall time per stage:"
  for t in "${timings[@]}"; do echo "  $t"; done
  echo "  $(printf '%-22s %5d s' total $((SECONDS - ci_started))) (CI allows 90 min)"
  if [ ${#counts[@]} -gt 0 ]; then
    echo "[test] tests per target:"
    for c in "${counts[@]}"; do echo "  $c"; done
  fi
  # Named here, at the end, because a CI log is often read from its tail.
  if [ ${#failures[@]} -gt 0 ]; then
    echo "[test] failed tests:"
    for f in "${failures[@]}"; do echo "  $f"; done
  fi
  if [ -n "${real_pg_started:-}" ]; then ./infra/ci/real-postgres.sh stop || true; fi
  echo "total: $total_passed passed, $total_failed failed"
  exit $status
}
trap summary EXIT

# A target's count (passed, failed) against test/test-counts.json: fewer than committed fails the run.
record_count() {
  local target="$1" passed="$2" failed="$3" total="$4" expected
  expected="$(node -e 'const c = require(process.argv[1]); console.log(c[process.argv[2]] ?? 0)' "$PWD/test/test-counts.json" "$target")"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  counts+=("$(printf '%-22s %4d passed, %d failed (%d total; at least %d expected)' "$target" "$passed" "$failed" "$total" "$expected")")
  if [ "$total" -lt "$expected" ]; then
    echo "[test] $target ran $total tests, fewer than the $expected in test/test-counts.json: a test was lost. If that was on purpose, lower the count there in the same commit." >&2
    return 1
  fi
}

# Jest's JSON results.
check_count() {
  local target="$1" results="$2" passed failed total
  if [ ! -s "$results" ]; then
    counts+=("$target: no results written (the runner itself failed)")
    total_failed=$((total_failed + 1))
    return 1
  fi
  # One read of the results: the counts on the first line, then each failed test on a line of its own.
  local failed_test # local: bash scopes dynamically, and the caller stage() has a $name
  {
    read -r passed failed total
    while IFS= read -r failed_test; do failures+=("$target: $failed_test"); done
  } < <(node -e '
    const r = require(process.argv[1]);
    console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites, r.numTotalTests);
    for (const file of r.testResults) {
      const where = require("path").relative(process.cwd(), file.name);
      const failed = file.assertionResults.filter((a) => a.status === "failed");
      for (const a of failed) console.log(`${where} › ${a.fullName}`);
      if (failed.length === 0 && file.status === "failed") console.log(`${where} (the file failed outside its tests)`);
    }' "$PWD/$results")
  record_count "$target" "$passed" "$failed" "$total"
}

# A command whose closing line says "<word>: N passed, M failed" (the deploy checks, the soak).
run_counted() {
  local target="$1" log="$results_dir/$1.log" status=0 line passed failed
  shift
  "$@" 2>&1 | tee "$log" || status=$?
  line="$(grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
  if [ -z "$line" ]; then
    counts+=("$target: no closing count line (the command itself failed)")
    total_failed=$((total_failed + 1))
    return 1
  fi
  passed="$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")"
  failed="$(sed -E 's/.*, ([0-9]+) failed/\1/' <<<"$line")"
  record_count "$target" "$passed" "$failed" $((passed + failed)) || status=1
  return $status
}

# run_jest TARGET [PREFIX...] [-- JEST_ARGS...]: jest under an optional prefix command (infra/ci/node24.sh),
# its JSON results counted against the target's committed count.
run_jest() {
  local target="$1" status=0 prefix=()
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    prefix+=("$1")
    shift
  done
  [ $# -gt 0 ] && shift
  "${prefix[@]}" npx jest "$@" --json --outputFile="$results_dir/$target.json" || status=$?
  check_count "$target" "$results_dir/$target.json" || status=1
  return $status
}

stage install make --no-print-directory install
stage build npm run build --silent
stage system-packages ./infra/ci/system-packages.sh

# Every stage runs even when an earlier one failed, so one CI run shows everything that is wrong.
overall=0
# The stack's Temporal UI server and cluster-mode Temporal server, built once per machine into the tool cache
# outside the clone (a warm cache answers at once; a cold one takes about 10 minutes). A failed build fails the
# run here, in one line; the stack would fall back to the dev server's UI (test/temporalUi.test.ts fails on
# that too), and the cluster stage below fails.
stage go-tools node dist/infra/goToolsBuildCli.js || overall=1
# The fast tier first (test/fast/, jest.fast.config.js): workflows on the time-skipping test server and
# activities in a mock environment, no stack. On the machine's Node and on Node 24.
stage jest-fast run_jest jest-fast -- --config jest.fast.config.js || overall=1
stage jest-fast-node24 run_jest jest-fast-node24 ./infra/ci/node24.sh -- --config jest.fast.config.js || overall=1

if [ "${IMAGE_AGENT_TEST_EMBEDDED_ONLY:-}" = "1" ]; then
  echo "[test] IMAGE_AGENT_TEST_EMBEDDED_ONLY=1: the Postgres tests run against the embedded PGlite only"
  unset TEST_REAL_DATABASE_URL
else
  start_real_pg() { TEST_REAL_DATABASE_URL="$(./infra/ci/real-postgres.sh start)"; }
  stage real-postgres start_real_pg
  real_pg_started=1
  export TEST_REAL_DATABASE_URL
fi

stage lint run_counted lint ./infra/ci/lint.sh || overall=1
# Links, documented commands, flags, scripts and variables against the code; the README's size.
stage docs-check run_counted docs npm run --silent docs:check || overall=1
stage jest run_jest jest || overall=1
stage deploy-check run_counted deploy ./infra/ci/deploy-check.sh || overall=1
stage soak run_counted soak node dist/test/soak/soak.js --short --out "$results_dir/soak" || overall=1
# History and payload sizes of every run shape against their targets (sizes only: timings are not checked).
stage perf run_counted perf node dist/test/perf/perfBench.js --short || overall=1
# The integration tier runs once. On Node 24 (infra/ci/node24.sh) the fast tier above covers the workflows
# and activities; this smoke covers what it cannot: the CLI's main job, the API with the review page, and
# the pg, S3 and Temporal clients, on the real stack.
stage jest-node24-smoke run_jest jest-node24-smoke ./infra/ci/node24.sh -- \
  test/foundation.test.ts test/agentOffline.test.ts test/api.test.ts || overall=1
# Cluster mode (IMAGE_AGENT_TEMPORAL=cluster, infra/temporalCluster.ts): the Temporal server as production runs
# it, four services on the real Postgres. The recorded histories replay, a deploy ramps and rolls back, Temporal
# and the stores go down and come back, and the short chaos soak runs, all against it. Last, because stopping
# the cluster stops the real Postgres the earlier stages use.
cluster() { IMAGE_AGENT_TEMPORAL=cluster "$@"; }
stage stack-down-dev node dist/infra/stackCli.js down || overall=1
stage jest-cluster run_jest jest-cluster cluster -- \
  test/replay.test.ts test/workerDeployments.test.ts test/deployPatch.test.ts test/outages.test.ts test/stackRestart.test.ts \
  test/temporalUi.test.ts test/foundation.test.ts || overall=1
stage soak-cluster run_counted soak-cluster cluster node dist/test/soak/soak.js --short --out "$results_dir/soak-cluster" || overall=1
cluster node dist/infra/stackCli.js down >/dev/null || true
exit $overall

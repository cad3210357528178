#!/usr/bin/env bash
# A real PostgreSQL server from Debian's packages, for the tests that run against both the embedded
# PGlite and a real server. `real-postgres.sh start` prints the connection URL (idempotent);
# `real-postgres.sh stop` stops it. Works from any checkout location: the cluster lives in a folder the
# server's user owns, and pg_ctl runs from a directory that user can read. Fails with one line.
set -euo pipefail
checkout="$(cd "$(dirname "$0")/../.." && pwd)"
action="${1:-start}"

fail() { echo "real Postgres: $*" >&2; exit 1; }

slot="${IMAGE_AGENT_STACK_SLOT:-0}"
[[ "$slot" =~ ^[0-9]$ ]] || fail "IMAGE_AGENT_STACK_SLOT must be 0-9, got '$slot'"
port="${REAL_PG_PORT:-$((25433 + 10 * slot))}"
bin="${REAL_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
[ -n "$bin" ] && [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] \
  || fail "no PostgreSQL server binaries (looked in ${REAL_PG_BIN:-/usr/lib/postgresql/*/bin}); install them with: apt-get install -y postgresql"

# One cluster per checkout and slot. As root the server runs as Debian's `postgres` user, which may not
# be able to read the checkout (a root-only temporary folder), so the cluster goes to /var/tmp.
id="$(printf %s "$checkout" | md5sum | cut -c1-8)-$slot"
if [ "$(id -u)" -eq 0 ]; then
  id -u postgres >/dev/null 2>&1 || fail "no 'postgres' system user to run the server as (the Debian package creates it)"
  data="/var/tmp/image-agent-pg-$id"
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
else
  data="$checkout/.stack/postgres-real-$slot"
  as_owner() { (cd / && "$@"); }
fi
log="$data.log"

running() { as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

case "$action" in
  stop)
    if [ -f "$data/PG_VERSION" ] && running; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
    exit 0 ;;
  start) ;;
  *) fail "usage: real-postgres.sh start|stop" ;;
esac

mkdir -p "$data"
touch "$log"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$data" "$log"; fi
chmod 700 "$data"
if [ ! -f "$data/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust >"$log" 2>&1 || fail "initdb failed; see $log"
fi
if ! running; then
  as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null 2>&1 \
    || fail "the server did not start on port $port; last log lines: $(tail -n 3 "$log" | tr '\n' ' ')"
fi
url="postgres://postgres@127.0.0.1:$port/postgres"
for _ in $(seq 1 30); do
  if (cd / && "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"); then echo "$url"; exit 0; fi
  sleep 1
done
fail "the server on port $port does not answer queries; see $log"

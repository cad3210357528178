#!/usr/bin/env bash
# A real PostgreSQL server from Debian's packages, in a project-local folder, for the tests that run
# against both the embedded PGlite and a real server. Idempotent. Prints the connection URL.
set -euo pipefail
cd "$(dirname "$0")/../.."

port="${REAL_PG_PORT:-55433}"
data="$PWD/.stack/postgres-real"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -n "$bin" ] || { echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2; exit 1; }

as_owner() {
  # initdb and postgres refuse to run as root; Debian's package creates the postgres user.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$PWD/.stack/logs"
log="$PWD/.stack/logs/postgres-real.log"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$PWD/.stack"; then
  # The checkout is not traversable by the postgres user (e.g. under /root): keep the cluster in /var/tmp.
  data="/var/tmp/image-agent-postgres-real-$(printf %s "$PWD" | md5sum | cut -c1-8)"
  log="$data.log"
fi
mkdir -p "$data"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$data"; chmod 700 "$data"; touch "$log"; chown postgres "$log"; fi
if [ ! -f "$data/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
fi
if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"

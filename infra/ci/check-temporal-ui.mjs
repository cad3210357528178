#!/usr/bin/env node
// The self-hosted Temporal UI in the deploy files, rendered and read back (helm on PATH, as deploy-check.sh
// puts it): the Helm chart's UI renders with the API's codec as its endpoint and credentials included, the API
// allows the UI's origin, turning the UI off removes it, and the chart and the compose file agree with each
// other, with the API's codec route (client/api/codecServer.ts) and with the ui-server pin the local stack
// builds (infra/temporalUiServer/go.mod). Exit 1 with one line per problem.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const chart = path.join(root, 'infra/deploy/helm/image-agent');
const read = (p) => fs.readFileSync(path.join(root, p), 'utf8');
const problems = [];
const expect = (where, actual, wanted) => {
  if (actual !== wanted) problems.push(`${where}: ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`);
};

const codecPath = /^const CODEC_PATH = '([^']+)';$/m.exec(read('client/api/codecServer.ts'))?.[1];
const uiServerVersion = /^require github\.com\/temporalio\/ui-server\/v2 v(\S+)$/m.exec(read('infra/temporalUiServer/go.mod'))?.[1];
if (!codecPath) problems.push('client/api/codecServer.ts: no `const CODEC_PATH = …;` line');
if (!uiServerVersion) problems.push('infra/temporalUiServer/go.mod: no ui-server require line');

// The secrets the chart requires when it makes the Secret itself (throwaway values: nothing is deployed).
const secrets = ['IMAGE_AGENT_ID_KEY=ci', 'IMAGE_AGENT_ENCRYPTION_KEYS=ci', 'IMAGE_AGENT_REVIEW_SIGNING_KEY=ci'].flatMap((kv) => [
  '--set-string',
  `secrets.values.${kv}`,
]);
let renderings = 0;
let refusals = 0;
const helm = (sets) =>
  execFileSync('helm', ['template', 'ia', chart, '--kube-version', '1.33.0', ...secrets, ...Object.entries(sets).flatMap(([k, v]) => ['--set', `${k}=${v}`])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
function render(sets) {
  renderings += 1;
  return YAML.parseAllDocuments(helm(sets))
    .map((d) => d.toJS())
    .filter(Boolean);
}
/** Rendering fails, and says why. */
function refuses(what, sets, message) {
  refusals += 1;
  try {
    helm(sets);
    problems.push(`chart: rendered ${what}`);
  } catch (err) {
    if (!String(err.stderr).includes(message)) problems.push(`chart: ${what}: ${String(err.stderr).trim().split('\n')[0]}`);
  }
}
const find = (docs, kind, name) => docs.find((d) => d.kind === kind && d.metadata.name === name);
const envOf = (container) => Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
const originOf = (url) => new URL(url).origin;

const UI = 'ia-image-agent-temporal-ui';
/** The UI's objects in one rendering, checked; returns the container's env. */
function checkUi(where, docs, { uiUrl, codecEndpoint, address }) {
  const deployment = find(docs, 'Deployment', UI);
  const service = find(docs, 'Service', UI);
  if (!deployment || !service) {
    problems.push(`${where}: no ${UI} Deployment and Service`);
    return {};
  }
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env = envOf(container);
  expect(`${where}: UI image`, container.image, `temporalio/ui:${uiServerVersion}`);
  expect(`${where}: TEMPORAL_ADDRESS`, env.TEMPORAL_ADDRESS, address);
  expect(`${where}: TEMPORAL_CODEC_ENDPOINT`, env.TEMPORAL_CODEC_ENDPOINT, codecEndpoint);
  expect(`${where}: TEMPORAL_CODEC_INCLUDE_CREDENTIALS`, env.TEMPORAL_CODEC_INCLUDE_CREDENTIALS, 'true');
  expect(`${where}: TEMPORAL_CORS_ORIGINS`, env.TEMPORAL_CORS_ORIGINS, originOf(uiUrl));
  // The API's side of the same handshake: its codec answers the UI's origin with credentials.
  const config = find(docs, 'ConfigMap', 'ia-image-agent-config');
  expect(`${where}: the API's IMAGE_AGENT_CODEC_CORS_ORIGINS`, config?.data.IMAGE_AGENT_CODEC_CORS_ORIGINS, originOf(uiUrl));
  expect(`${where}: UI readOnlyRootFilesystem`, container.securityContext?.readOnlyRootFilesystem, true);
  expect(`${where}: UI runAsNonRoot`, pod.securityContext?.runAsNonRoot, true);
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(`${where}: UI ${probe}`, container[probe]?.httpGet?.path, '/healthz');
  if (!container.resources?.requests || !container.resources?.limits) problems.push(`${where}: UI has no resource requests and limits`);
  const port = container.ports?.find((p) => p.name === 'http');
  expect(`${where}: UI container port`, port?.containerPort, Number(env.TEMPORAL_UI_PORT));
  expect(`${where}: UI Service target`, service.spec.ports[0]?.targetPort, 'http');
  for (const [k, v] of Object.entries(service.spec.selector)) expect(`${where}: UI Service selector ${k}`, deployment.spec.template.metadata.labels[k], v);
  return env;
}

try {
  // Defaults (Temporal Cloud): no UI of the chart's own; the API allows the Cloud UI's origin.
  const defaults = render({});
  if (defaults.some((d) => d.metadata.name === UI)) problems.push('chart defaults: render a Temporal UI (temporalUi.enabled is false by default)');
  expect(
    "chart defaults: the API's IMAGE_AGENT_CODEC_CORS_ORIGINS",
    find(defaults, 'ConfigMap', 'ia-image-agent-config')?.data.IMAGE_AGENT_CODEC_CORS_ORIGINS,
    'https://cloud.temporal.io',
  );

  // Behind ingresses: the UI and the API on one site, both https.
  const hosted = { 'temporalUi.enabled': true, 'temporal.address': 'temporal-frontend.temporal:7233', 'temporal.uiUrl': 'https://temporal.example.com' };
  const ingress = { 'api.ingress.enabled': true, 'api.ingress.host': 'image-agent.example.com', 'api.ingress.tls.secretName': 'ia-tls' };
  checkUi('chart (ingress)', render({ ...hosted, ...ingress }), {
    uiUrl: 'https://temporal.example.com',
    codecEndpoint: `https://image-agent.example.com${codecPath}`,
    address: 'temporal-frontend.temporal:7233',
  });
  checkUi('chart (codecEndpoint set)', render({ ...hosted, 'temporalUi.codecEndpoint': 'https://audit.example.com/codec' }), {
    uiUrl: 'https://temporal.example.com',
    codecEndpoint: 'https://audit.example.com/codec',
    address: 'temporal-frontend.temporal:7233',
  });

  // Through port-forwards, the chart's UI is compose's: the same codec endpoint, origin and credentials.
  const compose = YAML.parse(read('infra/deploy/compose.yaml'), { merge: true, maxAliasCount: 1000 });
  const composeUi = compose.services['temporal-ui'];
  const composeUiEnv = composeUi.environment;
  const composeApiEnv = compose.services.api.environment;
  const local = checkUi(
    'chart (port-forward)',
    render({ 'temporalUi.enabled': true, 'temporal.address': 'temporal:7233', 'temporal.uiUrl': 'http://localhost:8233' }),
    {
      uiUrl: 'http://localhost:8233',
      codecEndpoint: composeUiEnv.TEMPORAL_CODEC_ENDPOINT,
      address: composeUiEnv.TEMPORAL_ADDRESS,
    },
  );
  expect('compose temporal-ui: the codec path', new URL(composeUiEnv.TEMPORAL_CODEC_ENDPOINT).pathname, codecPath);
  expect('compose temporal-ui: TEMPORAL_CODEC_INCLUDE_CREDENTIALS', composeUiEnv.TEMPORAL_CODEC_INCLUDE_CREDENTIALS, 'true');
  expect('compose temporal-ui: TEMPORAL_CORS_ORIGINS (the chart port-forwarded)', composeUiEnv.TEMPORAL_CORS_ORIGINS, local.TEMPORAL_CORS_ORIGINS);
  expect("compose api: IMAGE_AGENT_CODEC_CORS_ORIGINS (the UI's origin)", composeApiEnv.IMAGE_AGENT_CODEC_CORS_ORIGINS, composeUiEnv.TEMPORAL_CORS_ORIGINS);
  expect('compose temporal-ui: image', composeUi.image, `temporalio/ui:${uiServerVersion}`);

  // Turned off again: none of the UI's objects, whatever else is set.
  const off = render({ ...hosted, ...ingress, 'temporalUi.enabled': false, 'temporalUi.ingress.enabled': true });
  const left = off.filter((d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'temporal-ui').map((d) => `${d.kind}/${d.metadata.name}`);
  if (left.length) problems.push(`chart (temporalUi.enabled=false): still renders ${left.join(', ')}`);

  refuses('a UI whose temporal.uiUrl is still Temporal Cloud', { 'temporalUi.enabled': true }, 'set temporal.uiUrl to where browsers reach this UI');
  refuses('a UI ingress without TLS', { ...hosted, 'temporalUi.ingress.enabled': true }, 'temporalUi.ingress.tls.secretName is required');
  refuses(
    'a UI ingress for an http temporal.uiUrl',
    { ...hosted, 'temporal.uiUrl': 'http://temporal.example.com', 'temporalUi.ingress.enabled': true },
    'temporal.uiUrl must be https',
  );
} catch (err) {
  problems.push(
    `helm template failed: ${
      String(err.stderr ?? err.message)
        .trim()
        .split('\n')[0]
    }`,
  );
}

if (problems.length) {
  for (const p of problems) console.error(`temporal-ui: ${p}`);
  process.exit(1);
}
console.log(
  `temporal-ui: ${renderings} renderings and ${refusals} refusals; chart and compose agree (codec ${codecPath}, credentials included, temporalio/ui:${uiServerVersion})`,
);

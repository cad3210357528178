#!/usr/bin/env node
// Re-creates infra/deploy/schemas/kubernetes/ from the PyPI wheel kubernetes-validate (which ships the
// Kubernetes OpenAPI schemas per version): one standalone, strict schema per kind the chart renders, with
// only the definitions that kind reaches and without descriptions, so the vendored files stay small.
//   pip download --no-deps kubernetes-validate==1.37.0 -d /tmp/kv && unzip -q /tmp/kv/*.whl -d /tmp/kv
//   node infra/ci/vendor-k8s-schemas.mjs /tmp/kv/kubernetes_validate/kubernetes-json-schema/v1.33.0-local-strict
import fs from 'node:fs';
import path from 'node:path';

const KINDS = [
  'configmap-v1',
  'secret-v1',
  'service-v1',
  'serviceaccount-v1',
  'deployment-apps-v1',
  'job-batch-v1',
  'poddisruptionbudget-policy-v1',
  'horizontalpodautoscaler-autoscaling-v2',
  'ingress-networking-v1',
];
const [source, outDir = path.join(import.meta.dirname, '../deploy/schemas/kubernetes/v1.33.0-standalone-strict')] = process.argv.slice(2);
if (!source) {
  console.error('usage: vendor-k8s-schemas.mjs <…/v1.33.0-local-strict> [out dir]');
  process.exit(2);
}
const defs = JSON.parse(fs.readFileSync(path.join(source, '_definitions.json'), 'utf8')).$defs;
const REF = /^(?:\/api\/_definitions\.json)?#\/\$defs\/(.+)$/;

function rewrite(node, reached) {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, reached));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description') continue;
    if (k === '$ref' && typeof v === 'string') {
      const m = REF.exec(v);
      if (!m) throw new Error(`unexpected $ref ${v}`);
      reached.add(m[1]);
      out.$ref = `#/$defs/${m[1]}`;
      continue;
    }
    // Property names such as "description" inside "properties" are data, not annotations.
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, rewrite(s, reached)])) : rewrite(v, reached);
  }
  return out;
}

fs.mkdirSync(outDir, { recursive: true });
for (const kind of KINDS) {
  const reached = new Set();
  const schema = rewrite(JSON.parse(fs.readFileSync(path.join(source, `${kind}.json`), 'utf8')), reached);
  const included = {};
  for (const queue = [...reached]; queue.length;) {
    const name = queue.pop();
    if (included[name]) continue;
    if (!defs[name]) throw new Error(`missing definition ${name}`);
    const more = new Set();
    included[name] = rewrite(defs[name], more);
    for (const m of more) if (!included[m]) queue.push(m);
  }
  delete schema.$id;
  schema.$defs = Object.fromEntries(Object.entries(included).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(path.join(outDir, `${kind}.json`), JSON.stringify(schema) + '\n');
  console.log(`${kind}.json: ${Object.keys(included).length} definitions`);
}

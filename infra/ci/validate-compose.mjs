#!/usr/bin/env node
// Validates infra/deploy/compose.yaml as `docker compose config` would, without Docker: variables are
// interpolated (${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, $$) from compose.env.example, then
// the result is checked against the vendored Compose Specification schema with ajv. It also checks that
// each image-agent service's command names a file the image's build produces (dist/…, after npm run build).
// Exit 1 with one line per problem.
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const composeFile = process.argv[2] ?? path.join(root, 'infra/deploy/compose.yaml');
const envFile = process.argv[3] ?? path.join(root, 'infra/deploy/compose.env.example');
const schema = JSON.parse(fs.readFileSync(path.join(root, 'infra/deploy/schemas/compose/compose-spec.json'), 'utf8'));

const env = {};
for (const line of fs.readFileSync(envFile, 'utf8').split('\n')) {
  const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
  if (m) env[m[1]] = m[2];
}
const problems = [];
function interpolate(text) {
  return text.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (all, dollar, name, op, arg, bare) => {
    if (dollar === '$') return '$';
    const key = name ?? bare;
    const value = env[key];
    const unset = value === undefined || (op?.startsWith(':') && value === '');
    if (op === ':-' || op === '-') return unset ? arg : value;
    // Required secrets are empty in the example file on purpose: a placeholder stands in for the check.
    if (op === ':?' || op === '?') return unset ? `placeholder-${key.toLowerCase()}` : value;
    return value ?? '';
  });
}
function walk(node) {
  if (typeof node === 'string') return interpolate(node);
  if (Array.isArray(node)) return node.map(walk);
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
  return node;
}

const doc = YAML.parse(fs.readFileSync(composeFile, 'utf8'), { merge: true, maxAliasCount: 1000 });
const compose = walk(doc);
// The spec names its meta-schema by an https URL ajv does not register; it is draft-07, ajv's default.
delete schema.$schema;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
if (!validate(compose))
  for (const e of validate.errors ?? [])
    problems.push(`schema: ${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);

// Consistency with the image: every dist/ entry point a service runs must exist in the build.
for (const [name, service] of Object.entries(compose.services ?? {})) {
  if (!String(service.image ?? '').includes('image-agent')) continue;
  const command = Array.isArray(service.command) ? service.command : [];
  const entry = command.find((c) => c.startsWith('dist/'));
  if (!entry) problems.push(`${name}: command names no dist/ entry point`);
  else if (!fs.existsSync(path.join(root, entry))) problems.push(`${name}: ${entry} is not built (npm run build)`);
}

if (problems.length) {
  for (const p of problems) console.error(`compose: ${p}`);
  process.exit(1);
}
console.log(`compose: ${path.relative(root, composeFile)} is valid against the Compose Specification (${Object.keys(compose.services).length} services)`);

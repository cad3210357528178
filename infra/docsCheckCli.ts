/**
 * `npm run docs:check`: the documentation checks of infra/docsCheck.ts, one line each, closing with
 * "docs: N passed, M failed" (a counted CI target); exits 1 when any failed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MODEL_ROLES } from '../common/modelRoles';
import { CHAINED_ROLES, roleFallbacksVariable } from '../providers/fallback/modelChains';
import { roleVendorVariable } from '../providers/modelVendors';
import { buildProgram } from '../client/cliProgram';
import { projectRoot } from '../common/paths';
import { brokenLinks, documentation, readmeTooLong, unknownCommands, unknownScripts, variableDrift, variablesIn } from './docsCheck';

const SOURCE_FOLDERS = [
  'activities',
  'benchmarks',
  'client',
  'common',
  'config',
  'infra',
  'providers',
  'security',
  'telemetry',
  'test',
  'workers',
  'workflows',
];
const SOURCE_FILE = /\.(ts|mjs|sh|ya?ml)$|^Makefile$/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(full);
    // Test files set variables (and plant fake ones); the code and the test tiers' support files read them.
    return SOURCE_FILE.test(e.name) && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

const docs = documentation(projectRoot);
const code = [...SOURCE_FOLDERS.flatMap((f) => sources(path.join(projectRoot, f))), path.join(projectRoot, 'Makefile')]
  .map((f) => fs.readFileSync(f, 'utf8'))
  .join('\n');
const read = variablesIn(code);
// Each role's vendor and fallback variables are built from the role's name (config/loadConfig.ts, providers/fallback/modelChains.ts).
for (const v of [...MODEL_ROLES.map(roleVendorVariable), ...CHAINED_ROLES.map(roleFallbacksVariable)]) read.add(v);
const reference = variablesIn(fs.readFileSync(path.join(projectRoot, 'docs', 'configuration.md'), 'utf8'));
const documented = new Set(docs.flatMap((d) => [...variablesIn(d.text)]));
const scripts = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

const checks: [string, () => string[]][] = [
  ['relative links and images resolve', () => brokenLinks(projectRoot, docs)],
  ['documented image-agent commands and flags exist', () => unknownCommands(buildProgram(), docs)],
  ['documented npm scripts exist', () => unknownScripts(scripts, docs)],
  ['IMAGE_AGENT_* variables: read ⇔ in the configuration reference', () => variableDrift(read, reference, documented)],
  ['README.md is at most 12 KB', () => readmeTooLong(fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8'))],
];

let failed = 0;
for (const [name, run] of checks) {
  const problems = run();
  if (problems.length) failed += 1;
  console.log(`${problems.length ? 'FAIL' : 'ok  '}  ${name}`);
  for (const p of problems) console.log(`      ${p}`);
}
console.log(`docs: ${checks.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;

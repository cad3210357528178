/**
 * What an orchestration worker reports and how it polls (workers/workerDeployment.ts), from the settings:
 * unversioned by default with a compact build id, versioned with runs auto-upgrading when asked, and bad
 * names refused when the configuration loads.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/loadConfig';
import { gpuDeployment, orchestrationDeployment } from '../../workers/workerDeployment';

const bundle = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-')), 'workflow-bundle.js');
fs.writeFileSync(bundle, '/* a bundle */');
const bundleHash = createHash('sha256').update(fs.readFileSync(bundle)).digest('hex').slice(0, 12);
const prebuilt = { workflowBundle: { codePath: bundle } };
const configWith = (env: Record<string, string> = {}) => loadConfig({ PATH: process.env.PATH, ...env });

test('by default the worker is unversioned and reports the bundle’s hash as its build', () => {
  const config = configWith();
  expect(config.temporal.deployment).toEqual({ name: 'image-agent', versioning: false, buildId: undefined, promote: 'if-unset' });
  expect(orchestrationDeployment(config, prebuilt)).toEqual({ version: { deploymentName: 'image-agent', buildId: bundleHash }, useWorkerVersioning: false });
  // A worker that bundles at start has no stable build: the SDK's own version stands.
  expect(orchestrationDeployment(config, { workflowsPath: '/somewhere' })).toBeUndefined();
});

test('with versioning, the worker polls as a version of the named deployment and runs default to auto-upgrade', () => {
  const config = configWith({ IMAGE_AGENT_WORKER_VERSIONING: 'true', IMAGE_AGENT_DEPLOYMENT_NAME: 'acme-agents', IMAGE_AGENT_BUILD_ID: '2026.12.05' });
  expect(orchestrationDeployment(config, prebuilt)).toEqual({
    version: { deploymentName: 'acme-agents', buildId: '2026.12.05' },
    useWorkerVersioning: true,
    defaultVersioningBehavior: 'AUTO_UPGRADE',
  });
  // The GPU worker runs no workflow code and is never versioned.
  expect(gpuDeployment(config)).toMatchObject({ version: { deploymentName: 'acme-agents-gpu' }, useWorkerVersioning: false });
});

test('versioning without a stable build id is refused, not guessed', () => {
  const config = configWith({ IMAGE_AGENT_WORKER_VERSIONING: 'true' });
  expect(() => orchestrationDeployment(config, { workflowsPath: '/somewhere' })).toThrow(/needs a prebuilt workflow bundle or IMAGE_AGENT_BUILD_ID/);
});

test.each([
  ['IMAGE_AGENT_DEPLOYMENT_NAME', 'two words'],
  ['IMAGE_AGENT_BUILD_ID', 'v1/../v2'],
  ['IMAGE_AGENT_DEPLOY_PROMOTE', 'always'],
  ['IMAGE_AGENT_WORKER_VERSIONING', 'maybe'],
])('%s=%j is refused when the configuration loads, naming the setting', (name, value) => {
  expect(() => configWith({ [name]: value })).toThrow(name);
});

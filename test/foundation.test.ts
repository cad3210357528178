/**
 * The first end-to-end path on the real local stack: a GenerateImage workflow on the orchestration queue
 * renders on the GPU queue, the PNG lands in S3, and the history carries only references.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { loadConfig } from '../config/loadConfig';
import { resolveTool } from '../infra/toolchain';
import type { GenerateImageResult } from '../common/runResult';
import { runCli, runCommand } from './support/cli';
import { dumpHistory, findImageBytes } from './support/history';
import { startTestEnv, type TestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';

describe('foundation: generate on the local stack', () => {
  let env: TestEnv;
  let workflowId: string;
  let result: GenerateImageResult;

  beforeAll(async () => {
    env = await startTestEnv({ name: 'foundation' });
    workflowId = `test-foundation-${randomUUID()}`;
    result = await env.client.workflow.execute(generateImage, {
      taskQueue: env.taskQueue,
      workflowId,
      args: [{ request: 'a launch poster for a solar lamp', tenantId: 'test', userId: 'foundation', options: { size: '512x512' } }],
    });
  });
  afterAll(() => env.stop());

  test('the workflow stores a PNG in S3 under a deterministic key and returns only its reference', async () => {
    const image = result.final!.image;
    expect(image.key).toBe(`tenants/test/runs/${workflowId}/image-0/round-1.png`);
    const png = await env.store.get(image.key);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([512, 512]);
    expect(result.final!.renderedBy.provider).toBe('offline');
    expect(result.providers).toBe('offline');
  });

  test('the history holds no image bytes, and its size is reported', async () => {
    const dump = await dumpHistory(env.client.workflow.getHandle(workflowId));
    console.log(`history of ${workflowId}: ${dump.events} events, ${dump.bytes} bytes`);
    expect(findImageBytes(dump)).toEqual([]);
    // A whole agent run (plan, grounding, rounds, report) in well under 100 KB: references, not pixels.
    expect(dump.bytes).toBeLessThan(100_000);
  });

  test('the real temporal CLI lists and shows the run', async () => {
    const temporal = resolveTool('temporal', loadConfig().stack.dir);
    const list = await runCommand(temporal, [
      'workflow',
      'list',
      '--address',
      loadConfig().temporal.connection.address!,
      '--query',
      `WorkflowId = '${workflowId}'`,
      '-o',
      'json',
    ]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)[0].execution.workflowId).toBe(workflowId);
    const show = await runCommand(temporal, [
      'workflow',
      'show',
      '--address',
      loadConfig().temporal.connection.address!,
      '--workflow-id',
      workflowId,
      '-o',
      'json',
    ]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('"renderImage"');
    expect(show.stdout).toMatch(/WorkflowExecutionCompleted|WORKFLOW_EXECUTION_COMPLETED/);
  });
});

describe('a missing or unreachable component is one line naming it and the fix', () => {
  test.each([['Temporal', { TEMPORAL_ADDRESS: '127.0.0.1:1' }, /^image-agent: Temporal is unreachable at 127\.0\.0\.1:1: .*stack:up.*TEMPORAL_ADDRESS/]])(
    '%s',
    async (_name, badEnv, expected) => {
      const res = await runCli(['generate', 'a cat'], badEnv);
      expect(res.code).toBe(1);
      const lines = res.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
    },
  );

  test.each([
    ['object storage', { S3_ENDPOINT: 'http://127.0.0.1:1' }, /DOWN\s+object storage is unreachable: check S3_ENDPOINT/],
    [
      'Postgres',
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres' },
      /DOWN\s+postgres is unreachable: check DATABASE_URL[\s\S]*DOWN\s+tenant policies: Postgres is unreachable; starts use the last policy each process read/,
    ],
    ['Temporal', { TEMPORAL_ADDRESS: '127.0.0.1:1' }, /DOWN\s+temporal is unreachable: check TEMPORAL_ADDRESS/],
  ])('doctor names %s', async (_name, badEnv, expected) => {
    const res = await runCli(['doctor'], badEnv);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(expected);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    // The redacted configuration comes first, without the S3 secret.
    expect(res.stdout).toMatch(/^config \{.*"bucket":"image-agent"/);
    expect(res.stdout).not.toContain(loadConfig().s3.secretAccessKey);
  });

  test('an invalid setting names the variable', async () => {
    const res = await runCli(['generate', 'a cat'], { S3_BUCKET: 'Not_A_Bucket' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toMatch(/^image-agent: invalid configuration: S3_BUCKET: S3 bucket names are/);
  });
});

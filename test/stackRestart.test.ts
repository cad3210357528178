/**
 * Durability of the local stack itself: stopping and restarting Temporal, SeaweedFS and PGlite keeps
 * earlier runs, objects and rows (SQLite file, volume files, PGlite data folder).
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/loadConfig';
import { infrastructure } from '../infra/stack';
import { createPool } from '../providers/database';
import type { GenerateImageResult } from '../common/runResult';
import { startTestEnv } from './support/testEnv';
import { generateImage } from '../workflows/generate/generateImage';

test('a stack restart keeps earlier runs, objects and database rows', async () => {
  const config = loadConfig();
  const services = infrastructure(config);
  expect(services.every((s) => s.managed)).toBe(true);

  const env = await startTestEnv({ name: 'restart' });
  const workflowId = `test-restart-${randomUUID()}`;
  const tenant = `tenant-${randomUUID()}`;
  let result: GenerateImageResult;
  try {
    result = await env.client.workflow.execute(generateImage, {
      taskQueue: env.taskQueue,
      workflowId,
      args: [{ request: 'a red kite', tenantId: 'test', userId: 'restart', options: { size: '256x256' } }],
    });
  } finally {
    await env.stop();
  }
  const pool = createPool(config.databaseUrl, 1);
  await pool.query('insert into tenants (id) values ($1)', [tenant]);
  await pool.end();

  for (const s of services) expect(await s.stop()).toBe(true);
  for (const s of services) expect(await s.healthy()).toBe(false);
  await Promise.all(services.map((s) => s.start(() => undefined)));

  const after = await startTestEnv({ name: 'restart-after', workers: false });
  try {
    const description = await after.client.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('COMPLETED');
    const png = await after.store.get(result.final!.image.key);
    expect(png.length).toBe(result.final!.image.bytes);
  } finally {
    await after.stop();
  }
  const again = createPool(config.databaseUrl, 1);
  try {
    expect((await again.query('select id from tenants where id = $1', [tenant])).rowCount).toBe(1);
  } finally {
    await again.end();
  }
});

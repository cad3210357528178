/**
 * After the suite: stop the stack services the suite started (a stack that was up before the tests is
 * left as it was). IMAGE_AGENT_KEEP_STACK=1 keeps everything running, for a faster next run.
 */
import { loadConfig } from '../config/loadConfig';
import { infrastructure } from '../infra/stack';

export default async function globalTeardown(): Promise<void> {
  const started = globalThis.imageAgentStartedBySuite ?? [];
  if (process.env.IMAGE_AGENT_KEEP_STACK === '1' || started.length === 0) return;
  for (const service of infrastructure(loadConfig()).filter((s) => started.includes(s.name))) {
    if (await service.stop()) process.stdout.write(`  stopped ${service.name} (started by the suite)\n`);
  }
}

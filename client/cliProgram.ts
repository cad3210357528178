/**
 * image-agent's command line as a commander program: one file per group of commands under client/commands/.
 * Built without parsing, so the docs can be generated from it and checked against it.
 */
import { Command } from 'commander';
import { describeConfig, loadConfig } from '../config/loadConfig';
import { stackStatus } from '../infra/stack';
import { registerBatch } from './commands/batch';
import { registerGenerate } from './commands/generate';
import { registerReview } from './commands/review';
import { registerErase } from './commands/erase';
import { registerRuns } from './commands/runs';
import { registerServe } from './commands/serve';
import { registerSession } from './commands/session';
import { registerTenant } from './commands/tenant';
import { registerPriority } from './commands/priority';
import { tenantPolicies } from './tenantPolicies';

export function buildProgram(): Command {
  const program = new Command('image-agent').description('agentic image generation on Temporal').showHelpAfterError();

  registerGenerate(program);
  registerReview(program);
  registerRuns(program);
  registerSession(program);
  registerServe(program);
  registerBatch(program);
  registerErase(program);
  registerTenant(program);
  registerPriority(program);

  program
    .command('doctor')
    .description('check that Temporal, object storage, Postgres and both workers are reachable')
    .action(async () => {
      const config = loadConfig();
      // The configuration as this process reads it, secrets redacted: the first thing to check when a part is down.
      console.log(`config ${JSON.stringify(describeConfig(config))}`);
      const rows = await stackStatus(config);
      for (const { service, healthy } of rows) {
        console.log(healthy ? `ok    ${service.describe()[0]}` : `DOWN  ${service.name} is unreachable: ${service.fix}`);
      }
      const d = config.tenants.defaults;
      console.log(
        `tenant defaults: rounds ≤ ${d.maxRounds}, images ≤ ${d.maxImages}, ${d.priorityClass}, weight ${d.fairnessWeight}, ≤ ${d.maxQueuedRuns} queued, ≤ ${d.maxOpenRuns} open; four-eyes: ${config.security.fourEyesTenants.join(', ') || 'none'}; dispatch keys ${config.tenants.dispatchKeys ? 'on' : 'off'}`,
      );
      const policies = await tenantPolicies(config)
        .overview()
        .catch(() => undefined);
      console.log(
        policies
          ? `ok    tenant policies: ${policies.stored} stored${policies.lastChange ? `, last changed ${policies.lastChange}` : ''} (image-agent tenant list)`
          : `DOWN  tenant policies: Postgres is unreachable; starts use the last policy each process read (reused for ${config.tenants.policyCacheMs / 1000} s while it is up), and a process that never read one waits out the outage window`,
      );
      if (rows.some((r) => !r.healthy) || !policies) process.exitCode = 1;
    });
  return program;
}

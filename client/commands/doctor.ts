/**
 * `image-agent doctor`: the configuration as this process reads it, every component of the stack reachable or
 * not, the tenant defaults and stored policies, and, for each local stack process that serves /metrics, how old
 * the tenant policy is that it would start runs under while Postgres is down, and any open model breaker.
 */
import type { Command } from 'commander';
import type { AppConfig } from '../../common/config';
import { describeConfig, loadConfig } from '../../config/loadConfig';
import { stackStatus } from '../../infra/stack';
import { stackMetricsTargets } from '../../infra/stackOpsPorts';
import { tenantPolicies } from '../tenantPolicies';

export function registerDoctor(program: Command): void {
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
      for (const line of await stackProcessLines(config)) console.log(line);
      if (rows.some((r) => !r.healthy) || !policies) process.exitCode = 1;
    });
}

/**
 * What each running stack process says on its /metrics (a stopped one is skipped): the tenant policy it last
 * read, and its model endpoints' circuit breakers.
 */
async function stackProcessLines(config: AppConfig): Promise<string[]> {
  const texts = await Promise.all(
    stackMetricsTargets(config).map(async ({ process, target }) => ({
      process,
      text: await fetch(`http://${target}/metrics`, { signal: AbortSignal.timeout(1500) })
        .then((r) => (r.ok ? r.text() : undefined))
        .catch(() => undefined),
    })),
  );
  const up = texts.filter((t): t is { process: (typeof texts)[number]['process']; text: string } => t.text !== undefined);
  const policy = up.flatMap(({ process, text }) => policyCacheLine(process, text) ?? []);
  return [
    ...(policy.length ? policy : ['      no running stack process has read a tenant policy yet']),
    ...up.flatMap(({ process, text }) => breakerLines(process, text)),
  ];
}

const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;

/** One line per model endpoint whose breaker is not closed, or one saying all are (exported for tests). */
export function breakerLines(process: string, metricsText: string): string[] {
  const breakers = [...metricsText.matchAll(/^image_agent_model_breaker_state\{endpoint="([^"]*)"\} (\d+)$/gm)].map((m) => ({
    endpoint: m[1]!,
    state: BREAKER_STATES[Number(m[2])] ?? 'open',
  }));
  if (!breakers.length) return [];
  const unwell = breakers.filter((b) => b.state !== 'closed');
  if (!unwell.length) return [`      ${process}: ${breakers.length} model endpoints in fallback chains, every breaker closed`];
  return unwell.map((b) => `WARN  ${process}: the breaker of ${b.endpoint} is ${b.state}; its calls go to the next link of the chain`);
}

/** One process's line, from the two policy-cache metrics in its Prometheus text (exported for tests). */
export function policyCacheLine(process: string, metricsText: string): string | undefined {
  const value = (name: string) => {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(metricsText);
    return m ? Number(m[1]) : undefined;
  };
  const age = value('image_agent_tenant_policy_read_age_seconds');
  const stale = value('image_agent_tenant_policy_stale_reads_total') ?? 0;
  // A process that never started a run (the workers) has nothing to say.
  if (age === undefined || age < 0) return undefined;
  return `      ${process}: last read a tenant policy from Postgres ${Math.round(age)} s ago${stale ? `; ${stale} starts used a stale one` : ''}`;
}

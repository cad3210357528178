/**
 * `npm run soak [-- --runs 200 --database pglite|real --seed 7]`: the chaos soak. Generations go through
 * the HTTP API against the fake OpenAI-compatible server while faults are injected — model calls failing
 * (429 with Retry-After, 500, timeouts, malformed and truncated answers, slow bodies), both workers
 * SIGKILLed and restarted, the Temporal server restarted, S3 and Postgres stopped for 60 s — with a fallback
 * link the failing calls move to and every paid call reserved in the spend ledger, and what
 * happened is then read from the sources of truth (soakVerify.ts). Writes JSON and Markdown, prints a
 * table, exits 1 when a check fails. `--short` is the CI version: 30 runs and one fault of each kind.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { buildApi } from '../../client/api/apiServer';
import { loadConfig } from '../../config/loadConfig';
import { projectRoot } from '../../common/paths';
import { createPool } from '../../providers/database';
import { migrate } from '../../infra/migrate';
import { infrastructure, stackUp } from '../../infra/stack';
import type { StackService } from '../../infra/stackService';
import { queueHasPoller } from '../../infra/workerProcesses';
import { requestLine, scriptAgentDefaults } from '../fakeOpenAI/agentDefaults';
import { FakeOpenAIServer, type ChaosFault } from '../fakeOpenAI/fakeOpenAIServer';
import { startTestEnv } from '../support/testEnv';
import { tenantPolicies } from '../../client/tenantPolicies';
import { SoakLoad } from './soakLoad';
import { verifySoak, type Check } from './soakVerify';
import { WebhookReceiver } from './webhookReceiver';
import { WorkerSupervisor, type WorkerRole } from './workerSupervisor';

interface Options {
  runs: number;
  database: 'pglite' | 'real';
  seed: number;
  short: boolean;
  out: string;
}

const FAULTS: ChaosFault[] = ['rate_limit', 'server_error', 'timeout', 'malformed', 'truncated', 'slow'];
const OUTAGE_MS = 60_000;

/** A small seeded generator (mulberry32): the same seed gives the same faults in the same order. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A real Postgres stopped and started through the same script the suite uses. */
function realPostgresService(): StackService {
  const script = path.join(projectRoot, 'infra', 'ci', 'real-postgres.sh');
  return {
    name: 'postgres',
    managed: true,
    fix: 'infra/ci/real-postgres.sh start',
    describe: () => ['real Postgres (infra/ci/real-postgres.sh)'],
    healthy: async () => true,
    start: async () => void execFileSync(script, ['start'], { stdio: ['ignore', 'pipe', 'inherit'] }),
    stop: async () => (execFileSync(script, ['stop'], { stdio: 'inherit' }), true),
  };
}

async function main(o: Options): Promise<number> {
  const started = Date.now();
  const rand = seeded(o.seed);
  const tenantId = `soak-${randomUUID().slice(0, 8)}`;
  const secrets = {
    apiKey: `sk-soak-${randomUUID()}`,
    backupKey: `sk-soak-backup-${randomUUID()}`,
    webhook: `whsec-soak-${randomUUID()}`,
    token: `tok-soak-${randomUUID()}`,
  };
  const databaseUrl =
    o.database === 'real' ? execFileSync(path.join(projectRoot, 'infra', 'ci', 'real-postgres.sh'), ['start'], { encoding: 'utf8' }).trim() : undefined;
  const base = loadConfig();
  const servicesBefore = await Promise.all(infrastructure(base).map(async (s) => ({ s, up: await s.healthy().catch(() => false) })));
  await stackUp(base, { workers: false, log: (l) => console.log(`  ${l}`) });
  if (databaseUrl) {
    const pool = createPool(databaseUrl, 1);
    try {
      await migrate(pool);
    } finally {
      await pool.end();
    }
  }

  // The primary, under chaos, and a backup the fallback chain moves to (openai:backup): the same answers.
  const [fake, backup] = [await new FakeOpenAIServer().start(), await new FakeOpenAIServer().start()];
  for (const f of [fake, backup]) scriptSoakAnswers(f);

  const receiver = await new WebhookReceiver().start();
  const workerEnv: Record<string, string> = {
    IMAGE_AGENT_TASK_QUEUE: `soak-${randomUUID().slice(0, 8)}`,
    IMAGE_AGENT_PROVIDERS: 'openai',
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: secrets.apiKey,
    // A fallback link on its own endpoint and key: calls the chaos fails move there (providers/fallback/).
    IMAGE_AGENT_FALLBACKS: 'openai:backup',
    OPENAI_BASE_URL_BACKUP: backup.baseURL,
    OPENAI_API_KEY_BACKUP: secrets.backupKey,
    // Priced, so every paid call reserves in the spend ledger and settles (providers/spend/).
    IMAGE_AGENT_PRICES: JSON.stringify({ 'gpt-image-1': { perImage: 0.04 }, 'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 } }),
    // A hung model call becomes a timeout in seconds, not minutes.
    IMAGE_AGENT_MODEL_TIMEOUT_MS: '5000',
    IMAGE_AGENT_WEBHOOK_SECRET: secrets.webhook,
    WEBHOOK_ALLOW_HOSTS: receiver.hostPort,
    IMAGE_AGENT_API_TOKENS: `${secrets.token}:${tenantId}`,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const env = await startTestEnv({ name: 'soak', workers: false, env: workerEnv, taskQueue: workerEnv.IMAGE_AGENT_TASK_QUEUE });
  const config = env.config;
  // A budget the load stays within: the reservations are checked against it, and none may stay open.
  await tenantPolicies(config).change(tenantId, { budgets: { dailyUsd: 100, onExceeded: 'fail' } }, 'soak');
  const api = buildApi({ client: env.client, config, store: env.store });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  const logDir = path.join(o.out, 'logs');
  const supervisor = new WorkerSupervisor(workerEnv, logDir);
  supervisor.start();
  while (!(await queueHasPoller(config, config.temporal.taskQueue, 'workflow').catch(() => false))) await sleep(500);

  fake.chaos = { rate: 0.2, faults: FAULTS, random: rand, slowMs: 1500 };
  const deadline = Date.now() + (o.short ? 20 : 45) * 60_000;
  const load = new SoakLoad({ api: apiUrl, token: secrets.token, webhookUrl: receiver.url, tenantId }, deadline);
  const services = infrastructure(config);
  const service = (name: string) => (name === 'postgres' && databaseUrl ? realPostgresService() : services.find((s) => s.name === name)!);
  const faultLog: string[] = [];
  const note = (line: string) => {
    const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
    faultLog.push(`${t} s  ${line}`);
    console.log(`  [fault ${t} s] ${line}`);
  };

  // Load: runs submitted at a steady pace so the faults land while work is in flight.
  const paceMs = o.short ? 4000 : 2000;
  const submissions: Promise<void>[] = [];
  const loadDone = (async () => {
    submissions.push(load.session(env.client, config, o.short ? 3 : 5).catch((err: unknown) => void load.errors.push(`session: ${(err as Error).message}`)));
    submissions.push(
      load
        .batch({ client: env.client, config, store: env.store }, o.short ? 5 : 10)
        .catch((err: unknown) => void load.errors.push(`batch: ${(err as Error).message}`)),
    );
    for (let i = 0; i < o.runs; i++) {
      submissions.push(load.submit(i).catch((err: unknown) => void load.errors.push(`run ${i}: ${(err as Error).message}`)));
      await sleep(paceMs);
    }
    await Promise.all(submissions);
  })();

  // Faults: kills spread over the load; one Temporal restart; S3 and Postgres each down for 60 s.
  const span = o.runs * paceMs;
  const kills = o.short ? 1 : 5;
  const at = (share: number) => sleep(Math.max(0, started + 15_000 + share * span - Date.now()));
  const faults: Promise<void>[] = [];
  for (const role of ['orchestrationWorker', 'gpuWorker'] as WorkerRole[]) {
    for (let k = 0; k < kills; k++) {
      const share = (k + 0.3 + rand() * 0.5) / (kills + 0.5);
      faults.push(
        (async () => {
          await at(share);
          const delay = 1000 + Math.floor(rand() * 4000);
          note(`SIGKILL ${role}, restart in ${delay} ms`);
          await supervisor.kill(role, delay);
        })(),
      );
    }
  }
  const outage = async (name: string, share: number, ms: number) => {
    await at(share);
    note(`stop ${name}${name === 'postgres' ? ` (${o.database})` : ''} for ${ms / 1000} s`);
    await service(name).stop();
    await sleep(ms);
    await service(name).start(() => undefined);
    note(`${name} back`);
  };
  faults.push(outage('object storage', 0.2, OUTAGE_MS));
  faults.push(outage('temporal', 0.45, 5000));
  faults.push(outage('postgres', 0.6, OUTAGE_MS));
  await Promise.all(faults);
  await loadDone;
  note('all faults done and all runs submitted; waiting for every run to end');

  // Wait for the runs to end (bounded), then stop injecting faults and read the sources of truth.
  const waitUntil = Math.min(deadline, Date.now() + 15 * 60_000);
  for (const id of [...load.runs.map((r) => r.workflowId), ...(load.batchWorkflowId ? [load.batchWorkflowId] : [])]) {
    const left = waitUntil - Date.now();
    if (left <= 0) break;
    await Promise.race([
      env.client.workflow
        .getHandle(id)
        .result()
        .catch(() => undefined),
      sleep(left),
    ]);
  }
  fake.chaos = undefined;
  // Webhook deliveries still being retried finish within their own backoff.
  await sleep(5000);
  const pool = createPool(databaseUrl ?? config.databaseUrl, 2);
  const stackLogs = fs.existsSync(path.join(config.stack.dir, 'logs'))
    ? fs.readdirSync(path.join(config.stack.dir, 'logs')).map((f) => path.join(config.stack.dir, 'logs', f))
    : [];
  const { checks, figures } = await verifySoak({
    client: env.client,
    store: env.store,
    pool,
    fakes: [fake, backup],
    receiver,
    load,
    tenantId,
    secrets: [secrets.apiKey, secrets.backupKey, secrets.webhook, secrets.token, config.s3.secretAccessKey],
    logFiles: [...supervisor.logFiles(), ...stackLogs],
  });
  await pool.end();
  await supervisor.stop();
  await api.close();
  await env.stop();
  await receiver.stop();
  await fake.stop();
  await backup.stop();
  // Leave the machine as it was: stop what the soak started.
  for (const { s, up } of servicesBefore) if (s.managed && !up) await s.stop();
  if (databaseUrl) execFileSync(path.join(projectRoot, 'infra', 'ci', 'real-postgres.sh'), ['stop']);

  const seconds = Math.round((Date.now() - started) / 1000);
  const summary = {
    command: `npm run soak -- --runs ${o.runs} --database ${o.database} --seed ${o.seed}${o.short ? ' --short' : ''}`,
    database: o.database,
    runs: o.runs,
    seconds,
    kills: supervisor.kills,
    workerRestartsAfterExit: supervisor.restarts,
    faults: faultLog,
    figures,
    checks,
  };
  fs.mkdirSync(o.out, { recursive: true });
  fs.writeFileSync(path.join(o.out, 'soak.json'), `${JSON.stringify(summary, null, 2)}\n`);
  fs.writeFileSync(path.join(o.out, 'soak.md'), markdown(summary, checks));
  console.log(markdown(summary, checks));
  const failedChecks = checks.filter((c) => !c.ok);
  console.log(`soak: ${checks.length - failedChecks.length} passed, ${failedChecks.length} failed`);
  return failedChecks.length ? 1 : 0;
}

/** What the fake model servers answer: the agent's defaults, plus a plan (an image set for a slide deck) and a profile. */
function scriptSoakAnswers(f: FakeOpenAIServer): void {
  f.baseLatencyMs.chat = 20;
  f.baseLatencyMs['images.generate'] = 300;
  f.baseLatencyMs['images.edit'] = 300;
  f.script(
    {
      route: 'chat',
      schema: 'context_plan',
      reply: (req) => {
        const text = requestLine(req);
        const set = text.includes('slide deck');
        return {
          json: {
            intent: 'soak',
            questions: text.includes('usual style')
              ? [{ id: 'q1', question: 'What is my usual style?', route: 'memory', dependsOn: [], rationale: 'personal' }]
              : [],
            images: set
              ? [
                  { id: 'cover', brief: 'cover slide', dependsOn: [] },
                  { id: 'two', brief: 'slide two', dependsOn: ['cover'] },
                  { id: 'three', brief: 'slide three', dependsOn: ['cover'] },
                ]
              : [{ id: 'image-1', brief: text, dependsOn: [] }],
            ...(set ? { sharedStyle: 'flat, teal and sand' } : {}),
          },
        };
      },
    },
    { route: 'chat', schema: 'profile_update', reply: { json: { preferredStyle: 'watercolour' } } },
  );
  scriptAgentDefaults(f);
}

function markdown(
  s: { command: string; seconds: number; figures: Record<string, number>; kills: Record<string, number>; faults: string[] },
  checks: Check[],
): string {
  return [
    `# Soak: ${s.command}`,
    '',
    `${s.seconds} s; SIGKILLs: orchestration ${s.kills.orchestrationWorker}, GPU ${s.kills.gpuWorker}.`,
    '',
    '| check | value | expected | |',
    '| --- | --- | --- | --- |',
    ...checks.map((c) => `| ${c.name} | ${c.value} | ${c.expected} | ${c.ok ? 'ok' : '**FAIL**'} |`),
    '',
    '| figure | value |',
    '| --- | --- |',
    ...Object.entries(s.figures).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '## Faults',
    '',
    ...s.faults.map((f) => `- ${f}`),
    '',
    ...checks.filter((c) => !c.ok && c.detail).flatMap((c) => [`## ${c.name}`, '', ...c.detail!.map((d) => `- ${d}`), '']),
  ].join('\n');
}

const opts = new Command()
  .option('--runs <n>', 'generations through the HTTP API (plus a session and a batch)', '200')
  .option('--database <kind>', 'pglite (the embedded default) or real (Debian PostgreSQL via infra/ci/real-postgres.sh)', 'pglite')
  .option('--seed <n>', 'seed of the fault injection', '7')
  .option('--short', 'the CI version: 30 runs unless --runs says otherwise, one fault of each kind')
  .option('--out <dir>', 'where soak.json and soak.md go')
  .parse()
  .opts<{ runs: string; database: string; seed: string; short?: boolean; out?: string }>();
if (opts.database !== 'pglite' && opts.database !== 'real') {
  console.error('soak: --database is pglite or real');
  process.exit(2);
}
const runs = opts.short && !process.argv.includes('--runs') ? 30 : Number(opts.runs);
main({
  runs,
  database: opts.database,
  seed: Number(opts.seed),
  short: opts.short === true,
  out: opts.out ?? path.join(projectRoot, 'out', 'soak', `${new Date().toISOString().replace(/[:.]/g, '-')}-${opts.database}`),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`soak failed to run: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);

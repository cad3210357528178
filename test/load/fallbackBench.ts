/**
 * `npm run bench:fallback`: a fallback chain through a vendor outage, on the local stack against two fake model
 * servers. The primary answers every chat and image request with 429 or 500 (alternating) for 60 s while runs
 * start every few seconds; the backup (`openai:backup`, its own URL and key) answers. Printed, never asserted:
 * runs completed, calls and renders each link answered, the primary's requests once its breakers opened and the
 * shortest gap between them (the target: one probe per 5 s at most, per kind of call), and how soon after the
 * outage the primary answered again.
 */
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import type { GenerateImageInput } from '../../common/request';
import type { GenerateImageResult, RunReport } from '../../common/runResult';
import { generateImage } from '../../workflows/generate/generateImage';
import { writeWorkflowBundle } from '../../workers/workflowBundle';
import { scriptAgentDefaults } from '../fakeOpenAI/agentDefaults';
import { FakeOpenAIServer, type Route } from '../fakeOpenAI/fakeOpenAIServer';
import { TEST_BUNDLE } from '../support/paths';
import { startTestEnv } from '../support/testEnv';

async function main(): Promise<void> {
  const opts = new Command()
    .option('--outage-seconds <n>', 'how long the primary fails', '60')
    .option('--runs <n>', 'runs started over the outage and a little after', '24')
    .parse()
    .opts<{ outageSeconds: string; runs: string }>();
  const outageMs = Number(opts.outageSeconds) * 1000;
  await writeWorkflowBundle(TEST_BUNDLE);
  const primary = await new FakeOpenAIServer().start();
  const backup = await new FakeOpenAIServer().start();
  for (const fake of [primary, backup]) {
    fake.baseLatencyMs.chat = 20;
    fake.baseLatencyMs['images.generate'] = 150;
  }
  const env = await startTestEnv({
    name: 'fallback-bench',
    fake: primary,
    env: { IMAGE_AGENT_FALLBACKS: 'openai:backup', OPENAI_BASE_URL_BACKUP: backup.baseURL, OPENAI_API_KEY_BACKUP: 'sk-bench-backup' },
  });
  try {
    const started = Date.now();
    const outageEnds = started + outageMs;
    let n = 0;
    // Alternating 429 (with Retry-After) and 500, as a vendor under an incident does.
    const down = (route: Route) => [
      { route, when: () => Date.now() < outageEnds && n++ % 2 === 0, fault: { status: 429, retryAfterSeconds: 1 } },
      { route, when: () => Date.now() < outageEnds, fault: { status: 500 } },
    ];
    primary.script(...down('chat'), ...down('images.generate'), ...down('images.edit'));
    scriptAgentDefaults(primary);
    scriptAgentDefaults(backup);

    const count = Number(opts.runs);
    const spacing = (outageMs * 1.2) / count;
    const runs: { startedAt: number; result: Promise<GenerateImageResult> }[] = [];
    for (let i = 0; i < count; i++) {
      await new Promise((r) => setTimeout(r, Math.max(0, started + i * spacing - Date.now())));
      const input: GenerateImageInput = {
        request: `a launch poster, variant ${i}`,
        tenantId: 'bench-fallback',
        userId: 'u',
        options: { size: '256x256', maxRounds: 1 },
      };
      runs.push({
        startedAt: Date.now(),
        result: env.client.workflow.execute(generateImage, { taskQueue: env.taskQueue, workflowId: `fallback-bench-${randomUUID()}`, args: [input] }),
      });
    }
    const settled = await Promise.allSettled(runs.map((r) => r.result));
    const done = settled.flatMap((s) => (s.status === 'fulfilled' && s.value.outcome === 'completed' ? [s.value] : []));
    const reports = await Promise.all(done.map((r) => env.store.getJson<RunReport>(r.reportKey!)));
    const calls = reports.flatMap((r) => r.calls);
    const renders = done.map((r) => r.final!.renderedBy);
    const byLink = (providers: string[]) => {
      const counts = new Map<string, number>();
      for (const p of providers) counts.set(p, (counts.get(p) ?? 0) + 1);
      return [...counts].map(([p, c]) => `${p} ${c}`).join(', ') || 'none';
    };

    console.log('');
    console.log(`| measure | figure |`);
    console.log(`| --- | --- |`);
    console.log(
      `| runs completed | ${done.length} of ${count} (${runs.filter((r) => r.startedAt < outageEnds).length} started during the ${opts.outageSeconds} s outage) |`,
    );
    console.log(`| chat calls by link | ${byLink(calls.map((c) => c.provider))} |`);
    console.log(`| renders by link | ${byLink(renders.map((r) => r.provider))} |`);
    console.log(
      `| fallbacks by reason | ${byLink([...calls.flatMap((c) => (c.fallback ? [c.fallback.kind] : [])), ...renders.flatMap((r) => (r.fallback ? [r.fallback.kind] : []))])} |`,
    );
    for (const [kind, routes] of [
      ['chat', ['chat']],
      ['image', ['images.generate', 'images.edit']],
    ] as [string, Route[]][]) {
      const seen = primary.requests.filter((r) => routes.includes(r.route) && r.at < outageEnds).sort((a, b) => a.at - b.at);
      const answered = seen.map((r) => r.doneAt ?? Infinity).sort((a, b) => a - b);
      const opened = (answered[4] ?? Infinity) + 200;
      const probes = seen.filter((r) => r.at > opened);
      const gaps = probes.slice(1).map((p, i) => p.at - probes[i]!.at);
      const span = (outageEnds - Math.min(opened, outageEnds)) / 1000;
      console.log(
        `| primary ${kind} requests during the outage | ${seen.length}: ${seen.length - probes.length} before its breaker opened, then ${probes.length} probes in ${span.toFixed(0)} s (shortest gap ${gaps.length ? (Math.min(...gaps) / 1000).toFixed(1) : '–'} s; target ≥ 5 s) |`,
      );
    }
    const back = primary.requests.filter((r) => r.at >= outageEnds && !r.injected).sort((a, b) => a.at - b.at)[0];
    console.log(`| primary answering again | ${back ? `${((back.at - outageEnds) / 1000).toFixed(1)} s after the outage ended` : 'not within the bench'} |`);
  } finally {
    await env.stop();
    await backup.stop();
    await primary.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:fallback failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);

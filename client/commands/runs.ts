/** `image-agent status | cancel | list | show`: operators watching runs and auditors reading them (decisions and reviewers' questions included). */
import { Option, type Command } from 'commander';
import type { ReviewQuestionRecord } from '../../common/review';
import type { RunReport } from '../../common/runResult';
import { verdictSummary } from '../../common/generation';
import { cancelGeneration, generationReport, generationStatus, listGenerations } from '../generations';
import { formatRun, verdictLabel } from '../printRun';
import { formatEta, type RunEta } from '../queuePlace';
import { intOption, printJson, withGenerations } from './context';

export function registerRuns(program: Command): void {
  program
    .command('status')
    .description('stage, round, candidates with URLs, verdicts, pending review, usage')
    .argument('<workflowId>')
    .option('--json', 'print JSON')
    .action((workflowId: string, flags: { json?: boolean }) =>
      withGenerations(async (g) => {
        const s = await generationStatus(g, workflowId);
        if (flags.json) return printJson(s);
        console.log(`run        ${s.workflowId} (${s.runStatus.toLowerCase()})`);
        if (s.queue) {
          const q = s.queue;
          console.log(`queue      waiting for a worker: #${q.position} of its tenant's waiting runs, ${q.aheadOnQueue} ahead on its queue`);
          console.log(`eta        ${etaLine(q)}`);
          return;
        }
        console.log(`stage      ${s.stage}, round ${s.round}, approval ${s.approval}, providers ${s.providers}`);
        if (s.pendingReview) {
          console.log(
            `review     waiting for a ${s.pendingReview.kind} decision since ${s.pendingReview.since}${s.pendingReview.deadline ? ` (until ${s.pendingReview.deadline}, then ${s.pendingReview.escalatesTo ? 'escalated' : s.pendingReview.onTimeout})` : ''}`,
          );
          if (s.pendingReview.candidateKey) console.log(`           candidate ${s.pendingReview.candidateKey}`);
          if (s.pendingReview.remindedAt) console.log(`           reminded   ${s.pendingReview.remindedAt}`);
          if (s.pendingReview.escalatesTo) console.log(`           at the deadline escalates to ${s.pendingReview.escalatesTo.join(', ')}`);
          if (s.pendingReview.escalatedTo)
            console.log(`           escalated  ${s.pendingReview.escalatedAt}: only ${s.pendingReview.escalatedTo.join(', ')} may decide`);
        }
        for (const c of s.candidates) {
          console.log(`image ${c.imageIndex} round ${c.round}: ${c.critique ? verdictSummary(c.critique) : 'not judged'}  ${c.image.key}`);
          for (const v of c.critique?.verdicts ?? []) console.log(`   ${verdictLabel(v)} ${v.itemId}: ${v.reason}`);
          console.log(`   ${s.urls[c.image.key]}`);
        }
        for (const d of s.decisions) console.log(`decision   ${d.kind} ${d.decision} by ${d.reviewer} (${d.via})${d.feedback ? `: ${d.feedback}` : ''}`);
        printQuestions(s.questions);
        if (s.budgetGate) {
          const b = s.budgetGate;
          console.log(`budget     paused at ${b.budget} since ${b.since}; tries again at ${b.recheckAt}`, `\n           ${b.message}`);
          console.log(`           raise the budget (image-agent budget set), or: image-agent budget resume|stop ${s.workflowId}`);
        }
        if (s.eta) console.log(`eta        ${etaLine(s.eta)}`);
        if (s.spend) {
          console.log(
            `spend      $${s.spend.settledUsd.toFixed(4)} settled, $${s.spend.reservedUsd.toFixed(4)} reserved by calls in flight (${s.spend.calls} calls)`,
          );
          for (const b of s.spend.budgets ?? [])
            console.log(`           ${b.budget}: $${b.committedUsd.toFixed(4)}${b.limitUsd !== undefined ? ` of $${b.limitUsd.toFixed(2)}` : ' (no limit)'}`);
        }
        console.log(`usage      ${s.usage.calls} calls, ${s.usage.inputTokens}+${s.usage.outputTokens} tokens, ${s.usage.images} images`);
        console.log(`Temporal   ${s.ui}`);
      }),
    );

  program
    .command('cancel')
    .description('cancel a run at any stage; it still writes its report')
    .argument('<workflowId>')
    .action((workflowId: string) =>
      withGenerations(async (g) => {
        await cancelGeneration(g, workflowId);
        console.log(`cancellation requested for ${workflowId}`);
      }),
    );

  program
    .command('list')
    .description('recent runs, or those waiting for review (visibility queries)')
    .option('--pending', 'only runs waiting for a reviewer')
    .addOption(new Option('--tenant <id>', 'tenant').env('IMAGE_AGENT_TENANT'))
    .option('--user <id>', 'only this user (needs --tenant)')
    .option('--limit <n>', 'at most this many', intOption, 20)
    .option('--json', 'print JSON')
    .action((flags: { pending?: boolean; tenant?: string; user?: string; limit: number; json?: boolean }) =>
      withGenerations(async (g) => {
        const runs = await listGenerations(g, { pendingReview: flags.pending, tenant: flags.tenant, user: flags.user, limit: flags.limit });
        if (flags.json) return printJson(runs);
        if (!runs.length) console.log(flags.pending ? 'no runs are waiting for review' : 'no runs');
        for (const r of runs)
          console.log(`${r.workflowId}  ${r.status.toLowerCase().padEnd(10)} ${(r.stage ?? '').padEnd(16)} ${(r.approval ?? '').padEnd(12)} ${r.startTime}`);
      }),
    );

  program
    .command('show')
    .description('the run report: plan, evidence with sources, every prompt, verdicts, decisions, cost, timings')
    .argument('<workflowId>')
    .option('--json', 'print the report JSON')
    .option('--prompts', 'print every prompt sent, in full')
    .action((workflowId: string, flags: { json?: boolean; prompts?: boolean }) =>
      withGenerations(async (g) => {
        const report = await generationReport(g, workflowId);
        if (flags.json) return printJson(report);
        console.log(formatRun(report.result, { copies: [], bucket: g.config.s3.bucket }));
        printQuestions(report.questions ?? []);
        console.log('', `calls      ${report.calls.length} (${report.result.providers})`);
        for (const c of report.calls) {
          console.log(
            `  ${c.purpose.padEnd(20)} ${c.model.padEnd(30)} ${String(c.usage.inputTokens).padStart(6)}+${String(c.usage.outputTokens).padEnd(6)} ${c.durationMs} ms`,
          );
          if (flags.prompts)
            for (const m of c.messages)
              console.log(indent(`[${m.role}${m.images ? `, ${m.images} image(s)` : ''}] ${m.text}`), indent(`[response] ${c.response}`));
        }
        printCost(report);
      }),
    );
}

/** Reviewers' questions to the agent and its answers (the respond action), one block each. */
function printQuestions(questions: readonly ReviewQuestionRecord[]): void {
  for (const q of questions) {
    console.log(`question   ${q.at} by ${q.by}: ${q.question}`);
    console.log(indent(`${q.answer} (${q.provider})`));
    for (const s of q.sources) console.log(indent(`source: ${s.url}`));
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}

function printCost(report: RunReport): void {
  if (!report.cost) return;
  console.log(`cost       ${report.cost.total.toFixed(4)}${report.cost.unpriced.length ? ` (no price for ${report.cost.unpriced.join(', ')})` : ''}`);
}

/** "about 4 min (3 of the tenant's runs ahead, at the 1.5 runs a minute the tenant finished lately)". */
function etaLine(e: RunEta): string {
  const basis = `${e.tenantAhead} of the tenant's runs ahead`;
  if (e.etaSeconds === undefined) return `no estimate yet (${basis}; no run of its queue finished in the last 10 minutes)`;
  const of = e.rateOf === 'tenant' ? 'the tenant' : 'its queue (none of the tenant’s lately)';
  return `about ${formatEta(e.etaSeconds)} (${basis}, at the ${e.finishedPerMinute.toFixed(1)} runs a minute ${of} finished lately)`;
}

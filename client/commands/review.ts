/** `image-agent approve | reject | edit | approve-plan | reject-plan`: a reviewer's decisions; `ask`: a question to the agent, which decides nothing. */
import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { UsageError } from '../usageError';
import { askAgent, generationStatus, reviewGeneration, reviewPlan, type Generations } from '../generations';
import { printJson, withGenerations } from './context';

interface ReviewFlags {
  candidate?: string;
  feedback?: string;
  reviewer: string;
  requestId?: string;
  json?: boolean;
  prompt?: string;
  instructions?: string;
  checklist?: string[];
  choose?: string;
}

/** The candidate under review, when the reviewer did not name one (what status shows). */
async function currentCandidate(g: Generations, workflowId: string): Promise<string> {
  const status = await generationStatus(g, workflowId);
  if (status.pendingReview?.kind !== 'result' || !status.pendingReview.candidateKey) {
    throw new UsageError(`run ${workflowId} is not waiting for a result review (stage: ${status.stage}, approval: ${status.approval})`);
  }
  return status.pendingReview.candidateKey;
}

function report(flags: ReviewFlags, accepted: unknown, text: string): void {
  if (flags.json) printJson(accepted);
  else console.log(text);
}

export function registerReview(program: Command): void {
  // `what`: a decision, or (ask) a question, as the flags' help names it.
  const common = (c: Command, what = { who: 'who decides', one: 'one decision' }) =>
    c
      .argument('<workflowId>', 'the run')
      .addOption(
        new Option('--reviewer <id>', `${what.who} (an id, kept in the history)`)
          .default(process.env.USER ?? 'cli', 'your login name')
          .env('IMAGE_AGENT_REVIEWER'),
      )
      .option('--request-id <id>', `idempotency key: the same id twice is ${what.one}`)
      .option('--json', 'print JSON');

  common(program.command('approve').description('approve the candidate under review'))
    .option('--candidate <key>', 'the candidate you looked at (default: the one under review now)')
    .option('--choose <key>', 'deliver this earlier candidate of the run instead (single-image runs; keys as status lists them)')
    .action((workflowId: string, flags: ReviewFlags) =>
      withGenerations(async (g) => {
        const candidateKey = flags.candidate ?? (await currentCandidate(g, workflowId));
        const accepted = await reviewGeneration(
          g,
          workflowId,
          { decision: 'approve', candidateKey, reviewer: flags.reviewer, ...(flags.choose ? { chosenKey: flags.choose } : {}) },
          flags.requestId ?? randomUUID(),
        );
        report(flags, accepted, `approved ${flags.choose ?? candidateKey}; the run completes`);
      }),
    );

  common(program.command('reject').description('reject the candidate under review; your feedback drives a new round'))
    .requiredOption('--feedback <text>', 'what to change')
    .option('--candidate <key>', 'the candidate you looked at (default: the one under review now)')
    .action((workflowId: string, flags: ReviewFlags) =>
      withGenerations(async (g) => {
        const candidateKey = flags.candidate ?? (await currentCandidate(g, workflowId));
        const accepted = await reviewGeneration(
          g,
          workflowId,
          { decision: 'reject', candidateKey, feedback: flags.feedback, reviewer: flags.reviewer },
          flags.requestId ?? randomUUID(),
        );
        report(flags, accepted, `rejected ${candidateKey}; a new round uses your feedback`);
      }),
    );

  common(program.command('edit').description('render the candidate under review once more with your prompt and/or checklist (one render, one critique)'))
    .option('--prompt <text>', 'the prompt to render instead of the candidate’s')
    .option('--checklist <statement...>', 'the checklist to judge against from now on (one statement per argument)')
    .option('--candidate <key>', 'the candidate you looked at (default: the one under review now)')
    .action((workflowId: string, flags: ReviewFlags) =>
      withGenerations(async (g) => {
        if (flags.prompt === undefined && flags.checklist === undefined) throw new UsageError('edit needs --prompt, --checklist or both');
        const candidateKey = flags.candidate ?? (await currentCandidate(g, workflowId));
        const accepted = await reviewGeneration(
          g,
          workflowId,
          {
            decision: 'edit',
            candidateKey,
            ...(flags.prompt !== undefined ? { prompt: flags.prompt } : {}),
            ...(flags.checklist ? { checklist: flags.checklist } : {}),
            reviewer: flags.reviewer,
          },
          flags.requestId ?? randomUUID(),
        );
        report(flags, accepted, `edited ${candidateKey}; the run renders and judges your edit once, then waits for review again`);
      }),
    );

  common(
    program
      .command('ask')
      .description(
        'ask the agent about a run waiting for review: one model call answers from the run’s plan, sources, checklist, prompts and verdicts, with no render; the run keeps waiting',
      ),
    { who: 'who asks', one: 'one question, answered once' },
  )
    .argument('<question>', 'your question, e.g. "which source gives the tower’s height?"')
    .action((workflowId: string, question: string, flags: ReviewFlags) =>
      withGenerations(async (g) => {
        const answer = await askAgent(g, workflowId, { question, reviewer: flags.reviewer }, flags.requestId ?? randomUUID());
        if (flags.json) return printJson(answer);
        console.log(answer.answer);
        for (const s of answer.sources) console.log(`  source  ${s.title ? `${s.title} ` : ''}${s.url}`);
        console.log(`answered by ${answer.provider}; ${answer.remaining} questions left on this run; it still waits for a decision`);
      }),
    );

  common(program.command('approve-plan').description('approve the plan of a run waiting before rendering'))
    .option('--prompt <text>', 'render this prompt in the first round instead of the composed one')
    .option('--instructions <text>', 'extra instructions for composing the prompt')
    .action((workflowId: string, flags: ReviewFlags) =>
      withGenerations(async (g) => {
        const accepted = await reviewPlan(
          g,
          workflowId,
          {
            decision: 'approve',
            reviewer: flags.reviewer,
            ...(flags.prompt ? { prompt: flags.prompt } : {}),
            ...(flags.instructions ? { instructions: flags.instructions } : {}),
          },
          flags.requestId ?? randomUUID(),
        );
        report(flags, accepted, 'plan approved; rendering starts');
      }),
    );

  common(program.command('reject-plan').description('reject the plan; the run ends without rendering'))
    .requiredOption('--feedback <text>', 'why')
    .action((workflowId: string, flags: ReviewFlags) =>
      withGenerations(async (g) => {
        const accepted = await reviewPlan(
          g,
          workflowId,
          { decision: 'reject', feedback: flags.feedback, reviewer: flags.reviewer },
          flags.requestId ?? randomUUID(),
        );
        report(flags, accepted, 'plan rejected; the run ends');
      }),
    );
}

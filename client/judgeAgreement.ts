/**
 * `image-agent bench judge-agreement <report.json> --judge-model <model>`: the cases a batch's judge gave a
 * verdict on, put before a second judge model with the same prompt and images, and Cohen's kappa between the
 * two on every decision (a checklist item, or a WISE score), with the cases where they disagree. This says
 * whether a cheaper judge can stand in for the one the numbers were made with.
 */
import type { ChecklistVerdict, WiseVerdict } from '../benchmarks/judge/verdicts';
import { cohensKappa, type KappaResult } from '../benchmarks/scoring/cohensKappa';
import { readAllCases, readBatchJson } from '../activities/batchCases';
import { judgeCaseImage } from '../activities/judgeCaseImage';
import type { BatchManifest, CaseResult } from '../common/batch';
import { batchManifestKey, caseResultKey } from '../common/objectKeys';
import type { ImageJudge } from '../providers/imageJudge';
import type { ObjectStore } from '../providers/objectStore';

export interface CaseAgreement {
  caseId: string;
  /** Per decision: the first judge's and the second's. */
  first: boolean[];
  second: boolean[];
}

export interface JudgeAgreement {
  batchId: string;
  firstJudge: string[];
  secondJudge: string;
  /** Every decision of every case both judges gave a verdict on. */
  decisions: KappaResult;
  /** One decision per case: passed (every item / score 1). */
  cases: KappaResult;
  disagreements: Array<CaseAgreement & { items: number[] }>;
  /** Cases left out, with why (no verdict from one of the judges, no image). */
  skipped: Array<{ caseId: string; reason: string }>;
}

const PARALLEL = 4;

export async function judgeAgreement(store: ObjectStore, tenantId: string, batchId: string, second: ImageJudge): Promise<JudgeAgreement> {
  const manifest = await readBatchJson<BatchManifest>(store, batchManifestKey(tenantId, batchId));
  const cases = (await readAllCases(store, tenantId, batchId, manifest)).filter((c) => c.judge);
  const rows: CaseAgreement[] = [];
  const skipped: JudgeAgreement['skipped'] = [];
  const firstModels = new Set<string>();
  for (let i = 0; i < cases.length; i += PARALLEL) {
    await Promise.all(
      cases.slice(i, i + PARALLEL).map(async (c) => {
        const result = await readBatchJson<CaseResult>(store, caseResultKey(tenantId, batchId, c.id)).catch(() => undefined);
        const first = decisionsOf(result?.judge?.verdict as ChecklistVerdict | WiseVerdict | undefined);
        if (!result?.imageKey || !first)
          return void skipped.push({
            caseId: c.id,
            reason: !result
              ? 'no result'
              : !result.imageKey
                ? 'no image'
                : `first judge: ${(result.judge?.verdict as { outcome: string } | undefined)?.outcome ?? 'none'}`,
          });
        firstModels.add(result.judge!.model);
        const again = await judgeCaseImage({ models: { judge: second }, store }, c, result.imageKey).catch((err: Error) => ({
          verdict: { outcome: 'error', message: err.message },
        }));
        const secondDecisions = decisionsOf(again.verdict as ChecklistVerdict | WiseVerdict);
        if (!secondDecisions) return void skipped.push({ caseId: c.id, reason: `second judge: ${(again.verdict as { outcome: string }).outcome}` });
        rows.push({ caseId: c.id, first, second: secondDecisions });
      }),
    );
  }
  rows.sort((a, b) => a.caseId.localeCompare(b.caseId));
  return {
    batchId,
    firstJudge: [...firstModels].sort(),
    secondJudge: second.model,
    decisions: cohensKappa(rows.flatMap((r) => r.first.map((f, i) => [f, r.second[i]!] as const))),
    cases: cohensKappa(rows.map((r) => [r.first.every(Boolean), r.second.every(Boolean)] as const)),
    disagreements: rows.map((r) => ({ ...r, items: r.first.flatMap((f, i) => (f !== r.second[i] ? [i + 1] : [])) })).filter((r) => r.items.length > 0),
    skipped: skipped.sort((a, b) => a.caseId.localeCompare(b.caseId)),
  };
}

/** A verdict's yes/no decisions, or undefined when it is not a verdict (no image, refused, unparseable, error). */
function decisionsOf(verdict: ChecklistVerdict | WiseVerdict | undefined): boolean[] | undefined {
  if (verdict?.outcome !== 'judged') return undefined;
  return 'results' in verdict ? verdict.results : [verdict.score === 1];
}

export function judgeAgreementMarkdown(a: JudgeAgreement): string {
  const k = (r: KappaResult) => (r.kappa === null ? 'undefined' : r.kappa.toFixed(3));
  const out = [
    `# Judge agreement: ${a.firstJudge.join(', ') || '?'} vs ${a.secondJudge} (batch ${a.batchId})`,
    '',
    `| Unit | Decisions | Agreements | Observed agreement | Chance agreement | Cohen's κ |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...(
      [
        ['checklist items / scores', a.decisions],
        ['cases (pass/fail)', a.cases],
      ] as const
    ).map(([unit, r]) => `| ${unit} | ${r.decisions} | ${r.agreements} | ${r.observed?.toFixed(3) ?? '–'} | ${r.expected?.toFixed(3) ?? '–'} | ${k(r)} |`),
    '',
    `## Disagreements (${a.disagreements.length} cases)`,
    '',
  ];
  if (a.disagreements.length) {
    out.push('| Case | Items | First | Second |', '| --- | --- | --- | --- |');
    for (const d of a.disagreements)
      out.push(
        `| ${d.caseId} | ${d.items.join(', ')} | ${d.first.map((x) => (x ? '✓' : '✗')).join(' ')} | ${d.second.map((x) => (x ? '✓' : '✗')).join(' ')} |`,
      );
  }
  if (a.skipped.length) out.push('', `## Left out (${a.skipped.length})`, '', ...a.skipped.map((s) => `- ${s.caseId}: ${s.reason}`));
  return `${out.join('\n')}\n`;
}

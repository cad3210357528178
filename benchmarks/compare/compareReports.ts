/**
 * Two benchmark reports side by side (`image-agent bench compare a.json b.json`): the headline and every
 * subtask (IA-Bench), category (MindBench, WISE-Verified) with its difference, and the cases that flipped
 * between pass and fail. Reports are other runs' files, so only the fields read here are checked, once.
 */
import { z } from 'zod';

const summary = z.object({ cases: z.number(), passRate: z.number().nullable() });
const reportSchema = z.object({
  system: z.string(),
  runId: z.string().optional(),
  iaBench: z
    .object({
      metrics: z.object({ iaScore: z.number().nullable(), subtasks: z.record(z.string(), summary), overall: summary }),
      cases: z.array(
        z.object({ id: z.string(), capability: z.string(), subtask: z.string(), score: z.object({ passed: z.boolean(), hasVerdict: z.boolean() }) }),
      ),
    })
    .optional(),
  mindBench: z
    .object({
      metrics: z.object({ overall: summary, categories: z.array(z.object({ category: z.number(), summary })) }),
      cases: z.array(z.object({ imageName: z.string(), score: z.object({ passed: z.boolean(), hasVerdict: z.boolean() }) })),
    })
    .optional(),
  wise: z
    .object({
      metrics: z.object({
        wiseOverall: z.number().nullable(),
        categories: z.record(z.string(), z.object({ cases: z.number(), score: z.number().nullable() })),
      }),
      cases: z.array(z.object({ promptId: z.number(), score: z.union([z.literal(0), z.literal(1), z.null()]) })),
    })
    .optional(),
});

export type ComparableReport = z.infer<typeof reportSchema>;

/** Validates a parsed report.json; the error names the file and the first wrong field. */
export function parseComparableReport(file: string, json: unknown): ComparableReport {
  const parsed = reportSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`${file}: field "${issue.path.join('.')}": ${issue.message} (not a benchmark report.json?)`);
}

export interface ComparisonGroupRow {
  benchmark: 'IA-Bench' | 'MindBench' | 'WISE-Verified';
  /** `IA-score`, `overall`, a subtask or a category. */
  group: string;
  /** Fractions in [0, 1]; null where the run has no value. */
  a: number | null;
  b: number | null;
  delta: number | null;
  casesA: number;
  casesB: number;
}

export type CaseState = 'pass' | 'fail' | 'unjudged' | 'absent';

export interface FlippedCase {
  benchmark: ComparisonGroupRow['benchmark'];
  case: string;
  /** The subtask or category, to find the case in the table. */
  group: string;
  a: CaseState;
  b: CaseState;
}

export interface ReportComparison {
  a: { system: string; runId?: string };
  b: { system: string; runId?: string };
  rows: ComparisonGroupRow[];
  flipped: FlippedCase[];
}

export function compareReports(a: ComparableReport, b: ComparableReport): ReportComparison {
  const rows: ComparisonGroupRow[] = [];
  const flipped: FlippedCase[] = [];
  const row = (
    benchmark: ComparisonGroupRow['benchmark'],
    group: string,
    va: number | null | undefined,
    vb: number | null | undefined,
    casesA: number,
    casesB: number,
  ) => rows.push({ benchmark, group, a: va ?? null, b: vb ?? null, delta: va != null && vb != null ? vb - va : null, casesA, casesB });

  if (a.iaBench || b.iaBench) {
    row(
      'IA-Bench',
      'IA-score',
      a.iaBench?.metrics.iaScore,
      b.iaBench?.metrics.iaScore,
      a.iaBench?.metrics.overall.cases ?? 0,
      b.iaBench?.metrics.overall.cases ?? 0,
    );
    const subtasks = [...new Set([...Object.keys(a.iaBench?.metrics.subtasks ?? {}), ...Object.keys(b.iaBench?.metrics.subtasks ?? {})])];
    for (const s of subtasks) {
      const sa = a.iaBench?.metrics.subtasks[s];
      const sb = b.iaBench?.metrics.subtasks[s];
      if ((sa?.cases ?? 0) + (sb?.cases ?? 0) > 0) row('IA-Bench', s, sa?.passRate, sb?.passRate, sa?.cases ?? 0, sb?.cases ?? 0);
    }
    const state = (c: { score: { passed: boolean; hasVerdict: boolean } }): CaseState => (c.score.passed ? 'pass' : c.score.hasVerdict ? 'fail' : 'unjudged');
    flips(
      'IA-Bench',
      a.iaBench?.cases ?? [],
      b.iaBench?.cases ?? [],
      (c) => c.id,
      (c) => c.subtask,
      state,
      flipped,
    );
  }
  if (a.mindBench || b.mindBench) {
    row(
      'MindBench',
      'overall',
      a.mindBench?.metrics.overall.passRate,
      b.mindBench?.metrics.overall.passRate,
      a.mindBench?.metrics.overall.cases ?? 0,
      b.mindBench?.metrics.overall.cases ?? 0,
    );
    const categories = [...new Set([...(a.mindBench?.metrics.categories ?? []), ...(b.mindBench?.metrics.categories ?? [])].map((c) => c.category))].sort(
      (x, y) => x - y,
    );
    for (const cat of categories) {
      const ca = a.mindBench?.metrics.categories.find((c) => c.category === cat)?.summary;
      const cb = b.mindBench?.metrics.categories.find((c) => c.category === cat)?.summary;
      row('MindBench', `category ${cat}`, ca?.passRate, cb?.passRate, ca?.cases ?? 0, cb?.cases ?? 0);
    }
    const state = (c: { score: { passed: boolean; hasVerdict: boolean } }): CaseState => (c.score.passed ? 'pass' : c.score.hasVerdict ? 'fail' : 'unjudged');
    flips(
      'MindBench',
      a.mindBench?.cases ?? [],
      b.mindBench?.cases ?? [],
      (c) => c.imageName,
      (c) => `category ${c.imageName.split('_')[0]}`,
      state,
      flipped,
    );
  }
  if (a.wise || b.wise) {
    const total = (r?: ComparableReport['wise']) => Object.values(r?.metrics.categories ?? {}).reduce((n, c) => n + c.cases, 0);
    row('WISE-Verified', 'overall', a.wise?.metrics.wiseOverall, b.wise?.metrics.wiseOverall, total(a.wise), total(b.wise));
    for (const cat of [...new Set([...Object.keys(a.wise?.metrics.categories ?? {}), ...Object.keys(b.wise?.metrics.categories ?? {})])]) {
      const ca = a.wise?.metrics.categories[cat];
      const cb = b.wise?.metrics.categories[cat];
      if ((ca?.cases ?? 0) + (cb?.cases ?? 0) > 0) row('WISE-Verified', cat, ca?.score, cb?.score, ca?.cases ?? 0, cb?.cases ?? 0);
    }
    const state = (c: { score: 0 | 1 | null }): CaseState => (c.score === 1 ? 'pass' : c.score === 0 ? 'fail' : 'unjudged');
    flips(
      'WISE-Verified',
      a.wise?.cases ?? [],
      b.wise?.cases ?? [],
      (c) => String(c.promptId),
      () => '',
      state,
      flipped,
    );
  }
  return { a: { system: a.system, ...(a.runId ? { runId: a.runId } : {}) }, b: { system: b.system, ...(b.runId ? { runId: b.runId } : {}) }, rows, flipped };
}

/** A case flipped when it passed in one run and not in the other (a case missing from one run is listed too). */
function flips<T>(
  benchmark: FlippedCase['benchmark'],
  as: readonly T[],
  bs: readonly T[],
  key: (c: T) => string,
  group: (c: T) => string,
  state: (c: T) => CaseState,
  out: FlippedCase[],
): void {
  const byKey = new Map(bs.map((c) => [key(c), c]));
  const seen = new Set<string>();
  for (const ca of as) {
    const k = key(ca);
    seen.add(k);
    const cb = byKey.get(k);
    const sa = state(ca);
    const sb = cb ? state(cb) : 'absent';
    if ((sa === 'pass') !== (sb === 'pass')) out.push({ benchmark, case: k, group: group(ca), a: sa, b: sb });
  }
  for (const cb of bs) if (!seen.has(key(cb)) && state(cb) === 'pass') out.push({ benchmark, case: key(cb), group: group(cb), a: 'absent', b: 'pass' });
}

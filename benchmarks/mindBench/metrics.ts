/**
 * MindBench accuracy as published: a case passes only if every checklist item passes; accuracy is
 * the share of passing cases, per category (Type's number) and overall (over all cases).
 */
import type { ChecklistVerdict } from '../judge/verdicts';
import { assertUnique } from '../scoring/assertUnique';
import { scoreChecklistCase, summariseChecklist, type ChecklistSummary } from '../scoring/checklistSummary';
import { mindBenchCategoryOf, mindBenchImageName } from './naming';

export interface MindBenchCaseResult {
  /** As in the metadata, e.g. `1_SpecialEvent`. */
  type: string;
  id: string | number;
  checklist: string[];
  verdict: ChecklistVerdict;
}

export interface MindBenchCategorySummary {
  category: number;
  /** The Type label(s) seen for this category number. */
  types: string[];
  /** `summary.passRate` is the category's accuracy. */
  summary: ChecklistSummary;
}

export interface MindBenchMetrics {
  /** `overall.passRate` is the overall accuracy. */
  overall: ChecklistSummary;
  /** Ordered by category number. */
  categories: MindBenchCategorySummary[];
}

export function computeMindBenchMetrics(results: readonly MindBenchCaseResult[]): MindBenchMetrics {
  assertUnique(results, (r) => mindBenchImageName(r.type, r.id), 'MindBench case');
  const scored = results.map((r) => ({ ...r, category: mindBenchCategoryOf(r.type), score: scoreChecklistCase(r.verdict, r.checklist.length) }));
  const categoryNumbers = [...new Set(scored.map((r) => r.category))].sort((a, b) => a - b);
  return {
    overall: summariseChecklist(scored),
    categories: categoryNumbers.map((category) => {
      const inCategory = scored.filter((r) => r.category === category);
      return { category, types: [...new Set(inCategory.map((r) => r.type))], summary: summariseChecklist(inCategory) };
    }),
  };
}

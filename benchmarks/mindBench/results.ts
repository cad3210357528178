/**
 * MindBench per-case results JSONL, the shape the Mind-Brush tooling reads:
 * `{"Type", "ID", "Image_Name", "Eval", "Checklist", "Checklist_results"}`. Only cases with a
 * verdict are written (a no-image case as all-false); unjudged cases are returned for the report,
 * never written as failures the official scorer could not tell apart.
 */
import { isUnjudged } from '../judge/verdicts';
import { scoreChecklistCase } from '../scoring/checklistSummary';
import type { MindBenchCaseResult } from './metrics';
import { mindBenchImageName } from './naming';

interface MindBenchResultLine {
  Type: string;
  ID: string | number;
  Image_Name: string;
  Eval: boolean;
  Checklist: string[];
  Checklist_results: boolean[];
}

export interface UnwrittenCase {
  imageName: string;
  outcome: 'refused' | 'unparseable' | 'error';
}

function mindBenchResultLines(results: readonly MindBenchCaseResult[]): { lines: MindBenchResultLine[]; unwritten: UnwrittenCase[] } {
  const lines: MindBenchResultLine[] = [];
  const unwritten: UnwrittenCase[] = [];
  for (const r of results) {
    const imageName = mindBenchImageName(r.type, r.id);
    const { verdict } = r;
    if (isUnjudged(verdict)) {
      unwritten.push({ imageName, outcome: verdict.outcome });
      continue;
    }
    const checklistResults = r.checklist.map((_, i) => verdict.outcome === 'judged' && verdict.results[i] === true);
    lines.push({
      Type: r.type,
      ID: r.id,
      Image_Name: imageName,
      Eval: scoreChecklistCase(verdict, r.checklist.length).passed,
      Checklist: r.checklist,
      Checklist_results: checklistResults,
    });
  }
  return { lines, unwritten };
}

export function formatMindBenchResults(results: readonly MindBenchCaseResult[]): { jsonl: string; unwritten: UnwrittenCase[] } {
  const { lines, unwritten } = mindBenchResultLines(results);
  return { jsonl: lines.map((l) => `${JSON.stringify(l)}\n`).join(''), unwritten };
}

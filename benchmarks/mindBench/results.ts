/**
 * MindBench per-case results JSONL, the shape the Mind-Brush tooling reads:
 * `{"Type", "ID", "Image_Name", "Eval", "Checklist", "Checklist_results"}`, with the official evaluator's
 * choices: a judge refusal is written as all-false; a case without an image gets no line (our accuracy still
 * counts it as a failure); an unparseable answer or a judge error gets no line either and is returned for the
 * report, never written as a failure the official scorer could not tell apart.
 */
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
  outcome: 'no_image' | 'unparseable' | 'error';
}

function mindBenchResultLines(results: readonly MindBenchCaseResult[]): { lines: MindBenchResultLine[]; unwritten: UnwrittenCase[] } {
  const lines: MindBenchResultLine[] = [];
  const unwritten: UnwrittenCase[] = [];
  for (const r of results) {
    const imageName = mindBenchImageName(r.type, r.id);
    const { verdict } = r;
    if (verdict.outcome === 'no_image' || verdict.outcome === 'unparseable' || verdict.outcome === 'error') {
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

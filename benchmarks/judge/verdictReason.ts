/** One line saying why a case has no verdict of its own, for side files and reports (never the whole answer). */
import type { ChecklistVerdict, WiseVerdict } from './verdicts';

const REASON_LIMIT = 300;

export function verdictReason(verdict: ChecklistVerdict | WiseVerdict): string {
  switch (verdict.outcome) {
    case 'judged':
      return 'judged';
    case 'no_image':
      return `no image: ${verdict.message}`.slice(0, REASON_LIMIT);
    case 'error':
      return `judge error: ${verdict.message}`.slice(0, REASON_LIMIT);
    case 'refused':
      return `the judge refused: ${oneLine(verdict.raw)}`.slice(0, REASON_LIMIT);
    case 'unparseable':
      return `no score in the judge's answer: ${oneLine(verdict.raw)}`.slice(0, REASON_LIMIT);
  }
}

function oneLine(text: string): string {
  return JSON.stringify(text.slice(0, 200));
}

/**
 * Zero-key checklist: whole yes/no statements about the image — what the request asks for (with any hidden
 * number computed: "The image shows exactly 7 apples, on a wooden table"), each grounded fact, every quoted
 * text, the user's style and dislikes. Memory answers are never restated as facts about the picture: only the
 * profile's preferences (style, dislikes) become items.
 */
import type { GroundedAnswer } from '../../common/evidence';
import type { ChecklistItem } from '../../common/generation';
import type { Modelled } from '../../common/modelCall';
import type { ChecklistInput, ChecklistPlanner } from '../agentRoles';
import { evaluateArithmetic, findArithmetic, wordsToSymbols } from './arithmetic';
import { offlineCall } from './offlineCall';
import { quotedStrings } from './textTools';

const MAX_STATEMENT = 180;

export class OfflineChecklistPlanner implements ChecklistPlanner {
  async planChecklist(input: ChecklistInput): Promise<Modelled<ChecklistItem[]>> {
    const started = Date.now();
    const statements: string[] = [];
    const answered = input.answers.filter((x) => x.status === 'answered' && x.route !== 'memory');
    const subject = subjectPhrase(input.request, answered);
    if (subject) statements.push(`The image shows ${subject}`);
    for (const a of answered) {
      const fact = factOf(a);
      if (fact) statements.push(fact);
    }
    for (const text of quotedStrings(input.request)) statements.push(`The text "${text}" appears in the image`);
    const profile = input.memory?.profile;
    if (profile?.preferredStyle && /\b(my|usual|me)\b/i.test(input.request)) statements.push(`The image is in ${profile.preferredStyle} style`);
    for (const d of profile?.dislikes ?? []) statements.push(`The image contains no ${d}`);
    const value = [...new Set(statements)].slice(0, 8).map((statement, i) => ({ id: `c${i + 1}`, statement }));
    return { value, calls: [offlineCall('plan_checklist', 'offline-rule-checklist', input.request, JSON.stringify(value), started)] };
  }
}

/** The request as a phrase about the picture: no leading verb, quotes left to their own items, hidden counts computed. */
export function subjectPhrase(request: string, answered: GroundedAnswer[]): string | undefined {
  let phrase = request
    .replace(/"[^"]*"|“[^”]*”|«[^»]*»/g, ' ')
    .replace(/^\s*(please\s+)?(draw|make|create|generate|design|render|paint|show|give)( me| us)?\s+/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!?]+$/, '');
  const expr = findArithmetic(request);
  const computed = answered.some((a) => a.route === 'reason') && expr !== undefined ? evaluateArithmetic(expr) : undefined;
  if (expr !== undefined && computed !== undefined) {
    const symbols = wordsToSymbols(phrase);
    const at = symbols.indexOf(expr);
    if (at >= 0) {
      const before = symbols
        .slice(0, at)
        .replace(/\bas (?:many|much) ([\p{L}\s-]{2,40}?) as\s*$/u, (_m, thing: string) => `exactly ${computed} ${thing.trim()}`);
      phrase = before === symbols.slice(0, at) ? `${before}${computed}${symbols.slice(at + expr.length)}` : `${before}${symbols.slice(at + expr.length)}`;
    }
  }
  phrase = phrase.replace(/\s+,/g, ',').trim();
  return phrase.length < 3 ? undefined : clip(phrase);
}

/** A grounded answer as one whole statement, cut at a sentence boundary. */
function factOf(a: GroundedAnswer): string | undefined {
  const text = a.route === 'reason' ? (a.items.at(-1)?.text ?? a.answer) : (a.items[0]?.text ?? a.answer);
  if (!text) return undefined;
  // The computation behind a count is already in the subject ("exactly 7 apples"); say only the count.
  if (a.route === 'reason' && /^exactly /.test(text)) return undefined;
  if (a.route === 'reason' && /=/.test(text)) return `The image reflects that ${text}`;
  return `The image shows that ${clip(text.replace(/[.]+$/, ''))}`;
}

function clip(s: string): string {
  if (s.length <= MAX_STATEMENT) return s;
  const cut = s.slice(0, MAX_STATEMENT);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 40))}…`;
}

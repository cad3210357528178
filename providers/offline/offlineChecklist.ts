/** Zero-key checklist: the subject, each grounded answer, every quoted text, the user's style and dislikes. */
import type { ChecklistItem } from '../../common/generation';
import type { Modelled } from '../../common/modelCall';
import type { ChecklistInput, ChecklistPlanner } from '../agentRoles';
import { offlineCall } from './offlineCall';
import { quotedStrings, subjectWords } from './textTools';

export class OfflineChecklistPlanner implements ChecklistPlanner {
  async planChecklist(input: ChecklistInput): Promise<Modelled<ChecklistItem[]>> {
    const started = Date.now();
    const statements: string[] = [];
    const subject = subjectWords(input.request.replace(/"[^"]*"|'[^']*'|“[^”]*”/g, ' '));
    if (subject.length) statements.push(`The image shows ${subject.join(', ')}`);
    for (const a of input.answers.filter((x) => x.status === 'answered')) {
      const item = a.items.at(-1)?.text ?? a.answer;
      if (item) statements.push(`The image shows ${item.length > 140 ? `${item.slice(0, 137)}…` : item}`);
    }
    for (const text of quotedStrings(input.request)) statements.push(`The text "${text}" appears in the image`);
    const profile = input.memory?.profile;
    if (profile?.preferredStyle && /\b(my|usual|me)\b/i.test(input.request)) statements.push(`The image is in ${profile.preferredStyle} style`);
    for (const d of profile?.dislikes ?? []) statements.push(`The image contains no ${d}`);
    const value = statements.slice(0, 8).map((statement, i) => ({ id: `c${i + 1}`, statement }));
    return { value, calls: [offlineCall('plan_checklist', 'offline-rule-checklist', input.request, JSON.stringify(value), started)] };
  }
}

/**
 * Zero-key composition: a fixed template that puts every grounded fact, the user's profile, the references
 * and the failed checks of the last round into one explicit prompt.
 */
import type { Modelled } from '../../common/modelCall';
import type { ComposeInput, GenerationContextDraft, PromptComposer } from '../agentRoles';
import { subjectPhrase } from './offlineChecklist';
import { offlineCall } from './offlineCall';
import { quotedStrings } from './textTools';

export class OfflineComposer implements PromptComposer {
  async compose(input: ComposeInput): Promise<Modelled<GenerationContextDraft>> {
    const started = Date.now();
    const profile = input.memory?.profile ?? {};
    // A hidden number is stated, not restated as a puzzle: "exactly 7 apples, on a wooden table".
    const subject =
      input.plan.images.length > 1
        ? input.image.brief
        : (subjectPhrase(
            input.request,
            input.answers.filter((a) => a.status === 'answered' && a.route !== 'memory'),
          ) ?? input.request);
    // Earlier turns are named once, below, from memory's kept turns; the profile's preferences go to style and avoid.
    const attributes = input.answers
      .filter((a) => a.status === 'answered' && a.route !== 'memory')
      .flatMap((a) => (a.items.length ? a.items.map((i) => i.text) : [a.answer]))
      .filter(Boolean);
    if (profile.profession && /\b(me|my|i)\b/i.test(input.request)) attributes.push(`the person is a ${profile.profession}`);
    if (profile.identity && /\b(me|my|i)\b/i.test(input.request)) attributes.push(`the person: ${profile.identity}`);
    for (const k of input.memory?.knowledge ?? []) attributes.push(`${k.title}: ${k.body.length > 300 ? `${k.body.slice(0, 299)}…` : k.body}`);
    for (const turn of input.memory?.turns ?? []) attributes.push(`continues the earlier request "${turn.request}"`);
    const mustFix = input.feedback?.failed.map((f) => f.statement) ?? [];
    const style =
      [input.plan.images.length > 1 ? input.plan.sharedStyle : undefined, profile.preferredStyle ? `${profile.preferredStyle} style` : undefined]
        .filter(Boolean)
        .join('; ') || 'clean, well-lit, high-quality illustration';
    const layout =
      input.plan.images.length > 1 ? `image ${input.image.id} of a set of ${input.plan.images.length}` : 'single centred composition with clear hierarchy';
    const textToRender = quotedStrings(input.request);
    const avoid = profile.dislikes ?? [];
    const parts = [
      `${subject}.`,
      attributes.length ? `Details: ${attributes.join('; ')}.` : '',
      mustFix.length ? `It must clearly show: ${mustFix.join('; ')}.` : '',
      input.feedback?.reviewer ? `Reviewer's request: ${input.feedback.reviewer}.` : '',
      `Layout: ${layout}.`,
      `Style: ${style}.`,
      textToRender.length ? `Render the text ${textToRender.map((t) => `"${t}"`).join(', ')} exactly.` : '',
      input.references.length ? `Follow the ${input.references.length} reference image(s): ${input.references.map((r) => r.description).join('; ')}.` : '',
      avoid.length ? `Avoid: ${avoid.join(', ')}.` : '',
    ];
    const value: GenerationContextDraft = {
      subject,
      attributes: [...attributes, ...mustFix],
      layout,
      style,
      textToRender,
      avoid,
      prompt: parts.filter(Boolean).join(' '),
    };
    return { value, calls: [offlineCall('compose_prompt', 'offline-template-composer', input.request, value.prompt, started)] };
  }
}

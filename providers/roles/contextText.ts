/**
 * Grounded context as text for a model prompt: answers with sources, memory, references, feedback. Everything
 * that came from outside this turn's request (search results and their summaries, reasoned answers built on
 * them, memory, earlier turns, reference descriptions, the previous prompt) is a fenced data block; the request
 * and a reviewer's feedback stay outside, as the instructions.
 */
import type { GroundedAnswer, MemoryContext } from '../../common/evidence';
import { fenced } from '../dataFence';
import type { ComposeInput } from '../agentRoles';

function answersBody(answers: readonly GroundedAnswer[]): string {
  const used = answers.filter((a) => a.status === 'answered');
  if (!used.length) return 'none';
  return used
    .map((a) => {
      const items = a.items.map((i) => `    - ${i.text}${i.sources.length ? ` [${i.sources.map((s) => s.url).join(', ')}]` : ''}`).join('\n');
      return `- (${a.route}) ${a.question}\n  answer: ${a.answer}${items ? `\n${items}` : ''}`;
    })
    .join('\n');
}

/** The grounded answers as one fenced block. */
export function answersText(answers: readonly GroundedAnswer[]): string {
  return fenced('grounded answers', answersBody(answers));
}

function memoryBody(memory: MemoryContext | undefined): string {
  if (!memory) return 'none';
  const p = memory.profile;
  const profile = [
    p.identity && `identity: ${p.identity}`,
    p.profession && `profession: ${p.profession}`,
    p.preferredStyle && `preferred style: ${p.preferredStyle}`,
    p.likes?.length && `likes: ${p.likes.join(', ')}`,
    p.dislikes?.length && `dislikes: ${p.dislikes.join(', ')}`,
    ...Object.entries(p.facts ?? {}).map(([k, v]) => `${k}: ${v}`),
  ].filter(Boolean);
  const turns = memory.turns.map((t) => `- earlier request: ${t.request}${t.imageKeys.length ? ' (image available as reference)' : ''}`);
  const knowledge = memory.knowledge.map((k) => `- ${k.title}: ${k.body}`);
  return [`User profile: ${profile.length ? profile.join('; ') : 'nothing known'}`, ...turns, ...knowledge].join('\n');
}

/** What memory recalled, as one fenced block. */
export function memoryText(memory: MemoryContext | undefined): string {
  return fenced('memory', memoryBody(memory));
}

export function composeContextText(input: ComposeInput): string {
  const feedback = input.feedback
    ? `\nThe previous image (round ${input.feedback.round}) was rendered from this prompt:\n${fenced('previous prompt', input.feedback.previousPrompt)}\nIt failed these checks; fix them explicitly:\n${input.feedback.failed.map((f) => `- ${f.statement} (${f.reason})`).join('\n')}${input.feedback.reviewer ? `\nA human reviewer asked: ${input.feedback.reviewer}` : ''}`
    : '';
  const many = input.plan.images.length > 1;
  return [
    `Today is ${input.today}. Output size ${input.size}.`,
    `User request: ${input.request}`,
    many
      ? `This is image "${input.image.id}" of ${input.plan.images.length}: ${input.image.brief}\nShared style for the set: ${input.plan.sharedStyle ?? 'keep the set consistent'}`
      : '',
    `Grounded answers:\n${answersText(input.answers)}`,
    `Memory:\n${memoryText(input.memory)}`,
    input.history.length ? `Earlier turns:\n${fenced('earlier turns', input.history.map((t) => `- turn ${t.index}: ${t.request}`).join('\n'))}` : '',
    input.references.length
      ? `Reference images passed to the renderer:\n${fenced('reference descriptions', input.references.map((r, i) => `${i + 1}. ${r.description}`).join('\n'))}`
      : '',
    feedback,
  ]
    .filter(Boolean)
    .join('\n\n');
}

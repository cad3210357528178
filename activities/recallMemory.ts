/**
 * ground / memory: the user's profile always (when memory is on), plus earlier turns and knowledge items
 * relevant to the question, selected under a character budget. An explicit back-reference ("the logo from
 * before") brings the best matching earlier image along as a reference.
 */
import type { GroundedAnswer, MemoryContext } from '../common/evidence';
import type { PlannedQuestion } from '../common/plan';
import { gateByRelevance } from '../providers/relevance';
import type { AgentDeps } from './agentDeps';

export interface RecallMemoryInput {
  tenantId: string;
  userId: string;
  request: string;
  /** The memory question being answered; absent for the profile-only load. */
  question?: PlannedQuestion;
  /** Turns the session already passed in, not to be recalled twice. */
  excludeWorkflowIds: string[];
  budgetChars: number;
}

export interface RecallMemoryResult {
  memory: MemoryContext;
  answer?: GroundedAnswer;
  referenceKeys: string[];
}

const BACK_REFERENCE = /\b(before|earlier|last time|previous(ly)?|again|same|the one|that one|from yesterday|from last)\b/i;

export function recallMemoryActivity(deps: Pick<AgentDeps, 'models' | 'memory' | 'config'>) {
  return async function recallMemory(input: RecallMemoryInput): Promise<RecallMemoryResult> {
    const started = Date.now();
    if (!input.question) {
      const profile = await deps.memory.getProfile(input.tenantId, input.userId);
      return {
        memory: { profile, turns: [], knowledge: [], retrieval: { method: 'none', consideredTurns: 0, consideredKnowledge: 0, droppedForBudget: 0 } },
        referenceKeys: [],
      };
    }
    const query = `${input.question.question} ${input.request}`;
    const embedder = deps.models.embedder;
    const vector = embedder && (await deps.memory.hasVector()) ? { vector: (await embedder.embed([query]))[0]!, model: embedder.model } : undefined;
    const recalled = await deps.memory.recall({
      tenantId: input.tenantId,
      userId: input.userId,
      query,
      excludeWorkflowIds: input.excludeWorkflowIds,
      budgetChars: input.budgetChars,
      embedding: vector,
    });
    // Retrieval ranks; it does not decide. Only turns and knowledge about this request pass on: an earlier
    // "launch poster" must not become a fact of an unrelated birthday card.
    const gate = await gateByRelevance(
      input.question.question,
      [
        ...recalled.turns.map((t) => ({ label: `memory://turns/${t.workflowId}`, text: t.request, turn: t })),
        ...recalled.knowledge.map((k) => ({ label: k.source ?? `memory://knowledge/${k.id}`, text: `${k.title}\n${k.body}`, knowledge: k })),
      ],
      deps.config.search.relevance,
      deps.models.embedder,
    );
    const kept = gate.scored.filter((s) => s.kept).map((s) => s.item);
    const memory: typeof recalled = {
      ...recalled,
      turns: kept.flatMap((k) => ('turn' in k && k.turn ? [k.turn] : [])),
      knowledge: kept.flatMap((k) => ('knowledge' in k && k.knowledge ? [k.knowledge] : [])),
    };
    const referenceKeys = BACK_REFERENCE.test(input.request) ? (memory.turns.find((t) => t.imageKeys.length)?.imageKeys.slice(0, 1) ?? []) : [];
    const items = [
      ...profileItems(memory),
      ...memory.turns.map((t) => ({
        text: `earlier request: ${t.request}${t.imageKeys.length ? ' (has an image)' : ''}`,
        sources: [{ title: 'earlier turn', url: `memory://turns/${t.workflowId}` }],
      })),
      ...memory.knowledge.map((k) => ({ text: `${k.title}: ${k.body}`, sources: [{ title: k.title, url: k.source ?? `memory://knowledge/${k.id}` }] })),
    ];
    const answer: GroundedAnswer = {
      questionId: input.question.id,
      question: input.question.question,
      route: 'memory',
      status: items.length ? 'answered' : 'no_answer',
      answer: items
        .map((i) => i.text)
        .join('; ')
        .slice(0, 1000),
      items,
      references: [],
      via: `postgres (${memory.retrieval.method})`,
      calls: [],
      durationMs: Date.now() - started,
      note: `${memory.retrieval.consideredTurns} turn(s) and ${memory.retrieval.consideredKnowledge} knowledge item(s) considered, ${memory.retrieval.droppedForBudget} dropped for the budget, ${gate.record.dropped.length} dropped as irrelevant`,
      relevance: gate.record,
    };
    return { memory, answer, referenceKeys };
  };
}

function profileItems(memory: MemoryContext): { text: string; sources: { title: string; url: string }[] }[] {
  const p = memory.profile;
  const facts = [
    p.identity && `the user is ${p.identity}`,
    p.profession && `the user's profession: ${p.profession}`,
    p.preferredStyle && `the user's usual style: ${p.preferredStyle}`,
    p.likes?.length && `the user likes ${p.likes.join(', ')}`,
    p.dislikes?.length && `the user dislikes ${p.dislikes.join(', ')}`,
    ...Object.entries(p.facts ?? {}).map(([k, v]) => `${k}: ${v}`),
  ].filter((x): x is string => typeof x === 'string');
  return facts.map((text) => ({ text, sources: [{ title: 'user profile', url: 'memory://profile' }] }));
}

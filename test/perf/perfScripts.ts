/**
 * The fake endpoint's answers for the performance benchmark: an ordinary length (a couple of hundred
 * characters per field), as a real planner, composer and critic write them, so history sizes measured
 * against it are what a deployment against a real endpoint would see.
 */
import type { FakeOpenAIServer, RecordedRequest } from '../fakeOpenAI/fakeOpenAIServer';
import { checklistStatements, requestLine, scriptAgentDefaults } from '../fakeOpenAI/agentDefaults';

const SENTENCE =
  'Rendered with attention to the brand palette, balanced negative space, legible typography at small sizes and a clear visual hierarchy that leads the eye from headline to detail';

/** About `n` characters of plausible prose. */
function prose(n: number, seed = ''): string {
  let s = seed ? `${seed}: ` : '';
  while (s.length < n) s += `${SENTENCE}. `;
  return s.slice(0, n);
}

/** A plan with `questions` independent reason questions (3 by default), one image. */
function planReply(questions: number) {
  return (req: RecordedRequest) => ({
    json: {
      intent: prose(160, requestLine(req)),
      questions: Array.from({ length: questions }, (_, i) => ({
        id: `q${i + 1}`,
        question: prose(180, `What does the image need to know, part ${i + 1}`),
        route: 'reason',
        dependsOn: [],
        rationale: prose(160, 'The request leaves this unsaid'),
      })),
      images: [{ id: 'image-1', brief: prose(200, requestLine(req)), dependsOn: [] }],
    },
  });
}

/** Realistic answers for every agent call; critique passes (script failures on top). */
export function scriptRealistic(
  fake: FakeOpenAIServer,
  opts: { questions?: number; failingCritiques?: number; reasonLatencyMs?: number } = {},
): FakeOpenAIServer {
  fake.reset();
  if (opts.failingCritiques) fake.script(failingCritique(opts.failingCritiques));
  fake.script(
    { route: 'chat', schema: 'context_plan', reply: planReply(opts.questions ?? 3) },
    {
      route: 'chat',
      schema: 'reason_answer',
      ...(opts.reasonLatencyMs ? { latencyMs: opts.reasonLatencyMs } : {}),
      reply: {
        json: { answer: prose(400, 'Reasoned answer'), items: [prose(200, 'first finding'), prose(200, 'second finding'), prose(200, 'third finding')] },
      },
    },
    {
      route: 'chat',
      schema: 'generation_context',
      reply: (req) => ({
        json: {
          subject: prose(200, requestLine(req)),
          attributes: Array.from({ length: 5 }, (_, i) => prose(120, `attribute ${i + 1}`)),
          layout: prose(200, 'Layout'),
          style: prose(200, 'Style'),
          textToRender: ['HANGZHOU 2026-07-15', 'Light rain, 24–29 °C'],
          avoid: [prose(80, 'avoid clutter'), prose(80, 'avoid watermarks'), prose(80, 'avoid low contrast')],
          prompt: prose(1200, 'Detailed prompt'),
        },
      }),
    },
    {
      route: 'chat',
      schema: 'checklist',
      reply: { json: { items: Array.from({ length: 6 }, (_, i) => ({ statement: prose(100, `Checklist item ${i + 1}`) })) } },
    },
    {
      route: 'chat',
      schema: 'critique',
      reply: (req) => ({ json: { results: checklistStatements(req).map((_, i) => ({ item: i + 1, pass: true, reason: prose(150, 'Looks right') })) } }),
    },
  );
  return scriptAgentDefaults(fake);
}

/** The first `failing` critiques fail their first item (the rule goes first, before the passing one). */
function failingCritique(times: number) {
  return {
    route: 'chat' as const,
    schema: 'critique',
    times,
    reply: (req: RecordedRequest) => ({
      json: {
        results: checklistStatements(req).map((_, i) => ({
          item: i + 1,
          pass: i !== 0,
          reason: prose(150, i === 0 ? 'The headline is cut off' : 'Looks right'),
        })),
      },
    }),
  };
}

/**
 * Default answers for every structured call the agent makes, as fallbacks: a test scripts only the calls it
 * is about. The defaults are functions of the request, so what the workflow sends still shapes what comes back
 * (the composer echoes the context it was given, so a test can see what reached the prompt).
 */
import type { FakeOpenAIServer, RecordedRequest } from './fakeOpenAIServer';
import { textOf, userTextOf } from './fakeOpenAIServer';

/** The "Request: …" / "User request: …" line of a prompt. */
export function requestLine(req: RecordedRequest): string {
  const m = /^(?:User request|Request|Image request): (.*)$/m.exec(textOf(req));
  return m?.[1] ?? '';
}

export function checklistStatements(req: RecordedRequest): string[] {
  return [...textOf(req).matchAll(/^\d+\. (.*)$/gm)].map((m) => m[1]!);
}

export function scriptAgentDefaults(fake: FakeOpenAIServer): FakeOpenAIServer {
  return fake.fallback(
    {
      route: 'chat',
      schema: 'context_plan',
      reply: (req) => ({ json: { intent: requestLine(req), questions: [], images: [{ id: 'image-1', brief: requestLine(req), dependsOn: [] }] } }),
    },
    { route: 'chat', schema: 'reason_answer', reply: { json: { answer: 'scripted reasoning', items: ['scripted reasoning item'] } } },
    {
      route: 'chat',
      schema: 'evidence_summary',
      reply: (req) => {
        const url = /^URL: (\S+)$/m.exec(textOf(req))?.[1];
        return { json: { answer: 'summary of the sources', items: url ? [{ text: 'a fact from the first source', sourceUrls: [url] }] : [] } };
      },
    },
    { route: 'chat', schema: 'reference_ranking', reply: { json: { ranking: [{ index: 1, relevant: true, reason: 'shows the character' }] } } },
    {
      route: 'chat',
      schema: 'generation_context',
      reply: (req) => ({ json: { subject: requestLine(req), prompt: `COMPOSED FROM: ${userTextOf(req).split('\n').join(' | ')}` } }),
    },
    { route: 'chat', schema: 'checklist', reply: { json: { items: [{ statement: 'The image shows the requested subject' }] } } },
    {
      route: 'chat',
      schema: 'critique',
      reply: (req) => ({ json: { results: checklistStatements(req).map((_, i) => ({ item: i + 1, pass: true, reason: 'looks right' })) } }),
    },
    { route: 'chat', schema: 'profile_update', reply: { json: {} } },
    {
      route: 'chat',
      schema: 'review_answer',
      // Cites the first URL of the run's context, and one the context never held (which the role must drop).
      reply: (req) => {
        const url = /https?:\/\/[^\s,\]]+/.exec(userTextOf(req))?.[0];
        return { json: { answer: 'scripted answer from the run context', sourceUrls: [...(url ? [url] : []), 'https://invented.example/not-in-the-run'] } };
      },
    },
    // Benchmark judges answer in their benchmark's own format (no response_format).
    {
      route: 'chat',
      textIncludes: 'Reply with {"results": [...]}',
      reply: (req) => ({ content: JSON.stringify({ results: checklistStatements(req).map(() => true) }) }),
    },
    {
      route: 'chat',
      when: (req) => /WISE|Score: 0|Score: 1/.test(textOf(req)) && !req.body.response_format,
      reply: { content: 'The image matches the explanation.\nScore: 1' },
    },
  );
}

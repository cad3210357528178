/**
 * ground / web search: at most 5 results, each page fetched through the SSRF-safe fetcher and reduced to
 * readable text, then summarised into concise answers that keep their source URLs.
 */
import type { GroundedAnswer } from '../common/evidence';
import type { EvidenceDocument } from '../providers/agentRoles';
import { readPage } from '../providers/search/pageReader';
import type { AgentDeps } from './agentDeps';
import { answerBase, searchQuery, type GroundQuestionInput } from './groundingInput';

const PAGE_CHARS = 6000;

export function searchWebActivity(deps: Pick<AgentDeps, 'models' | 'webSearch' | 'config'>) {
  return async function searchWeb(input: GroundQuestionInput): Promise<GroundedAnswer> {
    const started = Date.now();
    const results = (await deps.webSearch.search(searchQuery(input), { limit: deps.config.search.maxResults })).slice(0, deps.config.search.maxResults);
    const documents: EvidenceDocument[] = await Promise.all(
      results.map(async (r) => {
        if (r.content) return { url: r.url, title: r.title, text: r.content.slice(0, PAGE_CHARS) };
        try {
          const page = await readPage(r.url, { ...deps.config.search.fetch }, PAGE_CHARS);
          return { url: r.url, title: page.title || r.title, text: page.text || r.snippet };
        } catch {
          // An unreadable page still contributes its search snippet.
          return { url: r.url, title: r.title, text: r.snippet };
        }
      }),
    );
    if (!documents.length) {
      return {
        ...answerBase(input),
        status: 'no_answer',
        answer: '',
        items: [],
        references: [],
        via: deps.webSearch.name,
        calls: [],
        durationMs: Date.now() - started,
        note: 'no search results',
      };
    }
    const { value, calls } = await deps.models.summarizer.summarize({
      request: input.request,
      question: input.question.question,
      documents,
      today: input.today,
    });
    return {
      ...answerBase(input),
      status: value.items.length ? 'answered' : 'no_answer',
      answer: value.answer,
      items: value.items,
      references: [],
      via: deps.webSearch.name,
      calls,
      durationMs: Date.now() - started,
      note: `${results.length} result(s): ${results.map((r) => r.url).join(' ')}`,
    };
  };
}

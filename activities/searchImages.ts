/**
 * ground / image search: at most 5 candidates, downloaded through the SSRF-safe fetcher with content-type and
 * size checks; a VLM keeps the relevant ones; kept references go to S3 and on to the renderer's edit call.
 */
import type { GroundedAnswer } from '../common/evidence';
import { referenceKey } from '../common/objectKeys';
import type { ImageRef } from '../common/types';
import { downloadCandidates } from '../providers/search/imageDownload';
import type { AgentDeps } from './agentDeps';
import { currentTenant, currentWorkflowId } from './currentWorkflow';
import { answerBase, searchQuery, type GroundQuestionInput } from './groundingInput';

/** More than two references confuse edit models (the paper: extra references hurt). */
const MAX_KEPT = 2;

export function searchImagesActivity(deps: Pick<AgentDeps, 'models' | 'imageSearch' | 'store' | 'config'>) {
  return async function searchImages(input: GroundQuestionInput): Promise<GroundedAnswer> {
    const started = Date.now();
    const limit = deps.config.search.maxResults;
    const results = (await deps.imageSearch.search(searchQuery(input), { limit })).slice(0, limit);
    const { images, rejected } = await downloadCandidates(results, deps.config.search.fetch, {
      maxCandidates: limit,
      localImageDir: deps.config.search.localImageDir,
    });
    if (!images.length) {
      return {
        ...answerBase(input),
        status: 'no_answer',
        answer: '',
        items: [],
        references: [],
        via: deps.imageSearch.name,
        calls: [],
        durationMs: Date.now() - started,
        note: `no usable candidates (${results.length} found, ${rejected.length} rejected${rejected.length ? `: ${rejected.map((r) => r.reason).join('; ')}` : ''})`,
      };
    }
    const { value: ranking, calls } = await deps.models.ranker.rank({
      request: input.request,
      question: input.question.question,
      candidates: images.map((c) => ({ title: c.result.title, png: c.png })),
    });
    const workflowId = currentWorkflowId();
    const kept = ranking.slice(0, MAX_KEPT);
    const references: ImageRef[] = [];
    const items = [];
    for (const [rank, r] of kept.entries()) {
      const candidate = images[r.index]!;
      const stored = await deps.store.put(referenceKey(currentTenant(), workflowId, input.question.id, rank, 'png'), candidate.png, 'image/png', {
        source: encodeURIComponent(candidate.result.pageUrl ?? candidate.result.imageUrl).slice(0, 1024),
      });
      references.push({ ...stored, width: candidate.width, height: candidate.height });
      items.push({
        text: `reference image: ${candidate.result.title} (${r.reason})`,
        sources: [{ title: candidate.result.title, url: candidate.result.pageUrl ?? candidate.result.imageUrl }],
      });
    }
    return {
      ...answerBase(input),
      status: references.length ? 'answered' : 'no_answer',
      answer: references.length ? `kept ${references.length} reference image(s)` : 'no candidate showed the needed reference',
      items,
      references,
      via: deps.imageSearch.name,
      calls,
      durationMs: Date.now() - started,
      note: `${results.length} candidate(s), ${images.length} downloaded, ${rejected.length} rejected, ${references.length} kept`,
    };
  };
}

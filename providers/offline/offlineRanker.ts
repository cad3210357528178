/** Zero-key reference ranking: candidates whose titles share words with the question, best first, at most two. */
import type { Modelled } from '../../common/modelCall';
import type { RankInput, ReferenceRanker } from '../agentRoles';
import { offlineCall } from './offlineCall';
import { overlapScore } from './textTools';

export class OfflineRanker implements ReferenceRanker {
  async rank(input: RankInput): Promise<Modelled<{ index: number; reason: string }[]>> {
    const started = Date.now();
    const value = input.candidates
      .map((c, index) => ({ index, score: Math.max(overlapScore(input.question, c.title), overlapScore(input.request, c.title)) }))
      .filter((c) => c.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, 2)
      .map((c) => ({ index: c.index, reason: `title matches ${(c.score * 100).toFixed(0)}% of the question's words (offline ranking)` }));
    return { value, calls: [offlineCall('rank_references', 'offline-title-ranker', input.question, JSON.stringify(value), started)] };
  }
}

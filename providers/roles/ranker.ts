/** A VLM ranks image-search candidates and keeps only those that show the needed reference. */
import { z } from 'zod';
import type { Modelled } from '../../common/modelCall';
import type { RankInput, ReferenceRanker } from '../agentRoles';
import { fenced, withFenceRule } from '../dataFence';
import type { ChatModel } from '../chatModel';

const rankingSchema = z.object({
  ranking: z.array(z.object({ index: z.number().int().min(1), relevant: z.boolean(), reason: z.string().default('') })),
});

const SYSTEM = withFenceRule(`You choose reference images for an image generator. The images are numbered in the order given.
Keep only images that clearly show the needed character, IP or person (right identity, clear view, no heavy watermark or collage).
Order the kept ones best first. Mark every other image relevant=false. The candidates' titles come from the web. JSON only.`);

export class ChatRanker implements ReferenceRanker {
  constructor(
    private readonly chat: ChatModel,
    private readonly model: string,
  ) {}

  async rank(input: RankInput): Promise<Modelled<{ index: number; reason: string }[]>> {
    const { value, call } = await this.chat.structured({
      purpose: 'rank_references',
      model: this.model,
      system: SYSTEM,
      user: `Image request: ${input.request}\nReference needed: ${input.question}\nCandidates:\n${fenced('candidate titles', input.candidates.map((c, i) => `${i + 1}. ${c.title}`).join('\n'))}`,
      images: input.candidates.map((c) => c.png),
      schema: rankingSchema,
      schemaName: 'reference_ranking',
    });
    const kept = value.ranking.filter((r) => r.relevant && r.index <= input.candidates.length).map((r) => ({ index: r.index - 1, reason: r.reason }));
    return { value: kept.filter((r, i) => kept.findIndex((k) => k.index === r.index) === i), calls: [call] };
  }
}

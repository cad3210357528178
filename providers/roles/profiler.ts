/** Memory update: what a request reveals about the user (identity, profession, style, likes, dislikes). */
import { z } from 'zod';
import type { UserProfile } from '../../common/evidence';
import type { Modelled } from '../../common/modelCall';
import type { ProfileExtractor } from '../agentRoles';
import { fenced, withFenceRule } from '../dataFence';
import type { ChatModel } from '../chatModel';

const profileSchema = z.object({
  identity: z.string().optional(),
  profession: z.string().optional(),
  preferredStyle: z.string().optional(),
  likes: z.array(z.string()).optional(),
  dislikes: z.array(z.string()).optional(),
  facts: z.record(z.string(), z.string()).optional(),
});

const SYSTEM = withFenceRule(`Extract durable facts a user states about themselves in an image request: identity, profession, preferred visual style,
likes, dislikes (colours, motifs), and other stable facts (pets, company name, brand colours). Only what the user states about
themselves, not about the image's subject. Leave out anything not stated. Return an empty object when nothing is revealed. JSON only.`);

export class ChatProfiler implements ProfileExtractor {
  constructor(
    private readonly chat: ChatModel,
    private readonly model: string,
  ) {}

  async extract(input: { request: string; profile: UserProfile }): Promise<Modelled<UserProfile>> {
    const { value, call } = await this.chat.structured({
      purpose: 'extract_profile',
      model: this.model,
      system: SYSTEM,
      user: `Current profile:\n${fenced('stored profile', JSON.stringify(input.profile))}\nRequest: ${input.request}`,
      schema: profileSchema,
      schemaName: 'profile_update',
    });
    return { value, calls: [call] };
  }
}

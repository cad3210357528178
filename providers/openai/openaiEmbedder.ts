/** Embeddings for memory retrieval where pgvector exists. */
import type OpenAI from 'openai';
import type { Embedder } from '../agentRoles';
import { classified } from './openaiErrors';

export class OpenAIEmbedder implements Embedder {
  constructor(
    private readonly client: OpenAI,
    readonly model: string,
  ) {}

  async embed(texts: string[]): Promise<number[][]> {
    if (!texts.length) return [];
    const res = await classified(() => this.client.embeddings.create({ model: this.model, input: texts }));
    return [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
  }
}

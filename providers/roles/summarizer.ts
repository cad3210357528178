/** Web evidence → concise answers that keep their source URLs (URLs outside the documents are dropped). */
import { z } from 'zod';
import type { ContextItem } from '../../common/evidence';
import type { Modelled } from '../../common/modelCall';
import type { EvidenceSummarizer, SummarizeInput } from '../agentRoles';
import { fenced, withFenceRule } from '../dataFence';
import { clip, type ChatModel } from '../chatModel';

const summarySchema = z.object({
  answer: z.string(),
  items: z.array(z.object({ text: z.string().min(1), sourceUrls: z.array(z.string()).min(1) })).max(10),
});

const SYSTEM = withFenceRule(`You read search results and answer one question for an image request.
Each document is a fenced data block: its title, its URL and its text.
Use only what the documents say. Give a concise answer and the facts it rests on, each with the URL(s) of the document(s) it came from.
Prefer the most recent and most specific source; mention the date a dynamic fact refers to. If the documents do not answer, say so in "answer" and return no items. JSON only.`);

export class ChatSummarizer implements EvidenceSummarizer {
  constructor(
    private readonly chat: ChatModel,
    private readonly model: string,
  ) {}

  async summarize(input: SummarizeInput): Promise<Modelled<{ answer: string; items: ContextItem[] }>> {
    // Title, URL and text all come from the page or the search backend: the whole document is fenced.
    const docs = input.documents.map((d, i) => fenced(`document ${i + 1}`, `Title: ${d.title}\nURL: ${d.url}\n${clip(d.text, 4000)}`)).join('\n\n');
    const { value, call } = await this.chat.structured({
      purpose: 'summarize_evidence',
      model: this.model,
      system: SYSTEM,
      user: `Today is ${input.today}.\nImage request: ${input.request}\nQuestion: ${input.question}\n\nDocuments:\n${docs}`,
      schema: summarySchema,
      schemaName: 'evidence_summary',
    });
    const byUrl = new Map(input.documents.map((d) => [d.url, d]));
    const items = value.items
      .map((item) => ({ text: item.text, sources: item.sourceUrls.flatMap((u) => (byUrl.has(u) ? [{ url: u, title: byUrl.get(u)!.title }] : [])) }))
      .filter((item) => item.sources.length > 0);
    return { value: { answer: value.answer, items }, calls: [call] };
  }
}

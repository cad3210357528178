/**
 * Zero-key evidence summary: the passages that best match the question, each keeping its source URL.
 * Disclaimers of the sample corpus are not facts about the picture and are left out of the items.
 */
import type { ContextItem } from '../../common/evidence';
import type { Modelled } from '../../common/modelCall';
import type { EvidenceSummarizer, SummarizeInput } from '../agentRoles';
import { offlineCall } from './offlineCall';
import { expandDates, overlapScore, paragraphs } from './textTools';

const DISCLAIMER = /sample offline data|not a real|not a live|for demonstrations/i;
const MAX_ITEM_CHARS = 400;

export class OfflineSummarizer implements EvidenceSummarizer {
  async summarize(input: SummarizeInput): Promise<Modelled<{ answer: string; items: ContextItem[] }>> {
    const started = Date.now();
    const question = expandDates(input.question);
    const scored = input.documents
      .flatMap((doc) => paragraphs(doc.text).map((p) => ({ p, doc, score: overlapScore(question, p) })))
      .filter((x) => x.score > 0 && !DISCLAIMER.test(x.p))
      .sort((a, b) => b.score - a.score)
      .slice(0, 2);
    const items = scored.map((x) => ({
      text: x.p.length > MAX_ITEM_CHARS ? `${x.p.slice(0, MAX_ITEM_CHARS - 1)}…` : x.p,
      sources: [{ title: x.doc.title, url: x.doc.url }],
    }));
    const value = { answer: items[0]?.text ?? '', items };
    return { value, calls: [offlineCall('summarize_evidence', 'offline-extractive-summarizer', input.question, JSON.stringify(value), started)] };
  }
}

/**
 * The benchmark judge role: a VLM answering in the benchmark's own format (checklist JSON, or WISE's
 * "Score: 0|1" line), at temperature 0. The caller parses the answer with the benchmark's parser, so a
 * refusal or an unparseable answer is recorded as such and never silently scored.
 */
import type { ModelCallRecord } from '../common/modelCall';

export interface JudgeAsk {
  system: string;
  user: string;
  /** The generated image first, then any reference images. */
  images: Buffer[];
}

export interface ImageJudge {
  /** The vendor's name, as its call records carry it. */
  readonly provider: string;
  readonly model: string;
  judgeChecklist(ask: JudgeAsk & { checklist: string[] }): Promise<{ text: string; call: ModelCallRecord }>;
  judgeWise(ask: JudgeAsk & { prompt: string; explanation: string }): Promise<{ text: string; call: ModelCallRecord }>;
}

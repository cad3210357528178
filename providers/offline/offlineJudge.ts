/**
 * The zero-key benchmark judge: it cannot see, so it reads the layout text the offline renderer embedded and
 * answers in the benchmark's own format (so the real parsers and metrics run). Scores from it measure the
 * offline pipeline's prompt coverage, not image quality, and every report labels them offline.
 */
import type { ImageJudge, JudgeAsk } from '../imageJudge';
import { offlineCall } from './offlineCall';
import { readOfflineLayout } from './offlineImageModel';
import { checklistTerms, contentWords, coverage } from './textTools';

export class OfflineJudge implements ImageJudge {
  readonly provider = 'offline' as const;
  readonly model = 'offline-layout-judge';

  async judgeChecklist(ask: JudgeAsk & { checklist: string[] }) {
    const started = Date.now();
    const layout = ask.images[0] ? await readOfflineLayout(ask.images[0]) : undefined;
    const text =
      layout === undefined
        ? 'I cannot judge this image offline.'
        : JSON.stringify({ results: ask.checklist.map((item) => coverage(checklistTerms(item), layout) >= 0.75) });
    return { text, call: offlineCall('judge_checklist', this.model, ask.user, text, started) };
  }

  async judgeWise(ask: JudgeAsk & { prompt: string; explanation: string }) {
    const started = Date.now();
    const layout = ask.images[0] ? await readOfflineLayout(ask.images[0]) : undefined;
    const text =
      layout === undefined ? 'I cannot judge this image offline.' : `Score: ${coverage(contentWords(ask.explanation).slice(0, 12), layout) >= 0.3 ? 1 : 0}`;
    return { text, call: offlineCall('judge_wise', this.model, ask.user, text, started) };
  }
}

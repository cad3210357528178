/** Cost accounting in the run report: token and image counts per model, priced where prices are configured. */
import { costOf } from '../activities/writeReport';
import type { RunReport } from '../common/runResult';

const call = (model: string, inputTokens: number, outputTokens: number, provider: 'openai' | 'offline' = 'openai') => ({
  purpose: 'x',
  provider,
  model,
  messages: [],
  response: '',
  usage: { inputTokens, outputTokens },
  durationMs: 1,
});

const candidate = (model: string) => ({ renderedBy: { provider: 'openai' as const, model, mode: 'generate' as const } });

test('prices tokens and images per model, and names models without a price', () => {
  const report = {
    calls: [call('planner-x', 1_000_000, 200_000), call('planner-x', 500_000, 0), call('vlm-y', 10_000, 1_000), call('offline-rule-planner', 5, 5, 'offline')],
    result: { images: [{ candidates: [candidate('img-z'), candidate('img-z')] }] },
  } as unknown as Omit<RunReport, 'cost'>;
  const cost = costOf(report, { 'planner-x': { inputPerMTok: 2, outputPerMTok: 8 }, 'img-z': { perImage: 0.04 } })!;
  expect(cost.byModel['planner-x']).toEqual({ inputTokens: 1_500_000, outputTokens: 200_000, images: 0, cost: 3 + 1.6 });
  expect(cost.byModel['img-z']!.cost).toBeCloseTo(0.08, 10);
  expect(cost.total).toBeCloseTo(4.68, 10);
  expect(cost.unpriced).toEqual(['vlm-y']);
  expect(cost.byModel['offline-rule-planner']).toBeUndefined();
});

test('no prices configured: no cost section', () => {
  expect(costOf({ calls: [], result: { images: [] } } as unknown as Omit<RunReport, 'cost'>, {})).toBeUndefined();
});

/**
 * A WISE-Verified batch of 300 records with continue-as-new every 100 cases: every case runs once, and
 * the scores file is in the official calculator's format. The 1,000-record rate is `npm run bench:wise`.
 */
import { runWiseBatchLoad, type WiseBatchLoadResult } from './load/wiseBatchLoad';

describe('a 300-record WISE-Verified batch', () => {
  let run: WiseBatchLoadResult;

  // About 70 s alone on 2 cores; the limit only stops a hung batch, so a busy machine does not fail it.
  beforeAll(async () => {
    run = await runWiseBatchLoad({ records: 300, casesPerRun: 100 });
  }, 600_000);

  test('runs every case once, across continue-as-new', () => {
    expect(run.result.progress).toMatchObject({ total: 300, done: 300, failed: 0, judged: 300 });
    expect(run.result.progress.continuedAsNew).toBeGreaterThanOrEqual(2);
    expect(run.imageObjects).toBe(300);
  });

  test('writes one official score line per prompt id, in order', () => {
    expect(run.scoresLines).toHaveLength(300);
    const ids = run.scoresLines.map((line) => {
      expect(line).toMatch(/^\{"prompt_id":\d+,"score":[01]\}$/);
      return (JSON.parse(line) as { prompt_id: number }).prompt_id;
    });
    expect(ids).toEqual([...run.ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(300);
    expect(run.wiseOverall).toBeCloseTo(1, 5);
  });
});

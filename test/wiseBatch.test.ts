/**
 * A WISE-Verified batch of 120 records with continue-as-new every 40 cases: every case runs once, and
 * the scores file is in the official calculator's format. Scale is the bench's job: the 1,000-record
 * rate is `npm run bench:wise`, and `bench:perf` runs 1,000 records through the same load.
 */
import { runWiseBatchLoad, type WiseBatchLoadResult } from './load/wiseBatchLoad';

describe('a 120-record WISE-Verified batch', () => {
  let run: WiseBatchLoadResult;

  // The limit only stops a hung batch, so a busy machine does not fail it.
  beforeAll(async () => {
    run = await runWiseBatchLoad({ records: 120, casesPerRun: 40 });
  }, 600_000);

  test('runs every case once, across continue-as-new', () => {
    expect(run.result.progress).toMatchObject({ total: 120, done: 120, failed: 0, judged: 120 });
    expect(run.result.progress.continuedAsNew).toBe(2);
    expect(run.imageObjects).toBe(120);
  });

  test('writes one official score line per prompt id, in order', () => {
    expect(run.scoresLines).toHaveLength(120);
    const ids = run.scoresLines.map((line) => {
      expect(line).toMatch(/^\{"prompt_id":\d+,"score":[01]\}$/);
      return (JSON.parse(line) as { prompt_id: number }).prompt_id;
    });
    expect(ids).toEqual([...run.ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(120);
    expect(run.wiseOverall).toBeCloseTo(1, 5);
  });
});

/**
 * Replay safety: every recorded history (test/replay/histories, captured by `npm run record:histories`)
 * replays against the current workflow code. A change that would break a run already in flight — one
 * waiting for a reviewer when the deploy lands — fails here, naming the history.
 */
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../config/loadConfig';
import { createEncryption } from '../security/dataConverter';
import { TEST_BUNDLE, TEST_BUNDLE_VERSIONED } from './support/paths';
import { loadRecordedHistories } from './replay/recordedHistory';

// Replay workers log their start and stop at INFO: only problems belong in the test output.
Runtime.install({ logger: new DefaultLogger('WARN') });

const recordings = loadRecordedHistories();

describe('recorded histories replay against the current workflow code', () => {
  test('there are recordings of every workflow type and of the shapes that matter', () => {
    const types = new Set(recordings.map((r) => r.recorded.workflowType));
    for (const type of ['generateImage', 'generateImagePart', 'session', 'batch', 'batchCase']) expect(types).toContain(type);
    const scenarios = new Set(recordings.map((r) => r.recorded.scenario));
    for (const scenario of [
      'generate-waiting-plan-review',
      'generate-waiting-result-review',
      'generate-rejected-twice-then-approved',
      'generate-multi-image',
      'session-after-continue-as-new',
      'batch-midway',
      'generate-four-eyes-waiting',
      'generate-four-eyes-approved',
      'generate-fallback-completed',
      'generate-budget-gate-waiting',
      'generate-budget-gate-resumed',
      'generate-edited-then-approved',
      'generate-reminded-escalated-waiting',
      'generate-escalated-then-approved',
      'generate-reminded-expired',
      'generate-earlier-candidate-approved',
      'generate-question-answered-waiting',
      'generate-question-then-approved',
    ]) {
      expect(scenarios).toContain(scenario);
    }
  });

  // One test per recording folder: each folder's histories replay within the test timeout on a loaded CI machine
  // (all of them in one test outgrew it), and a failure names its folder.
  const folders = [...new Set(recordings.map((r) => path.dirname(r.file)))].sort();
  test.each(folders)('each history of %s replays without a non-determinism error', async (folder) => {
    const batch = recordings.filter((r) => path.dirname(r.file) === folder);
    expect(batch.length).toBeGreaterThan(0);
    const failures: string[] = [];
    let replayed = 0;
    // runReplayHistories reports each failure in its result instead of throwing: every result is checked.
    // Through the workers' data converter (the encryption codec passes pre-encryption payloads through).
    const encryption = createEncryption(loadConfig());
    expect(encryption.codec).toBeDefined();
    const results = Worker.runReplayHistories(
      { workflowBundle: { codePath: TEST_BUNDLE }, dataConverter: encryption.dataConverter },
      batch.map(({ recorded }) => ({ workflowId: recorded.workflowId, history: recorded.history })),
    );
    for await (const result of results) {
      // Results come back in the order the histories went in.
      const { file, recorded } = batch[replayed]!;
      replayed += 1;
      expect(result.workflowId).toBe(recorded.workflowId);
      if (result.error) {
        // The core's own words: the non-determinism reason, or the workflow task's failure message.
        const reason =
          /\[TMPRL\d+\][^"\\]*/.exec(result.error.message)?.[0] ??
          /message: \\?"([^"\\]*)/.exec(result.error.message)?.[1] ??
          result.error.message.split('\n')[0];
        failures.push(`${file}: ${result.error.name}: ${reason}`);
      }
    }
    encryption.close();
    expect(failures).toEqual([]);
    expect(replayed).toBe(batch.length);
  });

  // Versioned workers run their own bundle (workflows/versioned.ts): the same code with versioning annotations, which
  // must replay what unversioned workers recorded when a running system turns versioning on.
  test('sessions, batches and the newest folder replay against the versioned workers’ bundle', async () => {
    const bundle = TEST_BUNDLE_VERSIONED;
    const newest = folders.at(-1);
    const batch = recordings.filter((r) => ['session', 'batch'].includes(r.recorded.workflowType) || path.dirname(r.file) === newest);
    expect(batch.some((r) => r.recorded.workflowType === 'session')).toBe(true);
    const encryption = createEncryption(loadConfig());
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: bundle }, dataConverter: encryption.dataConverter },
      batch.map(({ recorded }) => ({ workflowId: recorded.workflowId, history: recorded.history })),
    )) {
      if (result.error) failures.push(`${batch[replayed]!.file}: ${result.error.message.split('\n')[0]}`);
      replayed += 1;
    }
    encryption.close();
    expect(failures).toEqual([]);
    expect(replayed).toBe(batch.length);
  });
});

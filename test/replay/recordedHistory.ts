/**
 * Recorded workflow histories: real runs captured from the local stack (`npm run record:histories`) and
 * replayed against the current workflow code in CI (test/replay.test.ts), so a deploy that would break a
 * run already in flight — one waiting days for a reviewer — fails CI first.
 *
 * Layout: test/replay/histories/<recording>/<scenario>.json, one folder per recording. Folders are
 * append-only: a new recording goes beside the old ones, and an old one is removed only when the
 * versioning policy (docs/operations.md, "Deploys and workflow versioning") retires the code path it covers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../common/paths';

// The source folder, also when this runs compiled from dist/.
export const HISTORIES_DIR = path.join(projectRoot, 'test', 'replay', 'histories');

const recordedHistorySchema = z.object({
  scenario: z.string().min(1),
  /** What the history shows (a run waiting for review, a batch mid-way, …). */
  description: z.string().min(1),
  workflowType: z.string().min(1),
  /** Workflows that read their own id replay with the id they ran under. */
  workflowId: z.string().min(1),
  runId: z.string().min(1),
  recordedAt: z.string().min(1),
  /** The commit the recording was made from (and whether the tree had uncommitted changes). */
  commit: z.string().min(1),
  /** Payload encoding of the recording; replay must use the same data converter. */
  payloadEncoding: z.string().min(1),
  /** The history as `temporal workflow show -o json` prints it (the Temporal UI's download format). */
  history: z.object({ events: z.array(z.unknown()).min(1) }).passthrough(),
});

export type RecordedHistory = z.infer<typeof recordedHistorySchema>;

export interface RecordedHistoryFile {
  file: string;
  recorded: RecordedHistory;
}

/** Every recorded history in every recording folder; a file that does not parse is an error, not a skip. */
export function loadRecordedHistories(dir = HISTORIES_DIR): RecordedHistoryFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((rel) => {
      const file = path.join(dir, rel);
      const parsed = recordedHistorySchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (!parsed.success)
        throw new Error(
          `${path.relative(process.cwd(), file)}: not a recorded history: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      return { file: path.relative(dir, file), recorded: parsed.data };
    });
}

export function writeRecordedHistory(recordingDir: string, recorded: RecordedHistory): string {
  fs.mkdirSync(recordingDir, { recursive: true });
  const file = path.join(recordingDir, `${recorded.scenario}.json`);
  if (fs.existsSync(file)) throw new Error(`${file} exists: recordings are append-only; record into a new folder`);
  fs.writeFileSync(file, `${JSON.stringify(recorded)}\n`);
  return file;
}

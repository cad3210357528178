/**
 * The ledger of legacy reads: places that still read what an earlier version wrote (an object key, a workflow
 * id, a tag, an encoding, an absent field), so runs, reports and histories from before a change stay readable.
 * Like the patch ledger (workflows/patches.ts) each entry says what it reads, since when, and when it can go.
 * Every site carries a `legacy-read: <id>` comment; test/fast/legacyReads.test.ts checks that the tags and
 * the entries match, and that no `legacy…` name lives outside a tagged file. Retiring one: delete the
 * entry, the tagged code and its test.
 */

export interface LegacyRead {
  /** What is read that nothing writes any more. */
  reads: string;
  /** The day the new form was first written. */
  since: string;
  /** When the read can go: what must no longer exist anywhere it could be read from. */
  canGoWhen: string;
}

/** Closed Temporal histories last for the namespace's retention; objects and rows last until erased. */
const HISTORIES_GONE = 'every run started before then has closed and aged out of the namespace retention';

export const LEGACY_READS = {
  'report-under-runs': {
    reads: 'run reports and run objects under runs/<workflowId>/, before object keys carried the tenant',
    since: '2026-11-27',
    canGoWhen: 'no report remains under runs/ (move or erase them); the bucket has no runs/ prefix',
  },
  'batch-under-batches': {
    reads: 'batch manifests and case results under batches/<batchId>/, before they moved under the tenant',
    since: '2026-11-27',
    canGoWhen: 'no open batch was started before then and no batch report is read from batches/',
  },
  'unprefixed-session-id': {
    reads: 'session workflow ids without the keyed tenant and user tag',
    since: '2026-11-27',
    canGoWhen: `${HISTORIES_GONE} (sessions stay open for a conversation: check for open ones first)`,
  },
  'unkeyed-user-tag': {
    reads: 'the ImageAgentUser search attribute as an unkeyed SHA-256 (u_ and 16 hex digits), by list and erase',
    since: '2026-11-27',
    canGoWhen: HISTORIES_GONE,
  },
  'unsigned-decisions': {
    reads: 'review decisions without a principal, from runs started before principals existed',
    since: '2026-11-27',
    canGoWhen: HISTORIES_GONE,
  },
  'decision-signature-v1': {
    reads: 'review decision signatures of version 1',
    since: '2026-12-03',
    canGoWhen: HISTORIES_GONE,
  },
  'call-records-without-claim-check': {
    reads: 'model-call records with the full messages and response inline, written before claim checks',
    since: '2026-11-27',
    canGoWhen: `${HISTORIES_GONE}, and no report older than that is read`,
  },
  'plaintext-objects': {
    reads: 'objects stored in plaintext, before object encryption',
    since: '2026-11-27',
    canGoWhen: 'every object written before then is re-encrypted or erased',
  },
  'unencrypted-payloads': {
    reads: 'history payloads without the encrypted encoding',
    since: '2026-11-27',
    canGoWhen: `${HISTORIES_GONE}, and no recorded history in test/replay predates encryption`,
  },
  'uncompressed-payloads': {
    reads: 'history payloads without the compressed encoding',
    since: '2026-11-27',
    canGoWhen: `${HISTORIES_GONE}, and no recorded history in test/replay predates compression`,
  },
  'report-fields-before-verdicts': {
    reads: 'reports and histories without the critique verdict fields (passed kept beside the verdict, unchecked counted as 0)',
    since: '2026-11-27',
    canGoWhen: 'no report written before then is read (reports live until erased)',
  },
  'manifest-without-run-how': {
    reads: 'benchmark manifests without how the run is made',
    since: '2026-11-27',
    canGoWhen: 'no batch started before then is open or re-reported',
  },
} as const satisfies Record<string, LegacyRead>;

/**
 * One reviewer's decision on many runs at once (the inbox's bulk approve or reject). Each run gets its own
 * decision, signed and validated as a single one is (reviewGeneration, reviewPlan), with its own update id
 * derived from the request's, so a retried bulk request decides nothing twice. A run the caller may not
 * decide, or that refuses, fails alone: the answer has one outcome per run, never all or nothing.
 */
import { createHash } from 'node:crypto';
import { decideOwnedRun, NotFoundError, ownedRuns, type Generations } from './generations';
import { errorResponse } from './api/errorResponse';
import { describeFailure } from '../common/describeFailure';
import { redactSecrets } from '../common/redact';

/** Runs per bulk request at most: a page of the inbox, five times over. */
export const BULK_REVIEW_MAX_RUNS = 100;

export interface BulkRun {
  workflowId: string;
  gate: 'plan' | 'result';
  /** The candidate the reviewer saw (result gate): a run that moved on to another candidate refuses. */
  candidateKey?: string;
}

export interface BulkReviewRequest {
  decision: 'approve' | 'reject';
  feedback?: string;
  runs: readonly BulkRun[];
}

export interface BulkOutcome {
  workflowId: string;
  ok: boolean;
  /** The HTTP status a single decision on this run would have had. */
  status: number;
  error?: string;
  next?: string;
}

/** A run's update id within a bulk request: stable for the same request id and run, within Temporal's limits. */
function runDecisionId(requestId: string, workflowId: string): string {
  return `bulk-${createHash('sha256').update(`${requestId}\n${workflowId}`).digest('hex').slice(0, 40)}`;
}

export async function bulkReview(g: Generations, req: BulkReviewRequest, requestId: string, tenant: string, principal: string): Promise<BulkOutcome[]> {
  // The tenant check for every run at once; a run missing from the answer is another tenant's, or none (404 alike).
  const owned = await ownedRuns(g, [...new Set(req.runs.map((r) => r.workflowId))], tenant);
  const decideOne = async (run: BulkRun): Promise<BulkOutcome> => {
    const id = runDecisionId(requestId, run.workflowId);
    const feedback = req.feedback ? { feedback: req.feedback } : {};
    try {
      const runId = owned.get(run.workflowId);
      if (!runId) throw new NotFoundError(`no run ${run.workflowId}`);
      const target = { workflowId: run.workflowId, runId };
      const accepted =
        run.gate === 'result'
          ? await decideOwnedRun(
              g,
              target,
              { kind: 'result', decision: { decision: req.decision, candidateKey: run.candidateKey ?? '', ...feedback } },
              id,
              principal,
            )
          : await decideOwnedRun(g, target, { kind: 'plan', decision: { decision: req.decision, ...feedback } }, id, principal);
      return { workflowId: run.workflowId, ok: true, status: 200, next: accepted.next };
    } catch (err) {
      const answer = errorResponse(err, id);
      // A dependency's failure answers a public sentence; its details belong in the server's log, as for a single decision.
      if (answer.logged) console.error(`image-agent API: bulk decision ${id} on ${run.workflowId} failed: ${redactSecrets(describeFailure(err, g.config))}`);
      return { workflowId: run.workflowId, ok: false, status: answer.status, error: answer.body.error };
    }
  };
  // Every decision at once (a request holds at most BULK_REVIEW_MAX_RUNS): each approved run goes on to finish on the
  // same workers, and with 16 in flight the later decisions queued behind that work (docs/performance.md, "Bulk review").
  return Promise.all(req.runs.map(decideOne));
}

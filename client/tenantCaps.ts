/**
 * A tenant's caps on queued and open runs (its policy's `maxQueuedRuns`, `maxOpenRuns`), checked before a start:
 * past either, the start is refused with 429 and a Retry-After, and nothing is started. Counted from Temporal's
 * visibility, two count queries in parallel per start: open generations of the tenant, and those of them no
 * worker has picked up yet (their first workflow task sets the stage attribute). Visibility trails by moments,
 * so two starts racing at the cap may both pass: a cap is held to within the starts of that moment.
 */
import type { VersionedTenantPolicy } from '../common/tenantPolicy';
import { ImageAgentError } from '../common/imageAgentError';
import { Kind, Tenant } from '../common/searchAttributes';
import { NOT_PICKED_UP } from './queuePlace';
import type { Generations } from './generations';

/** How long a refused caller waits before asking again: about one run's dispatch on a busy queue. */
const RETRY_AFTER_MS = 30_000;

/** A start past one of the tenant's caps (the API answers 429 with Retry-After). */
export class TenantCapReachedError extends ImageAgentError {
  override name = 'TenantCapReachedError';
  constructor(message: string) {
    super(message, { retryable: true, httpStatus: 429, retryAfterMs: RETRY_AFTER_MS });
  }
}

/** The tenant's open and queued generations now. */
export async function tenantRunCounts(g: Pick<Generations, 'client'>, tenantId: string): Promise<{ open: number; queued: number }> {
  // Tenant ids are validated ([A-Za-z0-9._:@-]), so quoting them is enough.
  const open = `${Tenant.name} = '${tenantId}' AND ${Kind.name} = 'generate' AND ExecutionStatus = 'Running'`;
  const [all, waiting] = await Promise.all([g.client.workflow.count(open), g.client.workflow.count(`${open} AND ${NOT_PICKED_UP}`)]);
  return { open: all.count, queued: waiting.count };
}

/** Refuses a start of `runs` more generations past the tenant's caps; says which cap and how full it is. */
export async function admitStarts(g: Pick<Generations, 'client'>, tenant: VersionedTenantPolicy, runs = 1): Promise<void> {
  const { open, queued } = await tenantRunCounts(g, tenant.tenantId);
  const { maxOpenRuns, maxQueuedRuns } = tenant.policy;
  if (open + runs > maxOpenRuns) {
    throw new TenantCapReachedError(`tenant ${tenant.tenantId} has ${open} runs open, and its policy allows ${maxOpenRuns}: try again when some have finished`);
  }
  if (queued + runs > maxQueuedRuns) {
    throw new TenantCapReachedError(
      `tenant ${tenant.tenantId} has ${queued} runs waiting for a worker, and its policy allows ${maxQueuedRuns}: try again shortly`,
    );
  }
}

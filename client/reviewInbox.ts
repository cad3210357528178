/**
 * The reviewer's inbox: the tenant's runs waiting for a decision, filtered and sorted by deadline, a page at a
 * time. Everything comes from visibility lists (search attributes and each run's `reviewWait` memo, see
 * workflows/generate/review/reviewGate.ts): no worker is asked anything, so a page costs one list call per 100
 * waiting runs, however many there are, and loads while every worker is down.
 */
import type { Generations } from './generations';
import { visibilityString as quote } from './visibilityString';
import { REVIEW_WAIT_MEMO_KEY, type PendingReview, type TimeoutPolicy } from '../common/review';
import { Approval, BatchId, Kind, Providers, Tenant, UserTag } from '../common/searchAttributes';
import { userTags } from '../common/userTag';

/** Runs read per inbox view at most (10 list pages); past it the inbox says how far it looked. */
const INBOX_SCAN_LIMIT = 1000;

export interface InboxFilter {
  gate?: 'plan' | 'result';
  /** A user id, matched through its pseudonymous tag. */
  user?: string;
  batch?: string;
  /** The run's providers search attribute, exactly (`offline`, `openai`, ...). */
  provider?: string;
  /** Only runs waiting at least this many minutes. */
  waitingMinutes?: number;
  /** Only runs whose deadline leads to this. */
  onTimeout?: TimeoutPolicy;
  /** Only runs already reminded (past their reminder) or escalated (to the tenant's second group). */
  flag?: 'reminded' | 'escalated';
  page?: number;
  pageSize?: number;
}

export interface InboxEntry {
  workflowId: string;
  runId: string;
  gate: 'plan' | 'result';
  /** The candidate under review (result gate). */
  candidateKey?: string;
  since: string;
  deadline?: string;
  onTimeout?: TimeoutPolicy;
  /** The reminder for the current deadline went out then. */
  remindedAt?: string;
  /** At the deadline the review passes to these reviewers. */
  escalatesTo?: string[];
  /** Escalated: only these reviewers decide now. */
  escalatedTo?: string[];
  providers?: string;
  batch?: string;
  startTime: string;
}

export interface InboxPage {
  entries: InboxEntry[];
  /** Waiting runs that match, of those read (at most INBOX_SCAN_LIMIT). */
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** More runs wait than the inbox reads at once: narrow the filter. */
  truncated: boolean;
}

function inboxQuery(idKey: string, tenant: string, f: InboxFilter): string {
  const gates = f.gate === 'plan' ? ['pending_plan'] : f.gate === 'result' ? ['pending'] : ['pending', 'pending_plan'];
  const parts = [
    `${Kind.name} = 'generate'`,
    `${Tenant.name} = ${quote(tenant)}`,
    `${Approval.name} IN (${gates.map(quote).join(', ')})`,
    `ExecutionStatus = 'Running'`,
  ];
  if (f.user) parts.push(`${UserTag.name} IN (${userTags(idKey, tenant, f.user).map(quote).join(', ')})`);
  if (f.batch) parts.push(`${BatchId.name} = ${quote(f.batch)}`);
  if (f.provider) parts.push(`${Providers.name} = ${quote(f.provider)}`);
  return parts.join(' AND ');
}

/**
 * Earliest deadline first; runs with no deadline after them, longest waiting first. Runs started before the
 * memo existed wait since their start as far as the inbox can tell.
 */
function byDeadline(a: InboxEntry, b: InboxEntry): number {
  if (a.deadline && b.deadline) return a.deadline.localeCompare(b.deadline);
  if (a.deadline || b.deadline) return a.deadline ? -1 : 1;
  return a.since.localeCompare(b.since) || a.workflowId.localeCompare(b.workflowId);
}

export async function reviewInbox(g: Pick<Generations, 'client' | 'config'>, tenant: string, f: InboxFilter, now = Date.now()): Promise<InboxPage> {
  const all: InboxEntry[] = [];
  let truncated = false;
  for await (const info of g.client.workflow.list({ query: inboxQuery(g.config.ids.key, tenant, f), pageSize: 100 })) {
    if (all.length >= INBOX_SCAN_LIMIT) {
      truncated = true;
      break;
    }
    const wait = info.memo?.[REVIEW_WAIT_MEMO_KEY] as PendingReview | null | undefined;
    const approval = info.typedSearchAttributes.get(Approval);
    all.push({
      workflowId: info.workflowId,
      runId: info.runId,
      gate: wait?.kind ?? (approval === 'pending_plan' ? 'plan' : 'result'),
      ...(wait?.candidateKey ? { candidateKey: wait.candidateKey } : {}),
      since: wait?.since ?? info.startTime.toISOString(),
      ...(wait?.deadline ? { deadline: wait.deadline } : {}),
      ...(wait?.onTimeout ? { onTimeout: wait.onTimeout } : {}),
      ...(wait?.remindedAt ? { remindedAt: wait.remindedAt } : {}),
      ...(wait?.escalatesTo ? { escalatesTo: wait.escalatesTo } : {}),
      ...(wait?.escalatedTo ? { escalatedTo: wait.escalatedTo } : {}),
      providers: info.typedSearchAttributes.get(Providers),
      batch: info.typedSearchAttributes.get(BatchId),
      startTime: info.startTime.toISOString(),
    });
  }
  const matching = all
    .filter((e) => f.waitingMinutes === undefined || now - Date.parse(e.since) >= f.waitingMinutes * 60_000)
    .filter((e) => f.onTimeout === undefined || e.onTimeout === f.onTimeout)
    .filter((e) => f.flag === undefined || (f.flag === 'reminded' ? e.remindedAt : e.escalatedTo) !== undefined)
    .sort(byDeadline);
  const pageSize = f.pageSize ?? 20;
  const pages = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(Math.max(1, f.page ?? 1), pages);
  return { entries: matching.slice((page - 1) * pageSize, page * pageSize), total: matching.length, page, pageSize, pages, truncated };
}

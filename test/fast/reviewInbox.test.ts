/**
 * The inbox's pure parts: what bulk and inbox requests the edge accepts, the time left a card shows, and that
 * a page renders run data as text, never as markup.
 */
import { bulkReviewBody, inboxQuery } from '../../client/api/routeSchemas';
import { timeLeft } from '../../client/api/review/html';
import { renderInboxPage } from '../../client/api/review/inboxPage';
import { renderRunPage } from '../../client/api/review/runPage';
import type { StatusView } from '../../client/generations';
import { EMPTY_USAGE } from '../../common/modelCall';

const NOW = Date.parse('2026-12-04T12:00:00.000Z');

test('time left: minutes, hours, days, overdue, or no deadline', () => {
  expect(timeLeft(undefined, NOW)).toBe('no deadline');
  expect(timeLeft('2026-12-04T11:59:00.000Z', NOW)).toBe('overdue');
  expect(timeLeft('2026-12-04T12:00:30.000Z', NOW)).toBe('under a minute left');
  expect(timeLeft('2026-12-04T12:40:00.000Z', NOW)).toBe('40 min left');
  expect(timeLeft('2026-12-04T14:05:00.000Z', NOW)).toBe('2 h 5 min left');
  expect(timeLeft('2026-12-09T12:00:00.000Z', NOW)).toBe('5 days left');
});

test('a bulk decision names each run and gate, a result decision its candidate, no run twice, at most 100', () => {
  const run = { workflowId: 'img-1', gate: 'result', candidateKey: 'tenants/a/img-1/image-0/round-1.png' };
  expect(bulkReviewBody.safeParse({ decision: 'approve', runs: [run] }).success).toBe(true);
  expect(bulkReviewBody.safeParse({ decision: 'approve', runs: [{ workflowId: 'img-1', gate: 'plan' }] }).success).toBe(true);
  for (const bad of [
    { decision: 'approve', runs: [] },
    { decision: 'approve', runs: [{ workflowId: 'img-1', gate: 'result' }] },
    { decision: 'approve', runs: [run, run] },
    { decision: 'approve', runs: [{ ...run, workflowId: 'a b' }] },
    { decision: 'approve', runs: [{ ...run, extra: 1 }] },
    { decision: 'approve', runs: Array.from({ length: 101 }, (_, i) => ({ workflowId: `r${i}`, gate: 'plan' })) },
    { decision: 'maybe', runs: [run] },
    { decision: 'reject', feedback: 'x'.repeat(100_000), runs: [run] },
  ])
    expect(bulkReviewBody.safeParse(bad).success).toBe(false);
});

test('inbox filters: known gates and timeout policies, ids only, a bounded page', () => {
  expect(inboxQuery.parse({})).toEqual({ page: 1, pageSize: 20 });
  expect(inboxQuery.parse({ gate: 'plan', waitingMinutes: '30', page: '2' })).toMatchObject({ gate: 'plan', waitingMinutes: 30, page: 2 });
  for (const bad of [{ gate: 'other' }, { pageSize: '0' }, { pageSize: '101' }, { batch: "x' OR 1=1" }, { provider: 'a b' }, { sort: 'x' }])
    expect(inboxQuery.safeParse(bad).success).toBe(false);
});

test('the inbox and the run view show request text, verdict reasons and source titles as text, never markup', () => {
  const hostile = '<img src=x onerror=alert(1)>';
  const view: StatusView = {
    workflowId: 'img-1',
    request: hostile,
    stage: 'awaiting_review',
    round: 1,
    approval: 'pending',
    pendingReview: { kind: 'result', candidateKey: 'k1', since: '2026-12-04T11:00:00.000Z', deadline: '2026-12-04T13:00:00.000Z', onTimeout: 'reject' },
    answers: [
      { route: 'web', question: 'q', status: 'answered', answer: hostile, items: [{ text: 't', sources: [{ url: 'javascript:alert(1)', title: hostile }] }] },
    ] as never,
    checklist: [{ id: 'c1', statement: hostile }] as never,
    candidates: [
      {
        imageIndex: 0,
        round: 1,
        image: { key: 'k0' },
        context: { prompt: hostile },
        renderedBy: { provider: 'offline' },
        critique: { verdicts: [{ itemId: 'c1', status: 'fail', pass: false, reason: hostile }], passed: 0, total: 1 },
      },
      { imageIndex: 0, round: 2, image: { key: 'k1' }, context: { prompt: 'p2' }, renderedBy: { provider: 'offline' } },
    ] as never,
    current: [],
    decisions: [{ kind: 'result', decision: 'reject', candidateKey: 'k0', feedback: hostile, reviewer: 'rita', at: '2026-12-04T11:00:00.000Z', via: 'update' }],
    questions: [
      {
        question: hostile,
        answer: hostile,
        sources: [{ url: 'javascript:alert(1)', title: hostile }],
        by: 'rita',
        at: '2026-12-04T11:30:00.000Z',
        gate: 'result',
        candidateKey: 'k1',
        provider: 'offline',
      },
    ],
    usage: EMPTY_USAGE,
    providers: 'offline',
    degraded: [],
    runStatus: 'RUNNING',
    ui: 'http://ui/img-1',
    urls: { k0: 'http://s3/k0', k1: 'http://s3/k1' },
  };
  const run = renderRunPage(view, NOW);
  const inbox = renderInboxPage({
    tenant: 'acme',
    filter: { batch: hostile },
    inbox: {
      entries: [
        {
          workflowId: 'img-1',
          runId: 'r',
          gate: 'result',
          candidateKey: 'k1',
          since: view.pendingReview!.since,
          deadline: view.pendingReview!.deadline!,
          onTimeout: 'reject',
          startTime: view.pendingReview!.since,
        },
      ],
      total: 1,
      page: 1,
      pageSize: 20,
      pages: 1,
      truncated: false,
    },
    statuses: new Map([['img-1', view]]),
    queued: [],
    now: NOW,
  });
  for (const page of [run, inbox]) {
    expect(page).not.toContain(hostile);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  }
  expect(run).not.toContain('href="javascript:');
  // Both rounds, the one under review marked; the time left before the deadline and what happens then.
  expect(run.match(/<h3>Round \d<\/h3>/g)).toEqual(['<h3>Round 1</h3>', '<h3>Round 2</h3>']);
  expect(run).toContain('candidate under-review" data-key="k1"');
  expect(inbox).toContain('1 h 0 min left</span>, then reject');
});

/**
 * The reviewer's inbox, as a reviewer uses it: through the API (filters, deadline order, pages, bulk decisions
 * with per-run outcomes, another tenant's runs refused one by one) and in headless Chromium (filter, open a run
 * and compare its rounds, the keyboard, a bulk approval of a page, a phone's width, and an axe-core scan).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildApi } from '../client/api/apiServer';
import type { ReviewRecord } from '../common/review';
import type { GenerateImageResult } from '../common/runResult';
import { statusQuery } from '../workflows/generate/generationMessages';
import { launchBrowser, screenshot } from './support/browser';
import { addedActivities, scheduledActivities } from './support/activityCounts';
import { eventually } from './support/eventually';
import { startTestEnv, type TestEnv } from './support/testEnv';

const REVIEWER = `tok-rev-${randomUUID()}`;
const AUDITOR = `tok-aud-${randomUUID()}`;
const OTHER = `tok-other-${randomUUID()}`;
const ADMIN = `tok-adm-${randomUUID()}`;
const LEAD = `tok-lead-${randomUUID()}`;

describe('the reviewer’s inbox', () => {
  let env: TestEnv;
  let api: FastifyInstance;
  let base: string;
  let browser: Browser;
  const tenant = `inbox-${randomUUID().slice(0, 8)}`;
  const otherTenant = `inbox-other-${randomUUID().slice(0, 8)}`;

  const call = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, any> };
  };

  /** Starts a run that waits for review; resolves once it does, with its candidate (result gate). */
  async function startWaiting(request: string, review: Record<string, unknown>, token = REVIEWER) {
    const res = await call('POST', '/v1/generations', token, {
      request,
      userId: 'inbox-user',
      options: { size: '256x256' },
      review: { required: true, onTimeout: 'expire', ...review },
    });
    expect(res.status).toBe(202);
    const id = res.body.workflowId as string;
    const gate = review.planApproval ? 'plan' : 'result';
    const status = await eventually(async () => {
      const s = await call('GET', `/v1/generations/${id}`, token);
      expect(s.body.pendingReview?.kind).toBe(gate);
      return s.body;
    }, 60_000);
    return { id, candidateKey: status.pendingReview.candidateKey as string | undefined };
  }

  const inbox = (query: string, token = REVIEWER) => call('GET', `/v1/reviews/inbox?${query}`, token);
  const decisions = async (id: string): Promise<ReviewRecord[]> => (await env.client.workflow.getHandle(id).query(statusQuery)).decisions;

  let soon: { id: string; candidateKey?: string };
  let later: { id: string; candidateKey?: string };
  let open: { id: string; candidateKey?: string };
  let plan: { id: string; candidateKey?: string };
  let foreign: { id: string; candidateKey?: string };

  beforeAll(async () => {
    env = await startTestEnv({
      name: 'inbox',
      env: {
        IMAGE_AGENT_API_TOKENS: `${REVIEWER}:${tenant}:inbox-reviewer:submit+delegate+review,${AUDITOR}:${tenant}:inbox-auditor:audit,${OTHER}:${otherTenant}:other-reviewer:submit+delegate+review,${ADMIN}:${tenant}:inbox-admin:admin,${LEAD}:${tenant}:inbox-lead:review`,
      },
    });
    api = buildApi({ client: env.client, config: env.config, store: env.store });
    await api.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    [later, soon, open, plan, foreign] = await Promise.all([
      startWaiting('a lighthouse poster, due later', { timeout: '3 hours' }),
      startWaiting('a lantern poster, due soon', { timeout: '40 minutes', onTimeout: 'reject' }),
      startWaiting('a kite poster, no deadline', {}),
      startWaiting('a harbour poster, plan first', { planApproval: true, timeout: '2 hours' }),
      startWaiting('another tenant’s poster', {}, OTHER),
    ]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await env?.stop();
  });

  test('lists the tenant’s waiting runs earliest deadline first, from visibility alone, and filters and pages them', async () => {
    const all = await inbox('');
    expect(all.status).toBe(200);
    const ids = (all.body.entries as { workflowId: string }[]).map((e) => e.workflowId);
    // 40 minutes, then 2 hours (the plan), then 3 hours, then the run with no deadline.
    expect(ids).toEqual([soon.id, plan.id, later.id, open.id]);
    expect(all.body.entries[0]).toMatchObject({ gate: 'result', candidateKey: soon.candidateKey, onTimeout: 'reject' });
    expect(Date.parse(all.body.entries[0].deadline) - Date.parse(all.body.entries[0].since)).toBe(40 * 60_000);
    expect(ids).not.toContain(foreign.id);

    expect((await inbox('gate=plan')).body.entries.map((e: { workflowId: string }) => e.workflowId)).toEqual([plan.id]);
    expect((await inbox('onTimeout=reject')).body.entries.map((e: { workflowId: string }) => e.workflowId)).toEqual([soon.id]);
    expect((await inbox('waitingMinutes=600')).body.total).toBe(0);
    const second = await inbox('pageSize=3&page=2');
    expect(second.body).toMatchObject({ page: 2, pages: 2, total: 4 });
    expect(second.body.entries.map((e: { workflowId: string }) => e.workflowId)).toEqual([open.id]);

    // Another tenant's reviewer sees only its own run; an auditor may not use the reviewer's inbox.
    expect((await inbox('', OTHER)).body.entries.map((e: { workflowId: string }) => e.workflowId)).toEqual([foreign.id]);
    expect((await inbox('', AUDITOR)).status).toBe(403);
    // Bad filters are refused, naming the field.
    for (const bad of ['gate=maybe', 'pageSize=1000', 'onTimeout=never', 'batch=a%20b', 'waitingMinutes=-1', 'colour=red']) {
      const r = await inbox(bad);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatch(/invalid query/);
    }
  });

  test('bulk: each run is decided on its own; another tenant’s run, a stale candidate and a repeat fail alone', async () => {
    const a = await startWaiting('a bulk poster one', {});
    const b = await startWaiting('a bulk poster two', {});
    const body = {
      decision: 'approve',
      runs: [
        { workflowId: a.id, gate: 'result', candidateKey: a.candidateKey },
        { workflowId: b.id, gate: 'result', candidateKey: 'tenants/x/runs/old.png' },
        { workflowId: foreign.id, gate: 'result', candidateKey: foreign.candidateKey },
        { workflowId: `no-such-run-${randomUUID()}`, gate: 'plan' },
      ],
    };
    const key = { 'idempotency-key': `bulk-${randomUUID()}` };
    const first = await call('POST', '/v1/reviews/bulk', REVIEWER, body, key);
    expect(first.status).toBe(200);
    const byId = new Map((first.body.results as { workflowId: string; ok: boolean; status: number; error?: string }[]).map((r) => [r.workflowId, r]));
    expect(byId.get(a.id)).toMatchObject({ ok: true, status: 200 });
    expect(byId.get(b.id)).toMatchObject({ ok: false, status: 409 });
    expect(byId.get(foreign.id)).toMatchObject({ ok: false, status: 404 });
    expect(byId.get(body.runs[3]!.workflowId)).toMatchObject({ ok: false, status: 404 });
    // The same request again (a retried click) decides nothing twice: the same update id answers the same.
    const retried = await call('POST', '/v1/reviews/bulk', REVIEWER, body, key);
    expect(retried.body.results.find((r: { workflowId: string }) => r.workflowId === a.id)).toMatchObject({ ok: true });
    expect((await decisions(a.id)).filter((d) => d.kind === 'result')).toHaveLength(1);
    expect((await decisions(a.id))[0]).toMatchObject({ reviewer: 'inbox-reviewer', signed: true, via: 'update' });
    // The other tenant's run was not touched.
    expect(await decisions(foreign.id)).toHaveLength(0);
    // Malformed bulk requests are refused whole, before anything is decided.
    for (const bad of [
      { decision: 'approve', runs: [] },
      { decision: 'approve', runs: [{ workflowId: b.id, gate: 'result' }] },
      {
        decision: 'approve',
        runs: [
          { workflowId: b.id, gate: 'plan' },
          { workflowId: b.id, gate: 'plan' },
        ],
      },
      { decision: 'maybe', runs: [{ workflowId: b.id, gate: 'plan' }] },
      { decision: 'approve', runs: Array.from({ length: 101 }, (_, i) => ({ workflowId: `r-${i}`, gate: 'plan' })) },
    ]) {
      const r = await call('POST', '/v1/reviews/bulk', REVIEWER, bad);
      expect(r.status).toBe(400);
    }
    expect((await call('POST', '/v1/reviews/bulk', AUDITOR, body)).status).toBe(403);
    expect(await decisions(b.id)).toHaveLength(0);
    await call('POST', `/v1/generations/${b.id}/cancel`, REVIEWER);
  });

  describe('in Chromium', () => {
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
      page = await context.newPage();
      await page.goto(`${base}/review/login`);
      await page.locator('input[name=token]').fill(REVIEWER);
      await Promise.all([page.waitForURL(`${base}/review`), page.locator('form button').click()]);
    });
    afterAll(async () => context?.close());

    async function axeViolations(): Promise<{ id: string; impact: string; help: string }[]> {
      await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
      const result = await page.evaluate(async () =>
        (globalThis as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; help: string }[] }> } }).axe.run(),
      );
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    }

    test('the inbox shows each waiting run by deadline; a filter narrows it; no serious accessibility violations', async () => {
      await page.goto(`${base}/review`);
      const cards = page.locator('section.run');
      const order = await cards.evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { workflowId: string } }).dataset.workflowId));
      expect(order.indexOf(soon.id)).toBeLessThan(order.indexOf(later.id));
      expect(order).not.toContain(foreign.id);
      await expect(page.locator(`section.run[data-workflow-id="${soon.id}"]`).textContent()).resolves.toMatch(/min left, then reject/);
      await screenshot(page, 'review-inbox');
      expect(await axeViolations()).toEqual([]);

      await page.locator('select[name=gate]').selectOption('plan');
      await Promise.all([page.waitForURL(/gate=plan/), page.getByRole('button', { name: 'Filter' }).click()]);
      await expect(page.locator('section.run').count()).resolves.toBe(1);
      await expect(page.locator(`section.run[data-workflow-id="${plan.id}"]`).count()).resolves.toBe(1);
    });

    test('a run rejected once shows both rounds side by side, each with its verdicts', async () => {
      const r = await call('POST', `/v1/generations/${later.id}/review`, REVIEWER, {
        decision: 'reject',
        candidateKey: later.candidateKey,
        feedback: 'warmer light, please',
      });
      expect(r.status).toBe(200);
      await eventually(async () => {
        const pending = (await call('GET', `/v1/generations/${later.id}`, REVIEWER)).body.pendingReview;
        expect(pending?.kind).toBe('result');
        expect(pending.candidateKey).not.toBe(later.candidateKey);
      }, 60_000);
      await page.goto(`${base}/review`);
      await Promise.all([page.waitForURL(/\/review\/runs\//), page.locator(`section.run[data-workflow-id="${later.id}"] a.open`).click()]);
      await expect(page.locator('h3').allTextContents()).resolves.toEqual(['Round 1', 'Round 2']);
      const figures = page.locator('figure.candidate');
      await expect(figures.count()).resolves.toBe(2);
      await expect(figures.nth(0).textContent()).resolves.toContain('rejected: warmer light, please');
      await expect(page.locator('figure.candidate.under-review').count()).resolves.toBe(1);
      await expect(page.locator('figure.candidate ul.verdicts li').count()).resolves.toBeGreaterThan(0);
      await screenshot(page, 'review-run-rounds');
      expect(await axeViolations()).toEqual([]);
      // Another tenant's reviewer gets nothing of it.
      const foreignView = await fetch(`${base}/review/runs/${later.id}`, { headers: { authorization: `Bearer ${OTHER}` } });
      expect(foreignView.status).toBe(404);
      expect(await foreignView.text()).not.toContain('lighthouse');
    });

    test('approve an earlier candidate from the run view: the run delivers round 1, and the decision says so', async () => {
      const run = await startWaiting('a harbour map, two tries', { timeout: '3 hours' });
      expect(
        (await call('POST', `/v1/generations/${run.id}/review`, REVIEWER, { decision: 'reject', candidateKey: run.candidateKey, feedback: 'bolder lines' }))
          .status,
      ).toBe(200);
      await eventually(async () => {
        const pending = (await call('GET', `/v1/generations/${run.id}`, REVIEWER)).body.pendingReview;
        expect(pending?.kind).toBe('result');
        expect(pending.candidateKey).not.toBe(run.candidateKey);
      }, 60_000);
      await page.goto(`${base}/review/runs/${run.id}`);
      // Only the earlier candidate offers the choice; the one under review has the ordinary Approve.
      await expect(page.locator('figure.candidate button.approve-chosen').count()).resolves.toBe(1);
      await page.locator(`figure.candidate[data-key="${run.candidateKey}"] button.approve-chosen`).click();
      const answer = page.locator('section.run output', { hasText: /Approved|Refused/ }).first();
      await answer.waitFor();
      await expect(answer.textContent()).resolves.toBe('Approved.');
      const result = (await env.client.workflow.getHandle(run.id).result()) as GenerateImageResult;
      expect(result.images[0]!.final.image.key).toBe(run.candidateKey);
      expect(result.decisions.at(-1)).toMatchObject({ decision: 'approve', chosenKey: run.candidateKey, reviewer: 'inbox-reviewer', signed: true });
    });

    test('edit and re-render from the run view: the history holds exactly one more render and one more critique', async () => {
      const scheduled = () => scheduledActivities(env.client.workflow.getHandle(open.id));
      const before = await scheduled();
      await page.goto(`${base}/review`);
      await page.locator(`section.run[data-workflow-id="${open.id}"]`).click({ position: { x: 5, y: 5 } });
      // e on an inbox card opens the run view at its edit form.
      await Promise.all([page.waitForURL(/\?edit=1$/), page.keyboard.press('e')]);
      const prompt = page.locator('details.edit textarea[name=prompt]');
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute(
            'name',
          ) === 'prompt',
        undefined,
        { timeout: 10_000 },
      );
      await prompt.fill('a kite poster, flat colours, the kite bright red');
      await page.locator('details.edit textarea[name=checklist]').fill('The kite is red\nThe poster uses flat colours');
      await screenshot(page, 'review-run-edit');
      await page.getByRole('button', { name: 'Render my edit' }).click();
      await page.locator('output', { hasText: 'Edit sent' }).waitFor();
      const next = await eventually(async () => {
        const pending = (await call('GET', `/v1/generations/${open.id}`, REVIEWER)).body;
        expect(pending.pendingReview?.kind).toBe('result');
        expect(pending.pendingReview.candidateKey).not.toBe(open.candidateKey);
        return pending;
      }, 60_000);
      const after = await scheduled();
      const added = addedActivities(before, after);
      expect(added).toEqual({ renderImage: 1, critiqueImage: 1 });
      expect(next.checklist.map((i: { statement: string }) => i.statement)).toEqual(['The kite is red', 'The poster uses flat colours']);
      expect(next.decisions).toMatchObject([{ decision: 'edit', edited: ['prompt', 'checklist'], reviewer: 'inbox-reviewer', signed: true }]);
      open = { id: open.id, candidateKey: next.pendingReview.candidateKey };
      // An edit that exceeds the request's limits is refused at the edge, naming the field.
      const tooLong = await call('POST', `/v1/generations/${open.id}/review`, REVIEWER, {
        decision: 'edit',
        candidateKey: open.candidateKey,
        prompt: 'x'.repeat(8001),
      });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error).toMatch(/prompt/);
    });

    test('ask the agent from the run view: q opens the form, the answer appears without a reload, and the run still waits', async () => {
      const run = await startWaiting('a lighthouse keeper poster, asked about', {});
      const handle = env.client.workflow.getHandle(run.id);
      const before = await scheduledActivities(handle);
      await page.goto(`${base}/review/runs/${run.id}`);
      await page.keyboard.press('q');
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute(
            'name',
          ) === 'question',
        undefined,
        { timeout: 10_000 },
      );
      await page.keyboard.type('What does the lighthouse keeper poster show?');
      await page.getByRole('button', { name: 'Ask', exact: true }).click();
      await page.locator('#ask output', { hasText: 'Answered.' }).waitFor();
      const asked = page.locator('#ask ol.questions li');
      await expect(asked.count()).resolves.toBe(1);
      await expect(asked.locator('p.a').textContent()).resolves.toMatch(/OFFLINE ANSWER \(no model was asked\)/);
      await screenshot(page, 'review-run-ask');
      expect(await axeViolations()).toEqual([]);
      // One answer and nothing else: no render, no critique; the run still waits for the same candidate.
      expect(addedActivities(before, await scheduledActivities(handle))).toEqual({ answerReviewQuestion: 1 });
      const status = (await call('GET', `/v1/generations/${run.id}`, REVIEWER)).body;
      expect(status.pendingReview.candidateKey).toBe(run.candidateKey);
      expect(status.questions).toMatchObject([{ question: 'What does the lighthouse keeper poster show?', by: 'inbox-reviewer', signed: true }]);
      await page.reload();
      await expect(page.locator('#ask ol.questions li').count()).resolves.toBe(1);
    });

    test('the keyboard: ? shows the keys, j moves, a approves the focused run', async () => {
      await page.goto(`${base}/review`);
      await page.keyboard.press('?');
      await expect(page.locator('dialog#keys').evaluate((d) => (d as unknown as { open: boolean }).open)).resolves.toBe(true);
      await screenshot(page, 'review-inbox-keys');
      await page.keyboard.press('Escape');
      const first = await page.locator('section.run.focused').getAttribute('data-workflow-id');
      await page.keyboard.press('j');
      const focused = page.locator('section.run.focused');
      const second = await focused.getAttribute('data-workflow-id');
      expect(second).not.toBe(first);
      await page.keyboard.press('k');
      await expect(page.locator('section.run.focused').getAttribute('data-workflow-id')).resolves.toBe(first);
      await page.keyboard.press('j');
      const kind = await page.locator('section.run.focused').getAttribute('data-kind');
      await page.keyboard.press('a');
      await page.locator(`section.run[data-workflow-id="${second}"] output`, { hasText: 'Approved.' }).waitFor();
      const recorded = await decisions(second!);
      expect(recorded.filter((d) => d.kind === kind && d.decision === 'approve')).toHaveLength(1);
    });

    test('bulk: select a page, approve it with one confirmation; each run records its own decision', async () => {
      const runs = await Promise.all([1, 2, 3].map((i) => startWaiting(`a catalogue tile ${i}`, {})));
      await page.goto(`${base}/review?gate=result`);
      await page.locator('#select-all').check();
      await page.getByRole('button', { name: 'Approve selected' }).click();
      await expect(page.locator('#bulk-confirm p').textContent()).resolves.toMatch(/^Approve \d+ runs\?/);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.locator('#bulk output', { hasText: /decided/ }).waitFor();
      await screenshot(page, 'review-inbox-bulk-approved');
      for (const r of runs) {
        await page.locator(`section.run[data-workflow-id="${r.id}"] output`, { hasText: 'Approved.' }).waitFor();
        const recorded = (await decisions(r.id)).filter((d) => d.kind === 'result');
        expect(recorded).toHaveLength(1);
        expect(recorded[0]).toMatchObject({ decision: 'approve', reviewer: 'inbox-reviewer', signed: true });
      }
    });

    test('at a phone’s width the inbox needs no sideways scrolling', async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
      try {
        const p = await phone.newPage();
        await p.goto(`${base}/review/login`);
        await p.locator('input[name=token]').fill(REVIEWER);
        await Promise.all([p.waitForURL(`${base}/review`), p.locator('form button').click()]);
        const overflow = await p.evaluate(() => {
          const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
          return d.documentElement.scrollWidth - d.documentElement.clientWidth;
        });
        expect(overflow).toBeLessThanOrEqual(0);
        await screenshot(p, 'review-inbox-phone');
      } finally {
        await phone.close();
      }
    });
  });

  // Last: these runs' deadlines are seconds away, and would lead the earlier tests' deadline order.
  test('reminders and escalation in the inbox: a reminded run is flagged and listed alone; the tenant’s escalation reaches new runs, and once escalated only its reviewers decide', async () => {
    const reminded = await startWaiting('a ferry poster, reminded', { timeout: '40 seconds', remindAt: 0.05 });
    await eventually(async () => {
      const r = await inbox('flag=reminded');
      expect(r.body.entries.map((e: { workflowId: string }) => e.workflowId)).toEqual([reminded.id]);
      expect(r.body.entries[0].remindedAt).toEqual(expect.any(String));
    }, 30_000);
    const page = await fetch(`${base}/review?flag=reminded`, { headers: { authorization: `Bearer ${REVIEWER}` } });
    expect(await page.text()).toMatch(/class="flag reminded"/);

    const policy = await call('POST', '/v1/tenant/policy', ADMIN, { review: { escalation: { reviewers: ['inbox-lead'], timeout: '1 day' } } });
    expect(policy.status).toBe(200);
    try {
      const escalating = await startWaiting('a tram poster, escalated', { timeout: '4 seconds' });
      const waiting = await call('GET', `/v1/generations/${escalating.id}`, REVIEWER);
      expect(waiting.body.pendingReview.escalatesTo).toEqual(['inbox-lead']);
      await eventually(async () => {
        const r = await inbox('flag=escalated');
        expect(r.body.entries.map((e: { workflowId: string }) => e.workflowId)).toContain(escalating.id);
      }, 30_000);
      const html = await (await fetch(`${base}/review/runs/${escalating.id}`, { headers: { authorization: `Bearer ${REVIEWER}` } })).text();
      expect(html).toContain('escalated: only inbox-lead may decide');
      const decision = { decision: 'approve', candidateKey: escalating.candidateKey };
      const refused = await call('POST', `/v1/generations/${escalating.id}/review`, REVIEWER, decision);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatch(/escalated review: only inbox-lead may decide now, and inbox-reviewer is not one of them/);
      expect((await call('POST', `/v1/generations/${escalating.id}/review`, LEAD, decision)).status).toBe(200);
      expect(await decisions(escalating.id)).toMatchObject([{ decision: 'approve', reviewer: 'inbox-lead', signed: true }]);
    } finally {
      expect((await call('POST', '/v1/tenant/policy', ADMIN, { review: { escalation: null } })).status).toBe(200);
    }
  }, 120_000);
});

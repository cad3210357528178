/**
 * The soak's load, through the HTTP API as a client would send it: single images, image sets, memory
 * requests, runs a reviewer approves or rejects while faults go on, webhooks; plus a session of several
 * turns and a batch. Every start carries an Idempotency-Key and is retried until the API answers, so a
 * Temporal restart never makes the soak itself lose or double a run.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { AppConfig } from '../../common/config';
import { startBatch } from '../../client/batches';
import { submitTurn, type Conversation } from '../../client/sessionClient';
import type { ObjectStore } from '../../providers/objectStore';
import { batchWorkflowId } from '../../workflows/batch/batchMessages';

export type RunKind = 'single' | 'image_set' | 'memory' | 'review_approve' | 'review_reject_then_approve' | 'webhook';

export interface SubmittedRun {
  kind: RunKind;
  workflowId: string;
  webhook: boolean;
  review: boolean;
  decisions: number;
}

export interface LoadTargets {
  api: string;
  token: string;
  webhookUrl: string;
  tenantId: string;
}

const KINDS: RunKind[] = ['single', 'single', 'single', 'image_set', 'memory', 'review_approve', 'review_reject_then_approve', 'webhook', 'single', 'memory'];

function requestFor(kind: RunKind, i: number): string {
  switch (kind) {
    case 'image_set':
      return `a 3-slide deck about tide pools, number ${i}`;
    case 'memory':
      return `a greeting card in my usual style, number ${i}`;
    default:
      return `a product shot of a ceramic mug, number ${i}`;
  }
}

/** Retries a call that fails because a dependency is down (the API answers 5xx, or cannot be reached). */
async function untilAnswered<T>(
  what: string,
  call: () => Promise<{ status: number; body: T; retryAfterSeconds?: number }>,
  deadline: number,
): Promise<{ status: number; body: T }> {
  let last = '';
  while (Date.now() < deadline) {
    let waitMs = 1000;
    try {
      const res = await call();
      // A 429 is the API asking this client to slow down (several starts retrying through an outage): it waits as told.
      if (res.status === 429) waitMs = (res.retryAfterSeconds ?? 5) * 1000;
      else if (res.status < 500) return res;
      last = `HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, waitMs));
  }
  throw new Error(`${what}: no answer before the deadline (${last})`);
}

export class SoakLoad {
  readonly runs: SubmittedRun[] = [];
  readonly errors: string[] = [];
  sessionWorkflowIds: string[] = [];
  batchWorkflowId?: string;

  constructor(
    private readonly targets: LoadTargets,
    private readonly deadline: number,
  ) {}

  private async http<T>(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T; retryAfterSeconds?: number }> {
    const res = await fetch(`${this.targets.api}${route}`, {
      method,
      headers: { authorization: `Bearer ${this.targets.token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const retryAfter = Number(res.headers.get('retry-after'));
    return { status: res.status, body: (await res.json().catch(() => ({}))) as T, ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}) };
  }

  /** Starts run i, retrying with the same key until the API answers; a review run gets its reviewer. */
  async submit(i: number): Promise<void> {
    const kind = KINDS[i % KINDS.length]!;
    const review = kind === 'review_approve' || kind === 'review_reject_then_approve';
    const webhook = kind === 'webhook' || review;
    const key = `soak-run-${i}`;
    const res = await untilAnswered(
      `start run ${i}`,
      () =>
        this.http<{ workflowId?: string; error?: string }>(
          'POST',
          '/v1/generations',
          {
            request: requestFor(kind, i),
            userId: kind === 'memory' ? `member-${i % 3}` : `user-${i}`,
            options: { size: '128x128' },
            ...(review ? { review: { required: true, onTimeout: 'expire' } } : {}),
            ...(webhook ? { webhookUrl: this.targets.webhookUrl } : {}),
          },
          { 'idempotency-key': key },
        ),
      this.deadline,
    );
    if (res.status !== 202 || !res.body.workflowId) {
      this.errors.push(`run ${i}: start answered ${res.status}: ${res.body.error ?? ''}`);
      return;
    }
    const run: SubmittedRun = { kind, workflowId: res.body.workflowId, webhook, review, decisions: 0 };
    this.runs.push(run);
    if (review)
      await this.reviewer(run, kind === 'review_reject_then_approve' ? 1 : 0).catch((err: unknown) =>
        this.errors.push(`review of ${run.workflowId}: ${(err as Error).message}`),
      );
  }

  /** A reviewer: waits for the candidate, rejects `rejections` times with feedback, then approves. */
  private async reviewer(run: SubmittedRun, rejections: number): Promise<void> {
    for (let n = 0; n <= rejections; n++) {
      let candidateKey: string | undefined;
      while (!candidateKey) {
        if (Date.now() > this.deadline) throw new Error('no candidate to review before the deadline');
        const status = await this.http<{ pendingReview?: { kind: string; candidateKey?: string }; stage?: string }>(
          'GET',
          `/v1/generations/${run.workflowId}`,
        ).catch(() => undefined);
        candidateKey = status?.body.pendingReview?.kind === 'result' ? status.body.pendingReview.candidateKey : undefined;
        if (!candidateKey) await new Promise((r) => setTimeout(r, 1000));
      }
      const decision = n < rejections ? { decision: 'reject', candidateKey, feedback: 'warmer light, please' } : { decision: 'approve', candidateKey };
      // The same key for the same decision: a retried click is the same decision, never a second one.
      const res = await untilAnswered(
        `decision ${n + 1} on ${run.workflowId}`,
        () =>
          this.http<{ error?: string }>('POST', `/v1/generations/${run.workflowId}/review`, decision, { 'idempotency-key': `${run.workflowId}-decision-${n}` }),
        this.deadline,
      );
      if (res.status !== 200) throw new Error(`decision ${n + 1} answered ${res.status}: ${res.body.error ?? ''}`);
      run.decisions += 1;
    }
  }

  /** A conversation of `turns` turns, each submitted once (the request id makes a retried submission the same turn). */
  async session(client: Client, config: AppConfig, turns: number): Promise<void> {
    const conversation: Conversation = {
      tenantId: this.targets.tenantId,
      userId: 'talker',
      sessionId: randomUUID().slice(0, 8),
      options: { size: '128x128' },
      maxTurnsPerRun: 2,
    };
    const requests = [
      'a paper boat logo',
      'a lighthouse at dusk',
      'the boat logo from before on a sail',
      'the lighthouse again, at night',
      'a postcard with both',
    ];
    for (let t = 0; t < turns; t++) {
      const accepted = await untilAnswered(
        `session turn ${t + 1}`,
        async () => ({
          status: 200,
          body: await submitTurn(client, config, conversation, { request: requests[t % requests.length]! }, `soak-turn-${conversation.sessionId}-${t}`),
        }),
        this.deadline,
      );
      this.sessionWorkflowIds.push(accepted.body.workflowId);
    }
  }

  /** A batch of `cases` cases through the batch workflow. */
  async batch(g: { client: Client; config: AppConfig; store: ObjectStore }, cases: number): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-batch-'));
    const file = path.join(dir, 'cases.jsonl');
    fs.writeFileSync(
      file,
      Array.from({ length: cases }, (_, i) => JSON.stringify({ id: `case-${i}`, request: `a catalogue photo of item ${i}`, size: '128x128' })).join('\n'),
    );
    const batchId = `soak-${randomUUID().slice(0, 8)}`;
    await untilAnswered(
      'start the batch',
      async () => {
        try {
          return { status: 200, body: await startBatch(g, [file], { batchId, tenantId: this.targets.tenantId, system: 'soak', concurrency: 3 }) };
        } catch (err) {
          // An earlier try started it and only its answer was lost.
          if (err instanceof WorkflowExecutionAlreadyStartedError) return { status: 200, body: undefined };
          throw err;
        }
      },
      this.deadline,
    );
    this.batchWorkflowId = batchWorkflowId(batchId);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

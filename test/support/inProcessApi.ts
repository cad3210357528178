/** The HTTP API in the test's own process, on a free port, and the calls tests make to it with a bearer token. */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../client/api/apiServer';
import { eventually } from './eventually';
import type { TestEnv } from './testEnv';

export interface ApiAnswer {
  status: number;
  body: Record<string, any>;
}

export interface InProcessApi {
  base: string;
  call(method: string, path: string, token: string, body?: unknown): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export async function listenApi(env: TestEnv): Promise<InProcessApi> {
  const app: FastifyInstance = buildApi({ client: env.client, config: env.config, store: env.store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    base,
    async call(method, path, token, body) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, any> };
    },
    close: () => app.close(),
  };
}

/** Starts a run through the API and waits until it waits for result review: its id and the candidate under review. */
export async function startWaitingRun(api: InProcessApi, token: string, body: Record<string, unknown>): Promise<{ id: string; candidateKey: string }> {
  const started = await api.call('POST', '/v1/generations', token, {
    options: { size: '256x256', maxRounds: 1 },
    review: { required: true, onTimeout: 'expire' },
    ...body,
  });
  if (started.status !== 202) throw new Error(`the run did not start: ${started.status} ${JSON.stringify(started.body)}`);
  const id = started.body.workflowId as string;
  const candidateKey = await eventually(async () => {
    const s = await api.call('GET', `/v1/generations/${id}`, token);
    expect(s.body.pendingReview?.candidateKey).toBeDefined();
    return s.body.pendingReview.candidateKey as string;
  }, 60_000);
  return { id, candidateKey };
}

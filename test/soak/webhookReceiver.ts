/** A local webhook receiver for the soak: it records every delivery; a share of them fails first, to be retried. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  event: string;
  idempotencyKey: string;
  workflowId: string;
  body: string;
  timestamp: string;
  signature: string;
}

export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  private readonly server: http.Server;
  private refused = 0;
  url = '';
  hostPort = '';

  /** Every failEvery-th request is answered 503 first (1: every request). */
  constructor(public failEvery = 5) {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        // Every n-th delivery gets a 503 first: the receiver is flaky too.
        if (++this.refused % this.failEvery === 0) {
          res.writeHead(503).end();
          return;
        }
        try {
          const parsed = JSON.parse(body) as { event?: string; idempotencyKey?: string; workflowId?: string };
          this.deliveries.push({
            event: parsed.event ?? '?',
            idempotencyKey: parsed.idempotencyKey ?? String(req.headers['x-imageagent-idempotency-key']),
            workflowId: parsed.workflowId ?? '?',
            body,
            timestamp: String(req.headers['x-imageagent-timestamp']),
            signature: String(req.headers['x-imageagent-signature']),
          });
        } catch {
          this.deliveries.push({
            event: 'unparseable',
            idempotencyKey: String(req.headers['x-imageagent-idempotency-key']),
            workflowId: '?',
            body,
            timestamp: String(req.headers['x-imageagent-timestamp']),
            signature: String(req.headers['x-imageagent-signature']),
          });
        }
        res.writeHead(204).end();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const { port } = this.server.address() as AddressInfo;
    this.hostPort = `127.0.0.1:${port}`;
    this.url = `http://${this.hostPort}/hooks/soak`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

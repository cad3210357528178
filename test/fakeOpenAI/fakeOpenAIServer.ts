/**
 * A local OpenAI-compatible HTTP server for tests: chat completions (with JSON-schema response_format),
 * image generations and edits (multipart), embeddings. Answers are scripted per test as rules; every
 * request is recorded. Faults are injected per rule: latency, 429 with Retry-After, 5xx, a hung request
 * (timeout) and malformed JSON. The `openai` package talks to it over real HTTP, exactly as to a real endpoint.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

export type Route = 'chat' | 'images.generate' | 'images.edit' | 'embeddings';

export interface UploadedFile {
  field: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
}

export interface RecordedRequest {
  seq: number;
  route: Route;
  at: number;
  /** A fault the chaos mode injected instead of (or, for "slow", before) the answer. */
  injected?: ChaosFault;
  /** When the answer was finished (or the connection closed); unset while in flight. */
  doneAt?: number;
  /** JSON body, or the text fields of a multipart body. */
  body: Record<string, unknown>;
  files: UploadedFile[];
  authorization: string | undefined;
}

export interface ChatReply {
  /** Raw assistant content. */
  content?: string;
  /** Serialised as the content; the usual answer for a JSON-schema request. */
  json?: unknown;
  /** A model-side refusal (message.refusal). */
  refusal?: string;
}

export interface ImageReply {
  /** How the image comes back: inline base64 (default) or a URL on this server. */
  format?: 'b64' | 'url';
  /** PNG bytes; by default a deterministic picture derived from the prompt. */
  png?: Buffer;
  revisedPrompt?: string;
}

export interface Fault {
  status?: number;
  retryAfterSeconds?: number;
  error?: { message: string; type?: string; code?: string };
  /** Never answer; the client's timeout has to end the request. */
  hang?: boolean;
  /** Answer 200 with a body that is not JSON. */
  malformed?: boolean;
}

/** What real endpoints do under load, injected at random by the chaos mode. */
export type ChaosFault = 'rate_limit' | 'server_error' | 'timeout' | 'malformed' | 'truncated' | 'slow';

export interface Chaos {
  /** Share of requests that get a fault, 0-1. */
  rate: number;
  faults: ChaosFault[];
  /** A seeded generator, so a soak can be repeated. */
  random: () => number;
  /** Latency of a "slow" answer. */
  slowMs?: number;
}

export interface Rule {
  route: Route;
  /** Serialisable matchers (usable through the admin API). All given must hold. */
  model?: string;
  /** The json_schema name of a chat request's response_format. */
  schema?: string;
  /** A substring of the request's text (all message text, or the image prompt, or the embedding input). */
  textIncludes?: string;
  /** In-process matcher for anything else. */
  when?: (req: RecordedRequest) => boolean;
  reply?: ChatReply | ImageReply | ((req: RecordedRequest) => ChatReply | ImageReply | Promise<ChatReply | ImageReply>);
  latencyMs?: number;
  fault?: Fault;
  /** Uses left; unlimited when absent. */
  times?: number;
}

const EMBEDDING_DIMENSIONS = 64;

export class FakeOpenAIServer {
  readonly requests: RecordedRequest[] = [];
  /** Latency added to every request of a route, whatever rule answers it. */
  readonly baseLatencyMs: Partial<Record<Route, number>> = {};
  private rules: Rule[] = [];
  private fallbacks: Rule[] = [];
  private readonly files = new Map<string, Buffer>();
  private readonly server: http.Server;
  private readonly hung = new Set<http.ServerResponse>();
  private seq = 0;
  baseURL = '';
  /** Random faults on a share of model requests (the soak); off when unset. */
  chaos?: Chaos;

  /** Requests to a route this server does not serve (an image-only server asked for chat): answered 404, not recorded as requests. */
  readonly unserved: { method: string; path: string }[] = [];
  /** The routes served; by default all of them, as OpenAI does. An image server such as vLLM-Omni serves only `images.generate`. */
  private readonly serves?: readonly Route[];

  constructor(options: { serves?: readonly Route[] } = {}) {
    this.serves = options.serves;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, { error: { message: `fake-openai internal error: ${(err as Error).message}`, type: 'server_error' } });
      });
    });
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    const { port: actual } = this.server.address() as AddressInfo;
    this.baseURL = `http://127.0.0.1:${actual}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Adds rules after the existing ones; the first matching rule with uses left answers. */
  script(...rules: Rule[]): this {
    this.rules.push(...rules.map((r) => ({ ...r })));
    return this;
  }

  /** Rules consulted only when no scripted rule matches: a test's defaults. */
  fallback(...rules: Rule[]): this {
    this.fallbacks.push(...rules);
    return this;
  }

  reset(): this {
    this.rules = [];
    this.fallbacks = [];
    this.requests.length = 0;
    this.unserved.length = 0;
    return this;
  }

  requestsFor(route: Route): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      const png = this.files.get(url.pathname.slice('/files/'.length));
      if (!png) return send(res, 404, { error: { message: 'no such file' } });
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
      res.end(png);
      return;
    }
    if (url.pathname.startsWith('/__admin/')) return this.admin(req, res, url);
    const route = routeOf(req.method ?? '', url.pathname);
    if (!route || (this.serves && !this.serves.includes(route))) {
      if (route) this.unserved.push({ method: req.method ?? '', path: url.pathname });
      return send(res, 404, { error: { message: `fake-openai: no route ${req.method} ${url.pathname}`, type: 'invalid_request_error' } });
    }

    const raw = await readBody(req);
    const recorded = await this.record(route, req, raw);
    if (!recorded) return send(res, 400, { error: { message: 'fake-openai: body is not valid JSON', type: 'invalid_request_error' } });
    res.on('close', () => (recorded.doneAt = Date.now()));
    if (this.chaos && this.chaos.random() < this.chaos.rate) {
      const fault = this.chaos.faults[Math.floor(this.chaos.random() * this.chaos.faults.length)]!;
      recorded.injected = fault;
      if (fault === 'slow') await new Promise((r) => setTimeout(r, this.chaos?.slowMs ?? 1500));
      else return this.inject(res, fault);
    }

    const rule = this.rules.find((r) => matches(r, recorded)) ?? this.fallbacks.find((r) => matches(r, recorded));
    if (rule?.times !== undefined) rule.times -= 1;
    const latency = (rule?.latencyMs ?? 0) + (this.baseLatencyMs[route] ?? 0);
    if (latency) await new Promise((r) => setTimeout(r, latency));
    if (rule?.fault) return this.fail(res, rule.fault);

    const reply = typeof rule?.reply === 'function' ? await rule.reply(recorded) : rule?.reply;
    switch (route) {
      case 'chat':
        return this.chat(res, recorded, reply as ChatReply | undefined);
      case 'images.generate':
      case 'images.edit':
        return this.image(res, recorded, reply as ImageReply | undefined);
      case 'embeddings':
        return send(res, 200, embeddingsResponse(recorded));
    }
  }

  private async record(route: Route, req: http.IncomingMessage, raw: Buffer): Promise<RecordedRequest | undefined> {
    const base = { seq: ++this.seq, route, at: Date.now(), authorization: req.headers.authorization };
    let recorded: RecordedRequest;
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
      const body: Record<string, unknown> = {};
      const files: UploadedFile[] = [];
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') body[field] = value;
        else {
          const bytes = Buffer.from(await value.arrayBuffer());
          files.push({ field, name: value.name, type: value.type, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
        }
      }
      recorded = { ...base, body, files };
    } else {
      try {
        recorded = { ...base, body: JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>, files: [] };
      } catch {
        return undefined;
      }
    }
    this.requests.push(recorded);
    return recorded;
  }

  private inject(res: http.ServerResponse, fault: Exclude<ChaosFault, 'slow'>): void {
    switch (fault) {
      case 'rate_limit':
        return this.fail(res, { status: 429, retryAfterSeconds: 1 });
      case 'server_error':
        return this.fail(res, { status: 500 });
      case 'timeout':
        return this.fail(res, { hang: true });
      case 'malformed':
        return this.fail(res, { malformed: true });
      case 'truncated':
        // A well-formed envelope whose answer stops half-way: the structured output does not parse.
        return send(res, 200, {
          id: 'chatcmpl-truncated',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: 'fake',
          choices: [{ index: 0, message: { role: 'assistant', content: '{"answer": "cut off', refusal: null }, finish_reason: 'length', logprobs: null }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        });
    }
  }

  private fail(res: http.ServerResponse, fault: Fault): void {
    if (fault.hang) {
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }
    if (fault.malformed) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "chatcmpl-broken", "choices": [{"message": ');
      return;
    }
    const status = fault.status ?? 500;
    const headers: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
    send(
      res,
      status,
      { error: fault.error ?? { message: `fake-openai injected HTTP ${status}`, type: status === 429 ? 'rate_limit_error' : 'server_error' } },
      headers,
    );
  }

  private chat(res: http.ServerResponse, req: RecordedRequest, reply: ChatReply | undefined): void {
    if (!reply) {
      const schema = schemaName(req);
      return send(res, 400, {
        error: { message: `fake-openai: no scripted chat answer${schema ? ` for schema ${schema}` : ''}`, type: 'invalid_request_error', code: 'unscripted' },
      });
    }
    const content = reply.refusal ? null : (reply.content ?? JSON.stringify(reply.json ?? {}));
    const promptTokens = Math.ceil(textOf(req).length / 4);
    const completionTokens = Math.ceil((content ?? reply.refusal ?? '').length / 4);
    send(res, 200, {
      id: `chatcmpl-fake-${req.seq}`,
      object: 'chat.completion',
      created: Math.floor(req.at / 1000),
      model: String(req.body.model ?? 'fake'),
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: reply.refusal ?? null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
  }

  private async image(res: http.ServerResponse, req: RecordedRequest, reply: ImageReply | undefined): Promise<void> {
    const prompt = String(req.body.prompt ?? '');
    const png = reply?.png ?? (await promptPicture(prompt, String(req.body.size ?? '256x256')));
    const item: Record<string, unknown> = { revised_prompt: reply?.revisedPrompt };
    if (reply?.format === 'url') {
      const id = `img-${req.seq}.png`;
      this.files.set(id, png);
      item.url = `${this.baseURL.replace(/\/v1$/, '')}/files/${id}`;
    } else {
      item.b64_json = png.toString('base64');
    }
    send(res, 200, {
      created: Math.floor(req.at / 1000),
      data: [item],
      usage: { input_tokens: Math.ceil(prompt.length / 4), output_tokens: 0, total_tokens: Math.ceil(prompt.length / 4) },
    });
  }

  /** Scripts and recordings over HTTP, for a fake server in another process. */
  private async admin(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/__admin/rules' && req.method === 'POST') {
      const rules = JSON.parse((await readBody(req)).toString('utf8')) as Rule[];
      this.script(
        ...rules.map((r) => ({
          ...r,
          reply: r.reply && typeof r.reply === 'object' && 'png' in r.reply ? { ...r.reply, png: Buffer.from(String(r.reply.png), 'base64') } : r.reply,
        })),
      );
      return send(res, 200, { rules: this.rules.length });
    }
    if (url.pathname === '/__admin/reset' && req.method === 'POST') {
      this.reset();
      return send(res, 200, { ok: true });
    }
    if (url.pathname === '/__admin/requests' && req.method === 'GET') return send(res, 200, this.requests);
    send(res, 404, { error: { message: 'unknown admin call' } });
  }
}

function routeOf(method: string, pathname: string): Route | undefined {
  if (method !== 'POST') return undefined;
  const p = pathname.replace(/^\/v1/, '');
  return ({ '/chat/completions': 'chat', '/images/generations': 'images.generate', '/images/edits': 'images.edit', '/embeddings': 'embeddings' } as const)[p];
}

function matches(rule: Rule, req: RecordedRequest): boolean {
  if (rule.route !== req.route) return false;
  if (rule.times !== undefined && rule.times <= 0) return false;
  if (rule.model !== undefined && req.body.model !== rule.model) return false;
  if (rule.schema !== undefined && schemaName(req) !== rule.schema) return false;
  if (rule.textIncludes !== undefined && !textOf(req).includes(rule.textIncludes)) return false;
  return rule.when ? rule.when(req) : true;
}

export function schemaName(req: RecordedRequest): string | undefined {
  const format = req.body.response_format as { type?: string; json_schema?: { name?: string } } | undefined;
  return format?.type === 'json_schema' ? format.json_schema?.name : undefined;
}

/** All text of a request: chat message text parts, an image prompt, or embedding input. */
export function textOf(req: RecordedRequest): string {
  const messages = req.body.messages as { content?: unknown }[] | undefined;
  if (messages) {
    return messages
      .flatMap((m) =>
        typeof m.content === 'string'
          ? [m.content]
          : Array.isArray(m.content)
            ? (m.content as { type?: string; text?: string }[]).filter((p) => p.type === 'text').map((p) => p.text ?? '')
            : [],
      )
      .join('\n');
  }
  if (typeof req.body.prompt === 'string') return req.body.prompt;
  const input = req.body.input;
  return Array.isArray(input) ? input.join('\n') : String(input ?? '');
}

/** The text of a chat request's user messages only (no system prompt). */
export function userTextOf(req: RecordedRequest): string {
  const messages = (req.body.messages as { role?: string; content?: unknown }[] | undefined) ?? [];
  return messages
    .filter((m) => m.role === 'user')
    .flatMap((m) =>
      typeof m.content === 'string'
        ? [m.content]
        : Array.isArray(m.content)
          ? (m.content as { type?: string; text?: string }[]).filter((p) => p.type === 'text').map((p) => p.text ?? '')
          : [],
    )
    .join('\n');
}

/** Image parts (data URLs) of a chat request, as sent to a VLM. */
export function imagesOf(req: RecordedRequest): string[] {
  const messages = (req.body.messages as { content?: unknown }[] | undefined) ?? [];
  return messages.flatMap((m) =>
    Array.isArray(m.content)
      ? (m.content as { type?: string; image_url?: { url?: string } }[]).filter((p) => p.type === 'image_url').map((p) => p.image_url?.url ?? '')
      : [],
  );
}

/** Bag-of-words hashing: texts sharing words get similar vectors, so retrieval by embedding is testable. */
export function fakeEmbedding(text: string): number[] {
  const v = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const h = createHash('sha256').update(word).digest();
    v[h[0]! % EMBEDDING_DIMENSIONS]! += 1;
    v[h[1]! % EMBEDDING_DIMENSIONS]! += 0.5;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function embeddingsResponse(req: RecordedRequest): unknown {
  const input = req.body.input;
  const texts = Array.isArray(input) ? input.map(String) : [String(input ?? '')];
  const tokens = texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
  return {
    object: 'list',
    model: String(req.body.model ?? 'fake'),
    // The SDK asks for base64 (little-endian float32) unless told otherwise.
    data: texts.map((t, index) => ({
      object: 'embedding',
      index,
      embedding: req.body.encoding_format === 'base64' ? Buffer.from(new Float32Array(fakeEmbedding(t)).buffer).toString('base64') : fakeEmbedding(t),
    })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** A small deterministic picture: a colour from the prompt's hash. */
async function promptPicture(prompt: string, size = '256x256'): Promise<Buffer> {
  const [w, h] = size.split('x').map((n) => Math.min(Number(n) || 256, 256));
  const d = createHash('sha256').update(prompt).digest();
  return sharp({ create: { width: w ?? 256, height: h ?? 256, channels: 3, background: { r: d[0]!, g: d[1]!, b: d[2]! } } })
    .png()
    .toBuffer();
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The most of these requests the server held at once: how concurrency is asserted without a wall-time
 * budget, which a slow machine could break.
 */
export function maxConcurrent(requests: readonly RecordedRequest[]): number {
  const edges = requests.flatMap((r) => [
    { t: r.at, d: 1 },
    { t: r.doneAt ?? Number.POSITIVE_INFINITY, d: -1 },
  ]);
  // Ends before starts at the same millisecond: touching intervals did not overlap.
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (open += e.d));
  return most;
}

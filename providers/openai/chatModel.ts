/**
 * Chat and vision calls through the `openai` package, with JSON-schema structured output validated by zod.
 * Every call is returned as a ModelCallRecord so the run can be audited and reproduced.
 */
import OpenAI from 'openai';
import sharp from 'sharp';
import { z } from 'zod';
import type { ModelCallRecord } from '../../common/modelCall';
import { InvalidModelOutputError, ModelRefusalError } from '../modelErrors';
import { classified } from './openaiErrors';

const MAX_RECORDED_CHARS = 12_000;

export interface ChatRequest<T> {
  purpose: string;
  model: string;
  system: string;
  user: string;
  /** PNG/JPEG bytes sent as image parts (vision). */
  images?: Buffer[];
  schema: z.ZodType<T>;
  schemaName: string;
  temperature?: number;
  signal?: AbortSignal;
}

export class ChatModel {
  constructor(private readonly client: OpenAI) {}

  /** A plain-text answer (judges answer in their benchmark's own format, not a JSON schema). */
  async text(req: Omit<ChatRequest<unknown>, 'schema' | 'schemaName'>): Promise<{ text: string; refusal?: string; call: ModelCallRecord }> {
    const { content, refusal, call } = await this.complete(req);
    return { text: content, ...(refusal ? { refusal } : {}), call };
  }

  async structured<T>(req: ChatRequest<T>): Promise<{ value: T; call: ModelCallRecord }> {
    const jsonSchema = z.toJSONSchema(req.schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
    delete jsonSchema.$schema;
    const { content, refusal, call } = await this.complete(req, {
      type: 'json_schema',
      json_schema: { name: req.schemaName, schema: jsonSchema, strict: false },
    });
    if (refusal) throw new ModelRefusalError(`${req.purpose}: the model refused: ${refusal}`);
    return { value: parseStructured(content, req.schema, req.purpose), call };
  }

  private async complete(
    req: Omit<ChatRequest<unknown>, 'schema' | 'schemaName'>,
    responseFormat?: OpenAI.Chat.Completions.ChatCompletionCreateParams['response_format'],
  ): Promise<{ content: string; refusal?: string; call: ModelCallRecord }> {
    const started = Date.now();
    const imageParts = await Promise.all((req.images ?? []).map(toImagePart));
    const completion = await classified(() =>
      this.client.chat.completions.create(
        {
          model: req.model,
          temperature: req.temperature ?? 0,
          messages: [
            // An empty system prompt is left out: a benchmark's own judge template is one user message, as its script sends it.
            ...(req.system === '' ? [] : [{ role: 'system' as const, content: req.system }]),
            { role: 'user', content: imageParts.length ? [{ type: 'text', text: req.user }, ...imageParts] : req.user },
          ],
          ...(responseFormat ? { response_format: responseFormat } : {}),
        },
        { signal: req.signal },
      ),
    );
    const message = completion.choices[0]?.message;
    const content = message?.content ?? '';
    const refusal = message?.refusal ?? undefined;
    return {
      content,
      ...(refusal ? { refusal } : {}),
      call: {
        purpose: req.purpose,
        provider: 'openai',
        model: completion.model || req.model,
        messages: [
          { role: 'system', text: clip(req.system), images: 0 },
          { role: 'user', text: clip(req.user), images: imageParts.length },
        ],
        response: clip(refusal ?? content),
        usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
        durationMs: Date.now() - started,
      },
    };
  }
}

/** Parses a JSON answer, tolerating code fences and prose around the object. */
function parseStructured<T>(content: string, schema: z.ZodType<T>, purpose: string): T {
  const text = content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    try {
      parsed = start >= 0 && end > start ? JSON.parse(text.slice(start, end + 1)) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) throw new InvalidModelOutputError(`${purpose}: the model's answer is not JSON: ${clip(content, 200)}`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InvalidModelOutputError(`${purpose}: the model's answer does not match the schema (${issues.join('; ')})`);
  }
  return result.data;
}

async function toImagePart(png: Buffer): Promise<OpenAI.Chat.Completions.ChatCompletionContentPartImage> {
  // Vision models see at most ~1 megapixel; sending less keeps requests small and fast.
  const jpeg = await sharp(png).resize(1024, 1024, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 88 }).toBuffer();
  return { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg.toString('base64')}` } };
}

export function clip(text: string, max = MAX_RECORDED_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}

/**
 * The chat-model role (providers/chatModel.ts) through the `openai` package: chat and vision calls, with
 * JSON-schema structured output validated by zod. Every call is returned as a ModelCallRecord so the run can be
 * audited and reproduced; the record carries the vendor's name it was built with.
 */
import type OpenAI from 'openai';
import sharp from 'sharp';
import { z } from 'zod';
import type { ModelCallRecord } from '../../common/modelCall';
import { clip, type ChatModel, type ChatRequest, type TextRequest } from '../chatModel';
import { ModelRefusalError } from '../modelErrors';
import { parseStructured } from '../structuredAnswer';
import { classified } from './openaiErrors';

export class OpenAIChatModel implements ChatModel {
  constructor(
    private readonly client: OpenAI,
    readonly provider: string,
  ) {}

  async text(req: TextRequest): Promise<{ text: string; refusal?: string; call: ModelCallRecord }> {
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
    req: TextRequest,
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
        provider: this.provider,
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

async function toImagePart(png: Buffer): Promise<OpenAI.Chat.Completions.ChatCompletionContentPartImage> {
  // Vision models see at most ~1 megapixel; sending less keeps requests small and fast.
  const jpeg = await sharp(png).resize(1024, 1024, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 88 }).toBuffer();
  return { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg.toString('base64')}` } };
}

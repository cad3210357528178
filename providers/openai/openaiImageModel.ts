/**
 * The image-model role through the OpenAI images API (OpenAI, or any compatible server such as
 * vLLM-Omni serving Qwen-Image): generate, or edit when reference images exist and the server has the edit
 * endpoint. Handles base64 and URL answers.
 */
import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import type { ImageModel, RenderOutput, RenderRequest } from '../imageModel';
import { classifyOpenAIImageError } from './openaiErrors';

const MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;

export interface OpenAIImageOptions {
  /** The vendor's name, as render outputs carry it. */
  provider: string;
  /** Send the run's seed (servers such as vLLM-Omni accept it; OpenAI does not). */
  sendSeed?: boolean;
  /** The server has no edit endpoint: references are not sent, every render is generated from the prompt. */
  generationsOnly?: boolean;
  /** The one size the server renders, asked for whatever the run's size. */
  size?: string;
}

export class OpenAIImageModel implements ImageModel {
  readonly provider: string;

  constructor(
    private readonly client: OpenAI,
    readonly model: string,
    private readonly options: OpenAIImageOptions,
  ) {
    this.provider = options.provider;
  }

  async render(request: RenderRequest): Promise<RenderOutput> {
    const size = (this.options.size ?? request.size) as OpenAI.Images.ImageGenerateParams['size'];
    const references = this.options.generationsOnly ? [] : request.references;
    // Not every server accepts a seed; it is sent only where configured (IMAGE_AGENT_IMAGE_SEED).
    const seed = this.options.sendSeed && request.seed !== undefined ? { seed: request.seed } : {};
    let response: OpenAI.Images.ImagesResponse;
    try {
      if (references.length) {
        const files = await Promise.all(references.map((r) => toFile(r.data, r.name, { type: r.contentType })));
        response = await this.client.images.edit(
          { model: this.model, prompt: request.prompt, image: files, size: size as OpenAI.Images.ImageEditParams['size'], n: 1, ...seed },
          { signal: request.signal },
        );
      } else {
        response = await this.client.images.generate({ model: this.model, prompt: request.prompt, size, n: 1, ...seed }, { signal: request.signal });
      }
    } catch (err) {
      throw classifyOpenAIImageError(err);
    }
    const first = response.data?.[0];
    if (!first) throw new Error('the image model returned no image');
    const raw = first.b64_json ? Buffer.from(first.b64_json, 'base64') : first.url ? await download(first.url, request.signal) : undefined;
    if (!raw) throw new Error('the image model answered with neither b64_json nor url');
    const image = sharp(raw);
    const meta = await image.metadata();
    const png = meta.format === 'png' ? raw : await image.png().toBuffer();
    return {
      png,
      width: meta.width ?? 0,
      height: meta.height ?? 0,
      provider: this.provider,
      model: this.model,
      mode: references.length ? 'edit' : 'generate',
      revisedPrompt: first.revised_prompt ?? undefined,
      ...(meta.format !== 'png' ? { sourceFormat: meta.format ?? 'unknown' } : {}),
    };
  }
}

/** A provider URL is trusted configuration (it may be a local server), so no SSRF filter; size and time are still bounded. */
async function download(url: string, signal?: AbortSignal): Promise<Buffer> {
  const res = await fetch(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(60_000)]) : AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`downloading the generated image failed: HTTP ${res.status}`);
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_DOWNLOAD_BYTES) throw new Error(`generated image is too large (${length} bytes)`);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MAX_DOWNLOAD_BYTES) throw new Error(`generated image is too large (${body.length} bytes)`);
  return body;
}

/**
 * A chat model and an image model over a chain of links (providerChain.ts): the role's prompts and the
 * activities see one model; each call record and render says which link answered and, for a fallback, why.
 */
import type { ModelCallRecord, ModelFallback } from '../../common/modelCall';
import { modelFallbacks } from '../../telemetry/appMetrics';
import type { ChatModel, ChatRequest, TextRequest } from '../chatModel';
import type { ImageModel, RenderOutput, RenderRequest } from '../imageModel';
import { callThroughChain, type ChainLink, type FallbackSettings } from './providerChain';

function counted(role: string, link: string, fallback: ModelFallback | undefined): void {
  if (fallback) modelFallbacks.inc({ role, provider: link, reason: fallback.kind });
}

function stamped(call: ModelCallRecord, link: string, fallback: ModelFallback | undefined): ModelCallRecord {
  return { ...call, provider: link, ...(fallback ? { fallback } : {}) };
}

export class ChainedChatModel implements ChatModel {
  readonly provider: string;

  constructor(
    private readonly role: string,
    private readonly links: readonly ChainLink<ChatModel>[],
    private readonly settings: FallbackSettings,
  ) {
    this.provider = links[0]!.name;
  }

  async text(req: TextRequest): Promise<{ text: string; refusal?: string; call: ModelCallRecord }> {
    const { value, link, fallback } = await callThroughChain(this.role, this.links, this.settings, (m) => m.text(req));
    counted(this.role, link.name, fallback);
    return { ...value, call: stamped(value.call, link.name, fallback) };
  }

  async structured<T>(req: ChatRequest<T>): Promise<{ value: T; call: ModelCallRecord }> {
    const { value, link, fallback } = await callThroughChain(this.role, this.links, this.settings, (m) => m.structured(req));
    counted(this.role, link.name, fallback);
    return { ...value, call: stamped(value.call, link.name, fallback) };
  }
}

export class ChainedImageModel implements ImageModel {
  readonly provider: string;
  readonly model: string;

  constructor(
    private readonly links: readonly ChainLink<ImageModel>[],
    private readonly settings: FallbackSettings,
  ) {
    this.provider = links[0]!.name;
    this.model = links[0]!.model.model;
  }

  async render(request: RenderRequest): Promise<RenderOutput> {
    const { value, link, fallback } = await callThroughChain('image', this.links, this.settings, (m) => m.render(request));
    counted('image', link.name, fallback);
    return { ...value, provider: link.name, ...(fallback ? { fallback } : {}) };
  }
}

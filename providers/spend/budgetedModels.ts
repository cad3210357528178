/**
 * A chat model and an image model that reserve in the spend ledger before each paid call and settle after
 * it (spendLedger.ts). A call the ledger refuses is never made. A model with no configured price is not
 * reserved for (its cost is unknown, and the report lists it as unpriced).
 */
import type { Prices } from '../../common/config';
import type { ModelCallRecord } from '../../common/modelCall';
import type { ChatModel, ChatRequest, TextRequest } from '../chatModel';
import type { ImageModel, RenderOutput, RenderRequest } from '../imageModel';
import type { SpendLedger } from './spendLedger';
import { nextSpendCall } from './spendScope';

/** A call's output is reserved for at this many tokens at most (chat requests do not cap their answers). */
const RESERVED_OUTPUT_TOKENS = 4096;
/** An image part counts as this many input tokens at most (a high-detail tile set). */
const TOKENS_PER_IMAGE = 1_200;

/** The most a chat request can cost: its text at one token per 3 characters, its images, and a full answer. */
export function chatCeilingUsd(price: Prices[string], req: Pick<TextRequest, 'system' | 'user' | 'images'>): number {
  const input = Math.ceil((req.system.length + req.user.length) / 3) + (req.images?.length ?? 0) * TOKENS_PER_IMAGE;
  return (input / 1e6) * (price.inputPerMTok ?? 0) + (RESERVED_OUTPUT_TOKENS / 1e6) * (price.outputPerMTok ?? 0);
}

export function chatCostUsd(price: Prices[string], usage: ModelCallRecord['usage']): number {
  return (usage.inputTokens / 1e6) * (price.inputPerMTok ?? 0) + (usage.outputTokens / 1e6) * (price.outputPerMTok ?? 0);
}

async function withinBudget<T>(ledger: SpendLedger, model: string, ceilingUsd: number, call: () => Promise<T>, costOf: (value: T) => number): Promise<T> {
  const at = nextSpendCall();
  if (!at || ceilingUsd <= 0) return call();
  const id = await ledger.reserve(at.scope, at.call, model, ceilingUsd);
  let value: T;
  try {
    value = await call();
  } catch (err) {
    // The vendor answered with an error, or none: nothing was charged (a worker that dies here leaves the
    // reservation open, and the next attempt settles it in full).
    await ledger.release(id);
    throw err;
  }
  await ledger.settle(id, costOf(value));
  return value;
}

export class BudgetedChatModel implements ChatModel {
  readonly provider: string;

  constructor(
    private readonly inner: ChatModel,
    private readonly ledger: SpendLedger,
    private readonly prices: Prices,
  ) {
    this.provider = inner.provider;
  }

  text(req: TextRequest): Promise<{ text: string; refusal?: string; call: ModelCallRecord }> {
    const price = this.prices[req.model];
    if (!price) return this.inner.text(req);
    return withinBudget(
      this.ledger,
      req.model,
      chatCeilingUsd(price, req),
      () => this.inner.text(req),
      (v) => chatCostUsd(price, v.call.usage),
    );
  }

  structured<T>(req: ChatRequest<T>): Promise<{ value: T; call: ModelCallRecord }> {
    const price = this.prices[req.model];
    if (!price) return this.inner.structured(req);
    return withinBudget(
      this.ledger,
      req.model,
      chatCeilingUsd(price, req),
      () => this.inner.structured(req),
      (v) => chatCostUsd(price, v.call.usage),
    );
  }
}

export class BudgetedImageModel implements ImageModel {
  readonly provider: string;
  readonly model: string;

  constructor(
    private readonly inner: ImageModel,
    private readonly ledger: SpendLedger,
    private readonly prices: Prices,
  ) {
    this.provider = inner.provider;
    this.model = inner.model;
  }

  render(request: RenderRequest): Promise<RenderOutput> {
    const perImage = this.prices[this.model]?.perImage ?? 0;
    return withinBudget(
      this.ledger,
      this.model,
      perImage,
      () => this.inner.render(request),
      () => perImage,
    );
  }
}

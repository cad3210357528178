/**
 * A model vendor, described once: its name, the settings (environment variables) it reads, and the roles it
 * serves: the chat roles, the image model, embeddings. Configuration derives its choices and required settings
 * from these descriptions (modelVendors.ts lists them), and the registry builds each role from the vendor
 * configured for it, so one run may plan on one vendor and render on another.
 */
import type { ModelNames } from '../common/config';
import type { DescribedSetting } from './describedSettings';
import type { ChatRole, ModelRole } from '../common/modelRoles';
import type { AgentModels, Embedder } from './agentRoles';
import type { ImageModel } from './imageModel';
import type { ChatModel } from './chatModel';
import type { RelevancePolicy } from './relevance';
import type { WebSearch } from './search/webSearch';

/** The chat roles a vendor serves, built together so they share one client. */
export type ChatRoles = Pick<AgentModels, ChatRole>;

/** What a vendor's factories get: its own settings (all required ones present), and what every vendor shares. */
export interface VendorContext<K extends string> {
  settings: Record<K, string>;
  /** The model name of each role (IMAGE_AGENT_MODEL_*); a vendor may name its own in its settings instead. */
  models: ModelNames;
  /** Per model call; Temporal retries, so the SDKs do not. */
  timeoutMs: number;
  /** Send the run's seed to the image model (IMAGE_AGENT_IMAGE_SEED). */
  sendSeed: boolean;
  /** The local corpus and the relevance gate, for a vendor that answers from them (the offline reasoner). */
  corpus(): WebSearch;
  relevance: RelevancePolicy;
}

export interface ModelVendor<K extends string = string> {
  readonly name: string;
  /** Each setting's kind and what it does (the configuration reference prints it). */
  readonly settings: Readonly<Record<K, DescribedSetting>>;
  /** What the vendor is, for the configuration reference. */
  readonly about: string;
  /**
   * Settings of which at least one must be set for the vendor to work; IMAGE_AGENT_PROVIDERS=auto chooses the
   * first listed vendor whose `anyOf` is met (and offline when none is).
   */
  readonly anyOf?: readonly K[];
  // Methods, not function properties: a vendor that reads only its own settings is still a ModelVendor<string>.
  chat?(ctx: VendorContext<K>): ChatRoles;
  /** The chat model the roles are built on, for a vendor that can be a link of a fallback chain (providers/fallback/). */
  chatModel?(ctx: VendorContext<K>): ChatModel;
  image?(ctx: VendorContext<K>): ImageModel;
  embed?(ctx: VendorContext<K>): Embedder;
  /** Where a role's calls go (a base URL, never a secret), for printed configuration and benchmark records. */
  endpoint?(settings: Record<K, string>, kind: 'chat' | 'image' | 'embed'): string;
}

/** The descriptor's factory that serves a role. */
export function serves(vendor: ModelVendor, role: ModelRole): boolean {
  return role === 'image' ? !!vendor.image : role === 'embed' ? !!vendor.embed : !!vendor.chat;
}

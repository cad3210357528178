/**
 * Builds each model role from the vendor configured for it (IMAGE_AGENT_PROVIDERS, IMAGE_AGENT_<ROLE>_VENDOR;
 * the vendors are described in modelVendorList.ts): an OpenAI-compatible endpoint, an image-only server, or
 * the deterministic offline implementations (the zero-key default, labelled in every output).
 */
import { ConfigError, type AppConfig } from '../common/config';
import type { AgentModels, Embedder } from './agentRoles';
import type { ImageModel } from './imageModel';
import type { ChatModel } from './chatModel';
import { CHAT_ROLES, type ChatRole, type ModelRole } from '../common/modelRoles';
import { breakerFor } from './fallback/breakers';
import { ChainedChatModel, ChainedImageModel } from './fallback/chainedModels';
import { allowedOnly, isAllowed } from './fallback/allowedProviders';
import { linkEndpoint, linkNamed, linkSettings, type ChainLinkRef } from './fallback/modelChains';
import { chatRoles } from './roles/chatRoles';
import { BudgetedChatModel, BudgetedImageModel } from './spend/budgetedModels';
import type { SpendLedger } from './spend/spendLedger';
import type { ChatRoles, ModelVendor, VendorContext } from './modelVendor';
import { ownSettings } from './describedSettings';
import { vendorNamed } from './modelVendors';
import { LocalCorpusSearch } from './search/localCorpusSearch';
import type { WebSearch } from './search/webSearch';

/** What spends money: the ledger every paid call reserves in first, when prices are configured (providers/spend/). */
export interface SpendOptions {
  ledger?: SpendLedger;
}

/** The render role's model: its vendor's, or a chain over its vendor and its fallback links; reserved for when there is a ledger. */
export function createImageModel(config: AppConfig, options: SpendOptions = {}): ImageModel {
  const model = chainedImageModel(config);
  return options.ledger && Object.keys(config.prices).length ? new BudgetedImageModel(model, options.ledger, config.prices) : model;
}

function chainedImageModel(config: AppConfig): ImageModel {
  const vendor = vendorFor(config, 'image');
  if (!vendor.image) throw lacking(vendor, 'image');
  const own = vendor.image(contextFor(config, vendor));
  const chain = config.models.chains.image;
  if (!chain?.length) return allowedOnly('image', vendor.name, own);
  const links = [
    { name: vendor.name, model: own },
    ...chain.map((name) => {
      const { link, vendor: linked } = linkVendor(name);
      return { name, model: linked.image!(contextFor(config, linked, undefined, link)) };
    }),
  ];
  return new ChainedImageModel(
    links.map((l) => ({ ...l, breaker: breakerFor('image', linkLabel(config, l.name, 'image'), config.models.breaker) })),
    config.models.fallback,
  );
}

/** What the render metrics are labelled with: the image model's name, or 'offline'. */
export function imageModelLabel(model: ImageModel): string {
  return model.provider === 'offline' ? 'offline' : model.model;
}

/**
 * Every chat role and the embedder, each from its own vendor; the roles of one vendor share its client.
 * `corpus`: the local corpus index the offline reasoner consults; pass the web-search backend when it is the
 * same corpus, so the folder is indexed once per worker.
 */
export function createAgentModels(config: AppConfig, options: { corpus?: WebSearch } & SpendOptions = {}): AgentModels {
  const built = new Map<string, ChatRoles>();
  const rolesOf = (vendor: ModelVendor, role: ModelRole): ChatRoles => {
    if (!vendor.chat) throw lacking(vendor, role);
    const roles = built.get(vendor.name) ?? vendor.chat(contextFor(config, vendor, options.corpus));
    built.set(vendor.name, roles);
    return roles;
  };
  // One chat model (and client) per link, shared by the roles; reserved for when there is a ledger and prices.
  const linkModels = new Map<string, ChatModel>();
  const budgeted = (model: ChatModel): ChatModel =>
    options.ledger && Object.keys(config.prices).length ? new BudgetedChatModel(model, options.ledger, config.prices) : model;
  const chat = Object.fromEntries(
    CHAT_ROLES.map((role) => {
      const vendor = vendorFor(config, role);
      if (config.models.chains[role]?.length) return [role, chatRoles(budgeted(chainedChatModel(config, role, linkModels)), config.models.roles)[role]];
      // A vendor with a chat model (every one but offline, which is never paid for) is built over it, so its calls can be reserved for.
      if (vendor.chatModel && options.ledger)
        return [role, allowedOnly(role, vendor.name, chatRoles(budgeted(linkModel(config, vendor.name, linkModels)), config.models.roles)[role])];
      return [role, allowedOnly(role, vendor.name, rolesOf(vendor, role)[role])];
    }),
  ) as unknown as ChatRoles;
  const embedder = createEmbedder(config);
  const embedVendor = config.models.vendors.embed;
  return {
    provider: config.models.mode,
    ...chat,
    // A run whose providers exclude the embedder's has none: memory and ranking fall back to full-text search.
    get embedder() {
      return embedder && isAllowed(embedVendor) ? embedder : undefined;
    },
  };
}

/** A link's chat model, built once per link name. */
function linkModel(config: AppConfig, name: string, linkModels: Map<string, ChatModel>): ChatModel {
  let model = linkModels.get(name);
  if (!model) {
    const { link, vendor } = linkVendor(name);
    linkModels.set(name, (model = vendor.chatModel!(contextFor(config, vendor, undefined, link.profile ? link : undefined))));
  }
  return model;
}

/** One chat role's chain: its vendor's chat model, then each link's (loadConfig checked each has one). */
function chainedChatModel(config: AppConfig, role: ChatRole, linkModels: Map<string, ChatModel>): ChatModel {
  const links = [vendorFor(config, role).name, ...config.models.chains[role]!].map((name) => ({
    name,
    model: linkModel(config, name, linkModels),
    breaker: breakerFor('chat', linkLabel(config, name, role), config.models.breaker),
  }));
  return new ChainedChatModel(role, links, config.models.fallback);
}

/** A breaker is per endpoint: the link and where its calls go (two tests, or two configs, may name the same link). */
function linkLabel(config: AppConfig, name: string, role: ModelRole): string {
  const endpoint = linkEndpoint(name, config.models.settings, role);
  return endpoint ? `${name} at ${endpoint}` : name;
}

function linkVendor(name: string): { link: ChainLinkRef; vendor: ModelVendor } {
  const { link, vendor } = linkNamed(name);
  if (!vendor) throw new ConfigError(`unknown model vendor ${JSON.stringify(link.vendor)} in a fallback chain`);
  return { link, vendor };
}

/** The benchmark judge on the judge role's vendor, with another model: a second opinion (bench judge-agreement). */
export function createJudge(config: AppConfig, model: string): AgentModels['judge'] {
  const vendor = vendorFor(config, 'judge');
  if (!vendor.chat) throw lacking(vendor, 'judge');
  const ctx = contextFor(config, vendor);
  return vendor.chat({ ...ctx, models: { ...ctx.models, judge: model } }).judge;
}

/** Absent when the embed role's vendor has none: memory then retrieves by full-text search alone. */
function createEmbedder(config: AppConfig): Embedder | undefined {
  const vendor = vendorFor(config, 'embed');
  return vendor.embed?.(contextFor(config, vendor));
}

function vendorFor(config: AppConfig, role: ModelRole): ModelVendor {
  const name = config.models.vendors[role];
  const vendor = vendorNamed(name);
  if (!vendor) throw new ConfigError(`unknown model vendor ${JSON.stringify(name)} for the ${role} role`);
  return vendor;
}

function lacking(vendor: ModelVendor, role: string): ConfigError {
  return new ConfigError(`the model vendor ${vendor.name} has no ${role} role`);
}

function contextFor(config: AppConfig, vendor: ModelVendor, corpus?: WebSearch, link?: ChainLinkRef): VendorContext<string> {
  let local = corpus;
  return {
    settings: link
      ? ownSettings(vendor.settings, linkSettings(link, vendor, config.models.settings), `the fallback link ${link.name}`)
      : ownSettings(vendor.settings, config.models.settings, `the model vendor ${vendor.name}`),
    models: config.models.roles,
    timeoutMs: config.models.timeoutMs,
    sendSeed: config.models.sendSeed,
    corpus: () => (local ??= new LocalCorpusSearch(config.search.localCorpusDir)),
    relevance: config.search.relevance,
  };
}

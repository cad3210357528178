/**
 * Each role's fallback chain, from configuration: the links that answer when the role's own vendor cannot
 * (IMAGE_AGENT_FALLBACKS for every chat role and the image role, IMAGE_AGENT_<ROLE>_FALLBACKS for one). A link is
 * a vendor (`image-server`) or a vendor profile (`openai:backup`): the same vendor on another endpoint, whose
 * settings are the vendor's own with the profile's name appended (OPENAI_BASE_URL_BACKUP, OPENAI_API_KEY_BACKUP).
 * A profile never inherits the vendor's unsuffixed settings, so a backup endpoint is never sent the primary's key.
 */
import { CHAT_ROLES, type ModelRole } from '../../common/modelRoles';
import { isOptionalKind, isSecretKind, readDescribedSettings, type DescribedSettingKind } from '../describedSettings';
import { serves, type ModelVendor } from '../modelVendor';
import { vendorNamed } from '../modelVendors';

/** Roles that can have a chain: the chat roles and the image model (memory's embedder has its full-text fallback). */
export const CHAINED_ROLES = [...CHAT_ROLES, 'image'] as const satisfies readonly ModelRole[];
type ChainedRole = (typeof CHAINED_ROLES)[number];

export interface ChainLinkRef {
  /** `vendor` or `vendor:profile`. */
  name: string;
  vendor: string;
  profile?: string;
}

/** The variable of one role's chain: IMAGE_AGENT_IMAGE_FALLBACKS, IMAGE_AGENT_CRITIC_FALLBACKS… */
export function roleFallbacksVariable(role: ModelRole): string {
  return `IMAGE_AGENT_${role.toUpperCase()}_FALLBACKS`;
}

/** A profile's own variable for one of its vendor's settings: OPENAI_BASE_URL + backup → OPENAI_BASE_URL_BACKUP. */
export function profileVariable(variable: string, profile: string): string {
  return `${variable}_${profile.toUpperCase()}`;
}

/** A link's settings, by the vendor's own variable names, for its factories. */
export function linkSettings(link: ChainLinkRef, vendor: ModelVendor, values: Record<string, string | undefined>): Record<string, string | undefined> {
  if (!link.profile) return values;
  return Object.fromEntries(Object.keys(vendor.settings).map((variable) => [variable, values[profileVariable(variable, link.profile!)]]));
}

function parseLink(text: string, variable: string): ChainLinkRef | string {
  const m = /^([a-z][a-z0-9-]*)(?::([a-z0-9_]{1,32}))?$/.exec(text);
  if (!m) return `${variable}: ${JSON.stringify(text)} is not a link (a vendor, or vendor:profile with a profile of a-z, 0-9 and _)`;
  if (!vendorNamed(m[1]!)) return `${variable}: unknown model vendor ${JSON.stringify(m[1])}`;
  return { name: text, vendor: m[1]!, ...(m[2] ? { profile: m[2] } : {}) };
}

/**
 * Every chained role's links after its own vendor, with the profiles' settings read and checked (the first
 * problem named): a default link that does not serve a role is left out of that role's chain; one named for
 * the role itself, or a link that repeats the role's vendor, is an error.
 */
export function chooseChains(
  env: NodeJS.ProcessEnv,
  vendors: Record<ModelRole, string>,
): { chains: Partial<Record<ModelRole, ChainLinkRef[]>>; settings: Record<string, string | undefined>; secrets: string[] } | { problem: string } {
  const chains: Partial<Record<ModelRole, ChainLinkRef[]>> = {};
  const profileKinds: Record<string, DescribedSettingKind> = {};
  const byDefault = env.IMAGE_AGENT_FALLBACKS?.trim();
  if (env[roleFallbacksVariable('embed')]?.trim())
    return { problem: `${roleFallbacksVariable('embed')}: the embedder has no chain (memory falls back to full-text search)` };
  for (const role of CHAINED_ROLES as readonly ChainedRole[]) {
    const own = env[roleFallbacksVariable(role)]?.trim();
    const variable = own ? roleFallbacksVariable(role) : 'IMAGE_AGENT_FALLBACKS';
    const text = own ?? byDefault;
    if (!text) continue;
    // Offline roles never fail, and other chat vendors need a chat model to chain: nothing to fall back from.
    if (vendors[role] === 'offline' || (role !== 'image' && !vendorNamed(vendors[role])!.chatModel)) {
      if (!own) continue;
      return { problem: `${variable}: the ${role} role's vendor ${vendors[role]} cannot lead a chain` };
    }
    const links: ChainLinkRef[] = [];
    for (const part of text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const link = parseLink(part, variable);
      if (typeof link === 'string') return { problem: link };
      const vendor = vendorNamed(link.vendor)!;
      const usable = role === 'image' ? !!vendor.image : serves(vendor, role) && !!vendor.chatModel;
      if (!usable) {
        if (!own) continue;
        return { problem: `${variable}: the vendor ${link.vendor} cannot answer the ${role} role in a chain` };
      }
      if (link.name === vendors[role] || links.some((l) => l.name === link.name))
        return { problem: `${variable}: ${link.name} is already in the ${role} role's chain (its own vendor is ${vendors[role]})` };
      if (link.profile) for (const [v, s] of Object.entries(vendor.settings)) profileKinds[profileVariable(v, link.profile)] = s.kind;
      links.push(link);
    }
    if (links.length) chains[role] = links;
  }
  const settings = readDescribedSettings(env, profileKinds);
  const checked = new Set<string>();
  for (const link of Object.values(chains).flat()) {
    if (!link.profile || checked.has(link.name)) continue;
    checked.add(link.name);
    const vendor = vendorNamed(link.vendor)!;
    const missing = Object.entries(vendor.settings).find(([v, s]) => !isOptionalKind(s.kind) && !settings[profileVariable(v, link.profile!)]);
    if (missing) return { problem: `the fallback link ${link.name} needs ${profileVariable(missing[0], link.profile)}` };
    if (vendor.anyOf?.length && !vendor.anyOf.some((v) => settings[profileVariable(v, link.profile!)]))
      return { problem: `the fallback link ${link.name} needs ${vendor.anyOf.map((v) => profileVariable(v, link.profile!)).join(' or ')}` };
  }
  const secrets = Object.entries(profileKinds).flatMap(([v, kind]) => (isSecretKind(kind) && settings[v] ? [settings[v]] : []));
  return { chains, settings, secrets };
}

/** A configured link's name (`vendor` or `vendor:profile`, checked by chooseChains) and its vendor. */
export function linkNamed(name: string): { link: ChainLinkRef; vendor: ModelVendor | undefined } {
  const [vendorName, profile] = name.split(':') as [string, string | undefined];
  return { link: { name, vendor: vendorName, ...(profile ? { profile } : {}) }, vendor: vendorNamed(vendorName) };
}

/** Where a link's calls for a role go (a base URL, never a secret), for printed configuration. */
export function linkEndpoint(name: string, values: Record<string, string | undefined>, role: ModelRole): string | undefined {
  const { link, vendor } = linkNamed(name);
  if (!vendor?.endpoint) return undefined;
  const own = linkSettings(link, vendor, values);
  return vendor.endpoint(Object.fromEntries(Object.keys(vendor.settings).map((v) => [v, own[v] ?? ''])), role === 'image' ? 'image' : 'chat');
}

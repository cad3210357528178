/**
 * Every model vendor image-agent knows (modelVendorList.ts). Configuration's choices for IMAGE_AGENT_PROVIDERS
 * and IMAGE_AGENT_<ROLE>_VENDOR, and the settings each choice requires, come from here.
 */
import { MODEL_ROLES, type ModelRole } from '../common/modelRoles';
import { isOptionalKind, type DescribedSettingKind } from './describedSettings';
import { serves, type ModelVendor } from './modelVendor';
import * as listed from './modelVendorList';

type Vendor = (typeof listed)[keyof typeof listed];
export type VendorName = Vendor['name'];

const MODEL_VENDORS: readonly ModelVendor[] = Object.values(listed);

/** The choices of IMAGE_AGENT_PROVIDERS and of each IMAGE_AGENT_<ROLE>_VENDOR. */
export const VENDOR_NAMES = MODEL_VENDORS.map((v) => v.name) as [VendorName, ...VendorName[]];

/** The variable that chooses a role's vendor: IMAGE_AGENT_IMAGE_VENDOR, IMAGE_AGENT_PLANNER_VENDOR… */
export function roleVendorVariable(role: ModelRole): string {
  return `IMAGE_AGENT_${role.toUpperCase()}_VENDOR`;
}

export function vendorNamed(name: string): ModelVendor | undefined {
  return MODEL_VENDORS.find((v) => v.name === name);
}

/** Every setting any vendor reads, for validation and for masking secrets. */
export function allVendorSettings(): Record<string, DescribedSettingKind> {
  return Object.fromEntries(MODEL_VENDORS.flatMap((v) => Object.entries(v.settings).map(([variable, s]) => [variable, s.kind])));
}

/**
 * Each role's vendor: its own variable when set, else the default (IMAGE_AGENT_PROVIDERS; `auto` is the first
 * vendor whose `anyOf` settings are met, offline otherwise). A vendor chosen for a role it does not serve is a
 * configuration error, except the embedder by default: without one, memory retrieves by full-text search alone.
 * Returns the message of the first problem, or the choice.
 */
export function chooseVendors(
  defaultChoice: string,
  byRole: Partial<Record<ModelRole, string>>,
  settings: Record<string, string | undefined>,
): { vendors: Record<ModelRole, string> } | { problem: string } {
  const fallback = defaultChoice === 'auto' ? (MODEL_VENDORS.find((v) => v.anyOf?.some((s) => settings[s])) ?? vendorNamed('offline'))!.name : defaultChoice;
  const vendors = {} as Record<ModelRole, string>;
  for (const role of MODEL_ROLES) {
    const chosen = byRole[role];
    const name = chosen ?? fallback;
    const vendor = vendorNamed(name);
    const variable = chosen ? roleVendorVariable(role) : 'IMAGE_AGENT_PROVIDERS';
    if (!vendor) return { problem: `${variable}: unknown model vendor ${JSON.stringify(name)} (one of ${VENDOR_NAMES.join(', ')})` };
    if (!serves(vendor, role) && (chosen || role !== 'embed')) {
      const offered = MODEL_VENDORS.filter((v) => serves(v, role)).map((v) => v.name);
      return {
        problem: `${variable}=${name}: the vendor ${name} has no ${role} role (vendors with one: ${offered.join(', ')}); choose one with ${roleVendorVariable(role)}`,
      };
    }
    vendors[role] = name;
  }
  for (const name of new Set(Object.values(vendors))) {
    const vendor = vendorNamed(name)!;
    const missing = Object.entries(vendor.settings).find(([variable, s]) => !isOptionalKind(s.kind) && !settings[variable]);
    if (missing) return { problem: `the model vendor ${name} needs ${missing[0]}` };
    if (vendor.anyOf?.length && !vendor.anyOf.some((s) => settings[s])) return { problem: `the model vendor ${name} needs ${vendor.anyOf.join(' or ')}` };
  }
  return { vendors };
}

/**
 * One label for the configured vendors: 'offline' when any role that runs is offline (offline output is always
 * labelled as such), else the vendors in use, sorted, joined by '+'.
 */
export function vendorsLabel(vendors: Record<ModelRole, string>): string {
  const used = MODEL_ROLES.filter((role) => serves(vendorNamed(vendors[role])!, role)).map((role) => vendors[role]);
  return used.includes('offline') ? 'offline' : [...new Set(used)].sort().join('+');
}

/** Where a role's calls go (a base URL, never a secret), or undefined for a vendor without endpoints (offline). */
export function vendorEndpoint(vendors: Record<ModelRole, string>, settings: Record<string, string | undefined>, role: ModelRole): string | undefined {
  const vendor = vendorNamed(vendors[role]);
  if (!vendor?.endpoint || !serves(vendor, role)) return undefined;
  const own = Object.fromEntries(Object.keys(vendor.settings).map((variable) => [variable, settings[variable] ?? '']));
  return vendor.endpoint(own, role === 'image' ? 'image' : role === 'embed' ? 'embed' : 'chat');
}

/** Every vendor, for the configuration reference. */
export function modelVendors(): readonly ModelVendor[] {
  return MODEL_VENDORS;
}

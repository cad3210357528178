/**
 * The policy of a tenant that has none stored (security/tenantPolicies.ts), and how long a process trusts the
 * policy it read. `image-agent tenant set` stores a tenant's own; these are what every other tenant gets.
 */
import { z } from 'zod';
import { ABLATION_NAMES, PRIORITY_CLASSES, type TenantPolicy } from '../../common/tenantPolicy';
import { configSection } from '../configSection';
import { bool, int, optionalString } from './schemas';

const ablationList = optionalString.transform((v, ctx) => {
  if (v === undefined) return [...ABLATION_NAMES];
  const names = v
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(ABLATION_NAMES as readonly string[]).includes(n));
  if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown ablation(s) ${unknown.join(', ')}; choose from ${ABLATION_NAMES.join(', ')}` });
  return names as TenantPolicy['allowedAblations'];
});

export const tenantSettings = configSection(
  'Tenant policy defaults',
  'What a tenant without a stored policy may ask for and how its work is dispatched (`image-agent tenant show|set`; [review and audit](review-and-audit.md#tenant-policy)). Four-eyes tenants are named under review.',
  {
    IMAGE_AGENT_TENANT_MAX_ROUNDS: { schema: int(1, 10), default: '10', description: 'Renders per image at most; a request asking for more gets this many.' },
    IMAGE_AGENT_TENANT_MAX_IMAGES: { schema: int(1, 12), default: '12', description: 'Images per request at most; a plan with more is cut.' },
    IMAGE_AGENT_TENANT_ALLOWED_ABLATIONS: {
      schema: ablationList,
      defaultText: 'all',
      description: `Ablations requests may switch on, comma-separated (${ABLATION_NAMES.join(', ')}); others are dropped and reported.`,
    },
    IMAGE_AGENT_TENANT_PRIORITY_CLASS: {
      schema: z.enum(PRIORITY_CLASSES),
      default: 'interactive',
      description: `The best dispatch class a tenant’s runs get (${PRIORITY_CLASSES.join(', ')}).`,
    },
    IMAGE_AGENT_TENANT_FAIRNESS_WEIGHT: {
      schema: z.coerce.number().min(0.01).max(1000),
      default: '1',
      description: 'A tenant’s share of the workers against other tenants’ under load (Temporal fairness weight).',
    },
    IMAGE_AGENT_TENANT_MAX_QUEUED_RUNS: {
      schema: int(1, 1_000_000),
      default: '1000',
      description: 'Runs of a tenant waiting to start work at most; past it starts answer 429.',
    },
    IMAGE_AGENT_TENANT_MAX_OPEN_RUNS: {
      schema: int(1, 1_000_000),
      default: '10000',
      description: 'Runs of a tenant open at once at most; past it starts answer 429.',
    },
    IMAGE_AGENT_DISPATCH_KEYS: {
      schema: bool,
      default: 'true',
      description:
        'Start runs with a priority key by class and the tenant as fairness key (common/dispatchPriority.ts); `false` starts them first-in, first-out (a server without the feature, or the fairness bench’s baseline).',
    },
    IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS: {
      schema: int(0, 3600),
      default: '10',
      description: 'How long a process reuses a tenant policy it read before reading it again; with Postgres down it keeps the last one read.',
    },
  },
  (s) => ({
    defaults: {
      maxRounds: s.IMAGE_AGENT_TENANT_MAX_ROUNDS,
      maxImages: s.IMAGE_AGENT_TENANT_MAX_IMAGES,
      allowedAblations: s.IMAGE_AGENT_TENANT_ALLOWED_ABLATIONS,
      priorityClass: s.IMAGE_AGENT_TENANT_PRIORITY_CLASS,
      fairnessWeight: s.IMAGE_AGENT_TENANT_FAIRNESS_WEIGHT,
      maxQueuedRuns: s.IMAGE_AGENT_TENANT_MAX_QUEUED_RUNS,
      maxOpenRuns: s.IMAGE_AGENT_TENANT_MAX_OPEN_RUNS,
    } satisfies Omit<TenantPolicy, 'review'>,
    policyCacheMs: s.IMAGE_AGENT_TENANT_POLICY_CACHE_SECONDS * 1000,
    dispatchKeys: s.IMAGE_AGENT_DISPATCH_KEYS,
  }),
);

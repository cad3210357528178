/** Human review: the default policy, four-eyes tenants, signed decisions, webhooks and erasure tombstones. */
import { z } from 'zod';
import { durationMs } from '../../common/duration';
import { durationSchema } from '../../common/requestSchema';
import { configSection } from '../configSection';
import { bool, hostList, list, optionalString } from './schemas';

const optionalDuration = optionalString.pipe(durationSchema.optional());

export const reviewSettings = configSection(
  'Review, webhooks and erasure',
  'The review policy of requests that carry none, the tenants whose runs need a second person, how decisions are signed, and where run events are sent.',
  {
    IMAGE_AGENT_REVIEW_REQUIRED: { schema: bool, default: 'false', description: 'Runs wait for a reviewer’s approval before they complete.' },
    IMAGE_AGENT_PLAN_APPROVAL: { schema: bool, default: 'false', description: 'Runs wait for approval of their plan before grounding.' },
    IMAGE_AGENT_REVIEW_TIMEOUT: { schema: optionalDuration, defaultText: 'none', description: 'How long a review waits, e.g. `24 hours`.' },
    IMAGE_AGENT_REVIEW_ON_TIMEOUT: {
      schema: z.enum(['approve_best', 'reject', 'expire']),
      default: 'expire',
      description: 'What a review that times out becomes: `approve_best`, `reject` or `expire`.',
    },
    IMAGE_AGENT_FOUR_EYES_TENANTS: { schema: list, description: 'Tenants (or `*`) whose runs need a reviewer other than the requester.' },
    IMAGE_AGENT_FOUR_EYES_MIN_REVIEW_TIMEOUT: {
      schema: optionalDuration,
      default: '1 hour',
      description: 'The shortest review wait a four-eyes tenant’s run may ask for (shorter ones are refused).',
    },
    IMAGE_AGENT_REVIEW_SIGNING_KEY: {
      schema: optionalString,
      defaultText: 'the local stack’s generated key',
      description: 'Ed25519 private key (PEM, or base64 of PKCS#8 DER) the API signs review decisions with.',
      // A PEM's body line by line, as a message might quote one line of it.
      secret: (pem) => pem.split(/\r?\n/).filter((line) => !line.startsWith('-----')),
    },
    IMAGE_AGENT_WEBHOOK_SECRET: { schema: optionalString, description: 'HMAC key for webhook signatures; webhooks are refused without it.', secret: true },
    WEBHOOK_ALLOW_HOSTS: { schema: hostList, description: 'Private hosts webhooks may reach (as `WEB_FETCH_ALLOW_HOSTS`).' },
    IMAGE_AGENT_ERASURE_TOMBSTONE: {
      schema: optionalDuration,
      default: '30 days',
      description: 'How long new runs of a user erased with `erase --user` are refused.',
    },
  },
  (s) => ({
    review: {
      defaults: {
        required: s.IMAGE_AGENT_REVIEW_REQUIRED,
        planApproval: s.IMAGE_AGENT_PLAN_APPROVAL,
        onTimeout: s.IMAGE_AGENT_REVIEW_ON_TIMEOUT,
        ...(s.IMAGE_AGENT_REVIEW_TIMEOUT ? { timeout: s.IMAGE_AGENT_REVIEW_TIMEOUT } : {}),
      },
    },
    fourEyes: {
      ...(s.IMAGE_AGENT_REVIEW_SIGNING_KEY ? { reviewSigningKey: s.IMAGE_AGENT_REVIEW_SIGNING_KEY } : {}),
      fourEyesTenants: s.IMAGE_AGENT_FOUR_EYES_TENANTS,
      fourEyesMinReviewTimeout: s.IMAGE_AGENT_FOUR_EYES_MIN_REVIEW_TIMEOUT ?? '1 hour',
    },
    webhooks: { secret: s.IMAGE_AGENT_WEBHOOK_SECRET, allowHosts: s.WEBHOOK_ALLOW_HOSTS },
    erasure: { tombstoneMs: durationMs(s.IMAGE_AGENT_ERASURE_TOMBSTONE ?? '30 days') },
  }),
);

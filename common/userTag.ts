/**
 * The pseudonymous user tag written to search attributes (which are not encrypted and visible to every UI
 * user): a keyed hash (HMAC-SHA256 with IMAGE_AGENT_ID_KEY, the key of session ids) of tenant and user id,
 * never the id itself, so a user id cannot be found by hashing a dictionary of names. Only clients compute it
 * (at start, for the search attribute; `image-agent list --user` and erasure, to find the runs): workflows
 * copy their parent's attributes and never hold the key. The input is a JSON array, so no two distinct
 * (tenant, user) pairs hash the same input.
 */
import { createHash, createHmac } from 'node:crypto';

export function userTag(idKey: string, tenantId: string, userId: string): string {
  return `u_${createHmac('sha256', idKey)
    .update(JSON.stringify([tenantId, userId]))
    .digest('hex')
    .slice(0, 32)}`;
}

// legacy-read: unkeyed-user-tag
/**
 * The unkeyed tag of runs started before the keyed one (`u_` and 16 hex digits of SHA-256 of tenant NUL user):
 * only looked for, never written, so `list --user` and erasure still find those runs.
 */
export function legacyUserTag(tenantId: string, userId: string): string {
  return `u_${createHash('sha256').update(`${tenantId}\u0000${userId}`).digest('hex').slice(0, 16)}`;
}

/** Both tags of a user, for a visibility query: `ImageAgentUser IN (…)`. */
export function userTags(idKey: string, tenantId: string, userId: string): [string, string] {
  return [userTag(idKey, tenantId, userId), legacyUserTag(tenantId, userId)];
}

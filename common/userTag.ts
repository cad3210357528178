/**
 * The pseudonymous user tag written to search attributes (which are not encrypted and visible to every UI
 * user): a hash of tenant and user id, never the id itself. `image-agent list --user` computes the same tag.
 */
import { createHash } from 'node:crypto';

export function userTag(tenantId: string, userId: string): string {
  return `u_${createHash('sha256').update(`${tenantId}\u0000${userId}`).digest('hex').slice(0, 16)}`;
}

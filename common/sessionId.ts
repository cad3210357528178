/**
 * Session workflow ids. Workflow ids are never encrypted, so they carry no user or session names: the id is a
 * keyed hash (HMAC-SHA256 with IMAGE_AGENT_ID_KEY) of the (tenant, user, session) triple, encoded as a JSON
 * array so that no two distinct triples hash the same input. Sessions started before this scheme kept
 * `session-<tenant>-<user>-<session>`, where `-` inside a name made distinct triples collide; the client
 * still reaches such a session while it runs, and its owner check keeps other triples out.
 */
import { createHmac } from 'node:crypto';

export function sessionWorkflowId(idKey: string, tenantId: string, userId: string, sessionId: string): string {
  return `session-v2-${createHmac('sha256', idKey)
    .update(JSON.stringify([tenantId, userId, sessionId]))
    .digest('hex')
    .slice(0, 40)}`;
}

// legacy-read: unprefixed-session-id
export function legacySessionWorkflowId(tenantId: string, userId: string, sessionId: string): string {
  return `session-${tenantId}-${userId}-${sessionId}`;
}

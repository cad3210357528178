/**
 * Principals of the HTTP API: a token maps to a tenant, a principal name and roles. Tokens are kept only
 * as SHA-256 hashes (the configuration may give the hash itself, `sha256-<hex>`, so the plaintext token
 * never reaches the server), and a presented token is compared by its hash in constant time. Rotation:
 * add the new token, move clients over, remove the old one. Not for workflow code (node:crypto).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * submit: start runs and uploads, as itself (its name is the user id); delegate: start runs for any user of its
 * tenant (a service acting for its users); review: decide on runs; audit: read payloads through the codec
 * server; admin: all of them.
 */
export const ROLES = ['submit', 'delegate', 'review', 'audit', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** How a principal's name is spelled (it is recorded as reviewer and requester). */
export const PRINCIPAL_NAME = /^[A-Za-z0-9._@-]{1,128}$/;

export interface Principal {
  /** The authenticated name recorded as reviewer, requester and auditor; the user id of its own runs. */
  name: string;
  tenant: string;
  roles: readonly Role[];
}

const hashOf = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export class TokenDirectory {
  private readonly byHash = new Map<string, { hash: Buffer; principal: Principal }>();

  add(tokenOrHash: string, principal: Principal): void {
    const hash = /^sha256-[0-9a-f]{64}$/.test(tokenOrHash) ? Buffer.from(tokenOrHash.slice(7), 'hex') : hashOf(tokenOrHash);
    this.byHash.set(hash.toString('hex'), { hash, principal });
  }

  /** The token's principal, or undefined. */
  principal(token: string): Principal | undefined {
    const presented = hashOf(token);
    const entry = this.byHash.get(presented.toString('hex'));
    return entry && timingSafeEqual(entry.hash, presented) ? entry.principal : undefined;
  }

  /** The token's tenant (the API's original token → tenant view). */
  get(token: string): string | undefined {
    return this.principal(token)?.tenant;
  }

  has(token: string): boolean {
    return this.principal(token) !== undefined;
  }

  get size(): number {
    return this.byHash.size;
  }
}

/** "token:tenant" (a principal named after the token's hash, every role) or "token:tenant:principal:role+role". */
export function parseTokenEntries(text: string | undefined, fail: (message: string) => Error): TokenDirectory {
  const dir = new TokenDirectory();
  const usage =
    'IMAGE_AGENT_API_TOKENS: each entry is token:tenant or token:tenant:principal:role+role (roles: submit, delegate, review, audit, admin), with a token of at least 16 characters';
  for (const entry of (text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    const parts = entry.split(':');
    const [token = '', tenant = '', name, roleText] = parts;
    const roles = roleText === undefined ? [...ROLES] : roleText.split('+');
    if (
      (parts.length !== 2 && parts.length !== 4) ||
      token.length < 16 ||
      !/^[A-Za-z0-9._@-]+$/.test(tenant) ||
      (name !== undefined && !PRINCIPAL_NAME.test(name)) ||
      !roles.every((r) => (ROLES as readonly string[]).includes(r))
    ) {
      throw fail(usage);
    }
    const principalName = name ?? `${tenant}-token-${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;
    dir.add(token, { name: principalName, tenant, roles: roles as Role[] });
  }
  return dir;
}

/**
 * Review decisions signed by the API and verified by the run's update validator. The workflow cannot hold
 * a secret (everything it knows is in its history), so an HMAC it could check would publish its own key:
 * the API signs with an Ed25519 private key only it holds, and the run verifies with the public key it was
 * started with (public keys are not secret). Pure and deterministic: bundled into the workflow sandbox
 * (@noble/curves, audited pure JS, no Node built-ins).
 */
import { ed25519 } from '@noble/curves/ed25519';

/** What a run needs to check its reviewers, given at start by the API. */
export interface ReviewAuth {
  /** base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
  /** The authenticated principal that asked for the run. */
  requestedBy: string;
  /** The tenant's policy: a reviewer other than the requester must approve. */
  fourEyes: boolean;
}

/** The signed part of a decision. */
export interface SignedFields {
  workflowId: string;
  kind: 'plan' | 'result';
  decision: string;
  candidateKey?: string;
  feedback?: string;
  instructions?: string;
  prompt?: string;
  principal: string;
  at: string;
}

/** The exact bytes signed: a JSON array in a fixed order, so both sides agree on them. */
export function decisionMessage(f: SignedFields): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify([
      'image-agent/review/v1',
      f.workflowId,
      f.kind,
      f.decision,
      f.candidateKey ?? '',
      f.feedback ?? '',
      f.instructions ?? '',
      f.prompt ?? '',
      f.principal,
      f.at,
    ]),
  );
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** base64 → bytes without Buffer or atob (neither belongs in workflow code); undefined when malformed. */
function fromBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) return undefined;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    value = (value << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return new Uint8Array(out);
}

/** Why a signed decision is refused (missing, malformed or forged signature), or undefined. */
export function signatureProblem(
  auth: ReviewAuth,
  fields: Omit<SignedFields, 'principal' | 'at'>,
  principal?: string,
  at?: string,
  signature?: string,
): string | undefined {
  if (typeof principal !== 'string' || typeof at !== 'string' || typeof signature !== 'string' || !principal || !signature) {
    return 'unsigned decision: this run takes decisions signed by the image-agent API (its reviewer is the authenticated principal)';
  }
  const sig = fromBase64(signature);
  const key = fromBase64(auth.publicKey);
  if (!sig || sig.length !== 64 || !key || key.length !== 32) return 'badly signed decision: the signature is malformed';
  let ok = false;
  try {
    ok = ed25519.verify(sig, decisionMessage({ ...fields, principal, at }), key);
  } catch {
    ok = false;
  }
  return ok ? undefined : 'badly signed decision: the signature does not match the decision, run and principal';
}

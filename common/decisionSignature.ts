/**
 * Review decisions signed by the API and verified by the run's update validator. The workflow cannot hold
 * a secret (everything it knows is in its history), so an HMAC it could check would publish its own key:
 * the API signs with an Ed25519 private key only it holds, and the run verifies with the public key it was
 * started with (public keys are not secret). Pure and deterministic: bundled into the workflow sandbox
 * (@noble/curves, audited pure JS, no Node built-ins).
 */
import { ed25519 } from '@noble/curves/ed25519';

// The base point's 8-bit window table (about 4,000 point additions) is built lazily, once per module. In the
// workflow sandbox each run evaluates this module afresh, so every decision paid for the table: the ladder, a
// tenth of the work, is the cheaper verification there (npm run bench:review).
ed25519.ExtendedPoint.BASE.precompute(1);

/** What a run needs to check its reviewers, given at start by the API. */
export interface ReviewAuth {
  /** base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
  /** The authenticated principal that asked for the run. */
  requestedBy: string;
  /** The tenant's policy: a reviewer other than the requester must approve. */
  fourEyes: boolean;
  /** The tenant's shortest review wait, for four-eyes tenants (common/tenantReviewRules.ts). */
  minTimeout?: string;
  /**
   * 2: decisions are signed over the run id and a decision id as well, carry a time the run checks, and each
   * decision id is applied once, so a decision cannot be replayed on a reset run or sent twice. Runs started
   * before have no version and take version-1 signatures.
   */
  version?: 2;
}

/** How old a version-2 decision may be when it reaches the run (and how far ahead of its clock). */
const DECISION_MAX_AGE_MS = 10 * 60_000;
const DECISION_MAX_SKEW_MS = 2 * 60_000;

/** The signed part of a decision. */
export interface SignedFields {
  workflowId: string;
  /** Version 2: the run the decision is for, and the decision's own id (its request id). */
  runId?: string;
  decisionId?: string;
  /** 'question': a reviewer's question to the agent (decision 'ask'), signed so the run records who asked. */
  kind: 'plan' | 'result' | 'question';
  decision: string;
  candidateKey?: string;
  feedback?: string;
  instructions?: string;
  prompt?: string;
  /** An edited checklist (result edits only): signed only when present, so every other message is as before. */
  checklist?: string[];
  /** The earlier candidate an approval delivers: signed only when present. */
  chosenKey?: string;
  /** A reviewer's question: signed only when present. */
  question?: string;
  principal: string;
  at: string;
}

/**
 * The fields of a decision that are signed, read the same way by the API that signs (client/generations.ts) and
 * the run that verifies (workflows/generate/review/decisionAuthority.ts).
 */
export function signedFieldsOf(
  workflowId: string,
  kind: 'plan' | 'result',
  d: { decision: string; candidateKey?: string; feedback?: string; instructions?: string; prompt?: string; checklist?: string[]; chosenKey?: string },
): Omit<SignedFields, 'principal' | 'at'> {
  const edit = kind === 'result' && d.decision === 'edit';
  return {
    workflowId,
    kind,
    decision: d.decision,
    candidateKey: kind === 'result' ? d.candidateKey : undefined,
    feedback: d.feedback,
    instructions: kind === 'plan' ? d.instructions : undefined,
    // A plan decision's edited prompt, or a result edit's.
    prompt: kind === 'plan' || edit ? d.prompt : undefined,
    ...(edit && d.checklist ? { checklist: d.checklist } : {}),
    ...(kind === 'result' && d.decision === 'approve' && d.chosenKey !== undefined ? { chosenKey: d.chosenKey } : {}),
  };
}

/** The signed fields of a reviewer's question (its own kind, so no signature of one passes for a decision). */
export function questionFieldsOf(workflowId: string, question: string): Omit<SignedFields, 'principal' | 'at'> {
  return { workflowId, kind: 'question', decision: 'ask', question };
}

/** The exact bytes signed: a JSON array in a fixed order, so both sides agree on them. */
export function decisionMessage(f: SignedFields, version: 1 | 2 = 1): Uint8Array {
  const head = version === 2 ? ['image-agent/review/v2', f.workflowId, f.runId ?? '', f.decisionId ?? ''] : ['image-agent/review/v1', f.workflowId];
  return new TextEncoder().encode(
    JSON.stringify([
      ...head,
      f.kind,
      f.decision,
      f.candidateKey ?? '',
      f.feedback ?? '',
      f.instructions ?? '',
      f.prompt ?? '',
      f.principal,
      f.at,
      ...(f.checklist ? [f.checklist] : []),
      ...(f.chosenKey !== undefined ? [{ chosen: f.chosenKey }] : []),
      ...(f.question !== undefined ? [{ question: f.question }] : []),
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

/** What a decision carries besides its fields: who signed it, when, and the signature(s). */
export interface DecisionSignature {
  principal?: string;
  at?: string;
  // legacy-read: decision-signature-v1
  /** Version 1, for runs started before version 2. */
  signature?: string;
  /** Version 2, over the run id and decision id too. */
  signatureV2?: string;
  decisionId?: string;
}

/**
 * Why a signed decision is refused (missing, malformed, forged, stale or for another run), or undefined.
 * `now` is the run's clock (workflow time); `runId` the run deciding.
 */
export function signatureProblem(
  auth: ReviewAuth,
  fields: Omit<SignedFields, 'principal' | 'at' | 'runId' | 'decisionId'>,
  d: DecisionSignature,
  run: { runId: string; now: number },
  /** What is signed, as the refusal names it: a decision, or a reviewer's question. */
  what: 'decision' | 'question' = 'decision',
): string | undefined {
  const v2 = auth.version === 2;
  const signature = v2 ? d.signatureV2 : d.signature;
  const { principal, at } = d;
  if (typeof principal !== 'string' || typeof at !== 'string' || typeof signature !== 'string' || !principal || !signature) {
    return `unsigned ${what}: this run takes ${what}s signed by the image-agent API (its reviewer is the authenticated principal)`;
  }
  if (v2 && (typeof d.decisionId !== 'string' || !/^[\x21-\x7E]{1,200}$/.test(d.decisionId))) return `badly signed ${what}: it has no ${what} id`;
  const sig = fromBase64(signature);
  const key = fromBase64(auth.publicKey);
  if (!sig || sig.length !== 64 || !key || key.length !== 32) return `badly signed ${what}: the signature is malformed`;
  let ok = false;
  try {
    const message = v2
      ? decisionMessage({ ...fields, runId: run.runId, decisionId: d.decisionId, principal, at }, 2)
      : decisionMessage({ ...fields, principal, at });
    ok = ed25519.verify(sig, message, key);
  } catch {
    ok = false;
  }
  if (!ok) return `badly signed ${what}: the signature does not match the ${what}, run and principal`;
  if (v2) {
    const signedAt = Date.parse(at);
    if (!Number.isFinite(signedAt) || run.now - signedAt > DECISION_MAX_AGE_MS || signedAt - run.now > DECISION_MAX_SKEW_MS) {
      return `stale ${what}: it was signed at ${at}, more than ${DECISION_MAX_AGE_MS / 60_000} minutes from the run's clock; ${what === 'decision' ? 'decide' : 'ask'} again`;
    }
  }
  return undefined;
}

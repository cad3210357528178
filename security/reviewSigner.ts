/**
 * The API's review signer: an Ed25519 private key from IMAGE_AGENT_REVIEW_SIGNING_KEY (PEM, or base64 of
 * PKCS#8 DER), or on the local stack one generated once into the stack folder (mode 600, never committed).
 * Runs receive the public key in their input and verify every decision with it (common/decisionSignature.ts).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../common/config';
import { decisionMessage, type ReviewAuth, type SignedFields } from '../common/decisionSignature';
import type { TenantReviewPolicy } from '../common/tenantPolicy';
import { refuseDevKey } from './insecureDefaults';

export class ReviewSigner {
  readonly publicKey: string;

  constructor(private readonly key: KeyObject) {
    const jwk = createPublicKey(key).export({ format: 'jwk' });
    this.publicKey = Buffer.from(jwk.x!, 'base64url').toString('base64');
  }

  /** The signature over the decision's fields, base64 (version 2 covers the run id and decision id too). */
  sign(fields: SignedFields, version: 1 | 2 = 1): string {
    return sign(null, decisionMessage(fields, version), this.key).toString('base64');
  }

  /**
   * What a new run needs to check its reviewers: version-2 decisions, and the four-eyes rule of its tenant's policy
   * (common/tenantPolicy.ts), which the run applies to its own review policy whatever it was started with.
   */
  reviewAuth(requestedBy: string, rules: Pick<TenantReviewPolicy, 'fourEyes' | 'minTimeout'>): ReviewAuth {
    const floor = rules.fourEyes && rules.minTimeout ? { minTimeout: rules.minTimeout } : {};
    return { publicKey: this.publicKey, requestedBy, fourEyes: rules.fourEyes, ...floor, version: 2 };
  }
}

function keyFromText(text: string): KeyObject {
  const key = text.includes('BEGIN') ? createPrivateKey(text) : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('IMAGE_AGENT_REVIEW_SIGNING_KEY must be an Ed25519 private key');
  return key;
}

const signers = new Map<string, ReviewSigner>();

export function reviewSigner(config: AppConfig): ReviewSigner {
  const cacheKey = config.security.reviewSigningKey ?? config.stack.dir;
  let signer = signers.get(cacheKey);
  if (!signer) {
    signer = new ReviewSigner(keyFromText(config.security.reviewSigningKey ?? devSigningKey(config)));
    signers.set(cacheKey, signer);
  }
  return signer;
}

function devSigningKey(config: AppConfig): string {
  refuseDevKey(config, 'IMAGE_AGENT_REVIEW_SIGNING_KEY');
  const file = path.join(config.stack.dir, 'review-signing-key.pem');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      fs.writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return fs.readFileSync(file, 'utf8');
}

/**
 * Object storage and memory without servers, for the fast tier: the real classes with their I/O replaced
 * by maps, so the project's activity factories take them as they are.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { AppConfig } from '../../../common/config';
import type { MemoryContext, UserProfile } from '../../../common/evidence';
import type { StoredObject } from '../../../common/types';
import { MemoryStore, mergeProfile, type RecallQuery, type TurnToRemember } from '../../../providers/memoryStore';
import { ObjectStore } from '../../../providers/objectStore';

export class InMemoryObjectStore extends ObjectStore {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();

  constructor(config: AppConfig['s3']) {
    super(config);
  }

  override async ensureBucket(): Promise<void> {}

  override async put(key: string, body: Buffer, contentType: string): Promise<StoredObject> {
    this.objects.set(key, { body, contentType });
    return { bucket: this.bucket, key, sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length, contentType };
  }

  override async get(key: string): Promise<Buffer> {
    return this.getRaw(key);
  }

  override async getRaw(key: string): Promise<Buffer> {
    const found = this.objects.get(key);
    // The S3 SDK's not-found error name, which isMissingObject() recognises.
    if (!found) throw Object.assign(new Error(`no object ${key}`), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    return found.body;
  }

  override async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }

  override async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  override async remove(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }

  override presign(key: string): Promise<string> {
    return Promise.resolve(`memory://${this.bucket}/${key}`);
  }
}

/** Remembered turns and profiles in maps; recall returns the profile and no turns. */
export class InMemoryMemoryStore extends MemoryStore {
  readonly profiles = new Map<string, UserProfile>();
  readonly turns: TurnToRemember[] = [];

  constructor() {
    super(undefined as unknown as Pool);
  }

  override hasVector(): Promise<boolean> {
    return Promise.resolve(false);
  }

  override async ensureUser(): Promise<void> {}

  override async getProfile(tenantId: string, userId: string): Promise<UserProfile> {
    return this.profiles.get(`${tenantId}/${userId}`) ?? {};
  }

  override async recall(q: RecallQuery): Promise<MemoryContext> {
    return {
      profile: await this.getProfile(q.tenantId, q.userId),
      turns: [],
      knowledge: [],
      retrieval: { method: 'full_text', consideredTurns: 0, consideredKnowledge: 0, droppedForBudget: 0 },
    };
  }

  override async rememberTurn(t: TurnToRemember): Promise<boolean> {
    if (this.turns.some((x) => x.workflowId === t.workflowId)) return false;
    this.turns.push(t);
    return true;
  }

  override async applyProfileUpdate(
    tenantId: string,
    userId: string,
    _workflowId: string,
    facts: UserProfile,
  ): Promise<{ applied: boolean; profile: UserProfile }> {
    const profile = mergeProfile(await this.getProfile(tenantId, userId), facts);
    this.profiles.set(`${tenantId}/${userId}`, profile);
    return { applied: true, profile };
  }
}

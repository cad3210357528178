/**
 * Rendered bytes kept on the GPU worker's disk until they are safely in object storage, keyed by the
 * activity's identity (workflow, run, activity id). A render is paid for; when the upload fails (S3 down),
 * the retry on this worker uploads the spooled bytes instead of paying for the render again. Entries are
 * removed once uploaded, and swept after a day (a run that never came back for them).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RenderOutput } from '../providers/imageModel';

export interface SpoolIdentity {
  workflowId: string;
  runId: string;
  activityId: string;
}

const DAY_MS = 86_400_000;

export class RenderSpool {
  constructor(readonly dir: string) {}

  idOf(identity: SpoolIdentity): string {
    return createHash('sha256').update(`${identity.workflowId}\u0000${identity.runId}\u0000${identity.activityId}`).digest('hex').slice(0, 32);
  }

  async keep(id: string, out: RenderOutput): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const { png, ...meta } = out;
    // The bytes first, the metadata last: a metadata file means a whole entry.
    await fs.writeFile(path.join(this.dir, `${id}.png`), png);
    await fs.writeFile(path.join(this.dir, `${id}.json`), JSON.stringify(meta));
  }

  async take(id: string): Promise<RenderOutput | undefined> {
    try {
      const meta = JSON.parse(await fs.readFile(path.join(this.dir, `${id}.json`), 'utf8')) as Omit<RenderOutput, 'png'>;
      return { ...meta, png: await fs.readFile(path.join(this.dir, `${id}.png`)) };
    } catch {
      return undefined;
    }
  }

  async drop(id: string): Promise<void> {
    await Promise.all(['json', 'png'].map((ext) => fs.rm(path.join(this.dir, `${id}.${ext}`), { force: true })));
  }

  /** Removes entries older than a day; called when a GPU worker starts. */
  async sweep(maxAgeMs = DAY_MS): Promise<number> {
    let removed = 0;
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      const file = path.join(this.dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > maxAgeMs) {
        await fs.rm(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}

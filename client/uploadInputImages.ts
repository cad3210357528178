/** The user's own reference images: checked, normalised to PNG and put in object storage before the run starts. */
import fs from 'node:fs';
import sharp from 'sharp';
import { safeSegment } from '../common/objectKeys';
import type { ObjectStore } from '../providers/objectStore';
import { UsageError } from './usageError';

const MAX_BYTES = 25 * 1024 * 1024;

export async function uploadInputImages(store: ObjectStore, workflowId: string, files: string[]): Promise<string[]> {
  return Promise.all(
    files.map(async (file, i) => {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch {
        throw new UsageError(`cannot read the image ${file}`);
      }
      if (bytes.length > MAX_BYTES) throw new UsageError(`${file} is larger than 25 MB`);
      const png = await sharp(bytes)
        .png()
        .toBuffer()
        .catch(() => {
          throw new UsageError(`${file} is not an image sharp can decode (PNG, JPEG, WebP, GIF, TIFF, AVIF)`);
        });
      const key = `runs/${safeSegment(workflowId)}/inputs/${i}.png`;
      await store.put(key, png, 'image/png');
      return key;
    }),
  );
}

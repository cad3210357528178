/** A run's final images copied to a local folder, each with a presigned URL, for the person at the terminal. */
import fs from 'node:fs';
import path from 'node:path';
import type { GenerateImageResult } from '../common/runResult';
import type { Generations } from './generations';
import { outputPath } from './outputPath';

export async function copyFinalImages(g: Generations, result: GenerateImageResult, outDir: string, baseName: string): Promise<{ file: string; url: string }[]> {
  fs.mkdirSync(outDir, { recursive: true });
  return Promise.all(
    result.images.map(async (image) => {
      const file = outputPath(outDir, result.images.length > 1 ? `${baseName}-${image.imageIndex}.png` : `${baseName}.png`);
      fs.writeFileSync(file, await g.store.get(image.final.image.key));
      return { file: path.relative(process.cwd(), file), url: await g.store.presign(image.final.image.key) };
    }),
  );
}

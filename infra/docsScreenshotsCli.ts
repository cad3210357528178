/**
 * `npm run docs:screenshots`: the Chromium tests take screenshots of the review page and the Temporal UI
 * (test-artifacts/); this copies the ones the docs show into docs/images/, trimmed, at most 900 px wide and
 * palette-compressed, and refuses one over 200 KB.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { projectRoot } from '../common/paths';

const MAX_BYTES = 200 * 1024;
/** Screenshot (test-artifacts/) → picture in the docs (docs/images/). */
const USED: Record<string, string> = {
  'review-page-pending.png': 'review-page.png',
  'review-inbox.png': 'review-inbox.png',
  'review-run-rounds.png': 'review-run-rounds.png',
  'temporal-ui-history.png': 'temporal-ui-history.png',
};

async function main(): Promise<void> {
  let failed = false;
  for (const [from, to] of Object.entries(USED)) {
    const source = path.join(projectRoot, 'test-artifacts', from);
    if (!fs.existsSync(source)) {
      console.error(`missing ${path.relative(projectRoot, source)}: run the Chromium tests first (npm run docs:screenshots does)`);
      failed = true;
      continue;
    }
    const target = path.join(projectRoot, 'docs', 'images', to);
    const info = await sharp(source)
      .trim()
      .resize({ width: 900, withoutEnlargement: true })
      .png({ palette: true, colours: 64, compressionLevel: 9 })
      .toFile(target);
    const ok = info.size <= MAX_BYTES;
    failed ||= !ok;
    console.log(`${ok ? 'wrote' : 'TOO LARGE'} ${path.relative(projectRoot, target)} (${Math.round(info.size / 1024)} KB)`);
  }
  process.exitCode = failed ? 1 : 0;
}

void main();

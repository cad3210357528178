/** The zero-key renderer draws references as thumbnails at any size, including sizes with odd margins. */
import sharp from 'sharp';
import { OfflineImageModel, readOfflineLayout } from '../providers/offline/offlineImageModel';

async function solid(colour: string): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 64, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

describe('offline renderer', () => {
  test.each(['256x256', '300x200', '1024x1024'])('renders %s with several references (half-pixel offsets are rounded)', async (size) => {
    const references = await Promise.all(
      ['#ff0000', '#00ff00', '#0000ff'].map(async (c, i) => ({ name: `reference-${i + 1}.png`, data: await solid(c), contentType: 'image/png' })),
    );
    const out = await new OfflineImageModel().render({ prompt: 'a boat logo on a sail', sections: [], size, references });
    const meta = await sharp(out.png).metadata();
    expect(`${meta.width}x${meta.height}`).toBe(size);
    expect(out.mode).toBe('edit');
    expect(await readOfflineLayout(out.png)).toContain('a boat logo on a sail');
  });
});

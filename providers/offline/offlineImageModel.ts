/**
 * The zero-key renderer: draws the composed prompt as a labelled layout (sections, colours from the
 * prompt's hash) so a run can be followed end to end without any image model. Every picture carries an
 * "OFFLINE RENDER" banner, and the drawn text is embedded as XMP so the offline critic can read it.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { parseSize, type ImageModel, type RenderOutput, type RenderRequest } from '../imageModel';

const OFFLINE_IMAGE_MODEL = 'offline-layout-renderer';

export class OfflineImageModel implements ImageModel {
  readonly provider = 'offline';
  readonly model = OFFLINE_IMAGE_MODEL;

  async render(request: RenderRequest): Promise<RenderOutput> {
    const { width, height } = parseSize(request.size);
    const svg = layoutSvg(request, width, height);
    // References are drawn as thumbnails along the bottom, so a reused image is visible in the render.
    const thumb = Math.round(Math.min(width, height) / 6);
    const margin = Math.round(width * 0.05);
    const thumbnails = await Promise.all(
      request.references.slice(0, 4).map(async (r, i) => ({
        input: await sharp(r.data).resize(thumb, thumb, { fit: 'contain', background: '#ffffff' }).png().toBuffer(),
        // sharp takes whole pixels only; an odd margin gives half-pixel offsets.
        left: Math.round(margin + i * (thumb + margin / 2)),
        top: Math.round(height - margin * 1.5 - thumb),
      })),
    );
    const png = await sharp(Buffer.from(svg)).composite(thumbnails).withXmp(xmpPacket(request)).png({ compressionLevel: 9 }).toBuffer();
    return {
      png,
      width,
      height,
      provider: 'offline',
      model: OFFLINE_IMAGE_MODEL,
      mode: request.references.length ? 'edit' : 'generate',
    };
  }
}

/** Reads back what the offline renderer drew (undefined for any other image). */
export async function readOfflineLayout(png: Buffer): Promise<string | undefined> {
  const meta = await sharp(png).metadata();
  const xmp = meta.xmp?.toString('utf8');
  const m = xmp && /<imageagent:layout>([\s\S]*?)<\/imageagent:layout>/.exec(xmp);
  return m?.[1] ? unescapeXml(m[1]) : undefined;
}

function layoutText(request: RenderRequest): string {
  return [request.prompt, ...request.sections.map((s) => `${s.title}: ${s.body}`)].join('\n');
}

function xmpPacket(request: RenderRequest): string {
  return [
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:imageagent="https://image-agent.dev/ns/1.0/">',
    `<imageagent:provider>offline</imageagent:provider><imageagent:layout>${escapeXml(layoutText(request))}</imageagent:layout>`,
    '</rdf:Description></rdf:RDF></x:xmpmeta>',
  ].join('');
}

function layoutSvg(request: RenderRequest, width: number, height: number): string {
  // A set of images shares its style section, and so its colours.
  const style = request.sections.find((sec) => sec.title.toLowerCase() === 'style')?.body;
  const digest = createHash('sha256')
    .update(`${style ?? request.prompt}|${request.seed ?? 0}`)
    .digest();
  const hue = (digest[0]! * 360) / 256;
  const hue2 = (hue + 40 + (digest[1]! % 80)) % 360;
  const margin = Math.round(width * 0.05);
  const base = Math.max(14, Math.round(width / 48));
  const lines: string[] = [];
  let y = margin + base * 3.2;

  const sections = request.sections.length ? request.sections : [{ title: 'Prompt', body: request.prompt }];
  const maxChars = Math.floor((width - margin * 2 - base) / (base * 0.56));
  for (const section of sections) {
    if (y > height - margin * 2) break;
    lines.push(
      `<text x="${margin + base * 0.6}" y="${y}" font-size="${base * 0.9}" font-weight="bold" fill="#1d1d1f" opacity="0.85">${escapeXml(section.title.toUpperCase())}</text>`,
    );
    y += base * 1.3;
    for (const line of wrap(section.body, maxChars)) {
      if (y > height - margin * 2) {
        lines.push(`<text x="${margin + base * 0.6}" y="${y}" font-size="${base}" fill="#1d1d1f">…</text>`);
        break;
      }
      lines.push(`<text x="${margin + base * 0.6}" y="${y}" font-size="${base}" fill="#1d1d1f">${escapeXml(line)}</text>`);
      y += base * 1.25;
    }
    y += base * 0.8;
  }
  const footer = `${request.size} · seed ${request.seed ?? 'none'} · ${request.references.length} reference image(s) · prompt ${createHash('sha256').update(request.prompt).digest('hex').slice(0, 12)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
    <stop offset="0" stop-color="hsl(${hue.toFixed(0)},70%,86%)"/><stop offset="1" stop-color="hsl(${hue2.toFixed(0)},60%,72%)"/>
  </linearGradient></defs>
  <rect width="100%" height="100%" fill="url(#bg)"/>
  <rect x="${margin / 2}" y="${margin * 1.9}" width="${width - margin}" height="${height - margin * 3.2}" rx="${base}" fill="#ffffff" opacity="0.55"/>
  <rect width="100%" height="${margin * 1.5}" fill="#1d1d1f"/>
  <text x="${margin / 2}" y="${margin}" font-size="${base * 1.1}" font-weight="bold" fill="#ffd60a">OFFLINE RENDER</text>
  ${width >= 600 ? `<text x="${width - margin / 2}" y="${margin}" font-size="${base * 0.8}" fill="#f5f5f7" text-anchor="end">image-agent · no image model was called</text>` : ''}
  ${lines.join('\n  ')}
  <text x="${margin / 2}" y="${height - margin / 2}" font-size="${base * 0.75}" fill="#1d1d1f" opacity="0.8">${escapeXml(footer)}</text>
</svg>`;
}

function wrap(text: string, maxChars: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > maxChars) {
        out.push(line);
        line = '';
      }
      line = line ? `${line} ${word}` : word.slice(0, maxChars);
    }
    if (line) out.push(line);
  }
  return out;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|apos|quot);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[e]!);
}

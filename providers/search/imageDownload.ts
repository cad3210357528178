/**
 * Turning image-search results into usable reference images: download at most a handful in parallel,
 * decode and size-check each, normalise to PNG. A bad candidate is skipped with its reason, never fatal.
 */
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { DownloadedImage, ImageSearchResult } from './imageSearch';
import { isInsideDir } from './insideDir';
import { parseContentType, safeFetch, type SafeFetchOptions } from './safeFetch';

export interface CandidateDownloadOptions {
  /** At most this many results are tried (the paper's 5). */
  maxCandidates?: number;
  /** Per image; defaults to the fetch options' maxBytes. */
  maxBytes?: number;
  /** file:// results are read only from inside this folder (the local image backend's). */
  localImageDir: string;
}

export interface RejectedCandidate {
  url: string;
  reason: string;
}

export interface CandidateDownloads {
  /** In the order of the results. */
  images: DownloadedImage[];
  rejected: RejectedCandidate[];
}

/** Above this a reference costs more memory than it can help (40 MP is a large camera photo). */
const MAX_PIXELS = 40_000_000;
/** Below this an image is an icon or a tracking pixel, not a reference. */
const MIN_SIDE = 16;

export async function downloadCandidates(
  results: readonly ImageSearchResult[],
  fetchOptions: SafeFetchOptions,
  options: CandidateDownloadOptions,
): Promise<CandidateDownloads> {
  const maxBytes = options.maxBytes ?? fetchOptions.maxBytes;
  const candidates = results.slice(0, options.maxCandidates ?? 5);
  const outcomes = await Promise.all(
    candidates.map(async (result) => {
      try {
        const raw = await fetchCandidate(result.imageUrl, { ...fetchOptions, maxBytes }, options.localImageDir);
        return { image: { result, ...(await normalise(raw)) } };
      } catch (err) {
        if (fetchOptions.signal?.aborted) throw fetchOptions.signal.reason;
        return { rejected: { url: result.imageUrl, reason: (err as Error).message } };
      }
    }),
  );
  return {
    images: outcomes.flatMap((o) => (o.image ? [o.image] : [])),
    rejected: outcomes.flatMap((o) => (o.rejected ? [o.rejected] : [])),
  };
}

async function fetchCandidate(url: string, fetchOptions: SafeFetchOptions, localImageDir: string): Promise<Buffer> {
  if (url.startsWith('file:')) return readLocalImage(url, localImageDir, fetchOptions.maxBytes);
  const response = await safeFetch(url, { ...fetchOptions, accept: 'image/*' });
  if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}`);
  const { mediaType } = parseContentType(response.contentType);
  if (!mediaType.startsWith('image/')) throw new Error(`content type "${mediaType || 'none'}" is not an image`);
  // SVG is a document that can reference other resources, not a picture to pass to an image model.
  if (mediaType === 'image/svg+xml') throw new Error('SVG is not accepted as a reference image');
  return response.body;
}

async function readLocalImage(url: string, localImageDir: string, maxBytes: number): Promise<Buffer> {
  let file: string;
  try {
    file = fileURLToPath(url);
  } catch {
    throw new Error('not a local file URL');
  }
  // Resolve links first, so a symlink inside the folder cannot point outside it.
  const [realDir, realFile] = await Promise.all([fs.realpath(localImageDir), fs.realpath(file)]).catch(() => {
    throw new Error('no such local image');
  });
  if (!isInsideDir(realDir, realFile)) {
    throw new Error(`local files are read only from the image folder (${localImageDir})`);
  }
  const stat = await fs.stat(realFile);
  if (!stat.isFile()) throw new Error('not a file');
  if (stat.size > maxBytes) throw new Error(`${stat.size} bytes, over the ${maxBytes}-byte limit`);
  return fs.readFile(realFile);
}

async function normalise(raw: Buffer): Promise<Omit<DownloadedImage, 'result'>> {
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(raw).metadata());
  } catch (err) {
    throw new Error(`not a decodable image (${(err as Error).message})`);
  }
  if (!width || !height) throw new Error('not a decodable image (no dimensions)');
  if (width * height > MAX_PIXELS) throw new Error(`${width}x${height} is over ${MAX_PIXELS / 1e6} megapixels`);
  if (Math.min(width, height) < MIN_SIDE) throw new Error(`${width}x${height} is under ${MIN_SIDE} px on a side`);
  try {
    // rotate() applies the EXIF orientation, so the PNG shows what a viewer would.
    const { data, info } = await sharp(raw, { limitInputPixels: MAX_PIXELS }).rotate().png().toBuffer({ resolveWithObject: true });
    return { png: data, width: info.width, height: info.height };
  } catch (err) {
    throw new Error(`not a decodable image (${(err as Error).message})`);
  }
}

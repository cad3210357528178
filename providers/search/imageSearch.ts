/** The image-search role: candidates for an explicit character, IP or real-person reference. */

export interface ImageSearchResult {
  title: string;
  /** Where the image is downloaded from (http(s), or file:// for the local backend). */
  imageUrl: string;
  /** The page the image appears on, kept as its source. */
  pageUrl?: string;
}

export interface ImageSearch {
  readonly name: string;
  search(query: string, options: { limit: number; signal?: AbortSignal }): Promise<ImageSearchResult[]>;
}

/** A downloaded, decoded, size-checked candidate, normalised to PNG. */
export interface DownloadedImage {
  result: ImageSearchResult;
  png: Buffer;
  width: number;
  height: number;
}

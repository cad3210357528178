/**
 * Small JSON shapes that cross the workflow/activity boundary. Workflows import these as types only.
 * Nothing here may carry image bytes: images live in object storage and travel as references.
 */

/** An object in S3-compatible storage. */
export interface StoredObject {
  bucket: string;
  key: string;
  sha256: string;
  bytes: number;
  contentType: string;
}

/** A stored image: what activities pass instead of pixels. */
export interface ImageRef extends StoredObject {
  width: number;
  height: number;
  /** Set when the image model returned another size or format than requested ("asked for 1024x1024, got 64x64"). */
  warning?: string;
}

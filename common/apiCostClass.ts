/**
 * What an API route costs against the caller's rate limits. Each class is its own budget per principal and
 * minute (IMAGE_AGENT_API_RATE_LIMIT and its _STARTS, _UPLOADS, _CODEC siblings): a start pays for model
 * calls, an upload for image decoding and storage, a codec call for decryption and decompression, so each
 * gets a smaller budget than ordinary reads, decisions and cancels.
 */
export type CostClass = 'ordinary' | 'start' | 'upload' | 'codec';

/** Schemas for environment text that several sections share: booleans, ports, optional strings, positive integers. */
import { z } from 'zod';

export const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']).transform((v) => ['true', '1', 'yes', 'on'].includes(v));
export const port = z.coerce.number().int().min(1).max(65535);
/** An optional port: unset or empty means none. */
export const optionalPort = z
  .union([z.literal(''), z.coerce.number().int().min(1).max(65535)])
  .optional()
  .transform((v) => (v === '' || v === undefined ? undefined : v));
/** Unset or blank: undefined. */
export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
export const text = z.string().min(1);
export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** A comma-separated list of host names (lower-cased, blanks dropped). */
export const hostList = optionalString.transform((v) =>
  (v ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean),
);
/** A comma-separated list (trimmed, blanks dropped). */
export const list = optionalString.transform((v) =>
  (v ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean),
);

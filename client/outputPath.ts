/**
 * Every name that becomes a file path (batch ids, benchmark image names, run ids) stays inside its folder:
 * a name with a separator, "..", a NUL or an absolute path is refused before anything is written.
 */
import path from 'node:path';
import { isInsideDir } from '../providers/search/insideDir';
import { UsageError } from './usageError';

/** Batch ids name folders (`--out/<batchId>`) and key prefixes: letters, digits, `.`, `_`, `-`, not starting with a dot. */
export function checkBatchId(batchId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(batchId)) {
    throw new UsageError(`invalid batch id "${batchId.slice(0, 80)}": use 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
  return batchId;
}

/** `dir/name`, or a UsageError when the name would leave `dir`. */
export function outputPath(dir: string, name: string): string {
  const root = path.resolve(dir);
  const file = path.resolve(root, name);
  if (name.includes('\0') || path.isAbsolute(name) || !isInsideDir(root, file)) {
    throw new UsageError(`refusing to write "${name.slice(0, 120)}": the name leaves the output folder ${root}`);
  }
  return file;
}

import path from 'node:path';

/**
 * True when `p` lies below the folder `root` (both absolute; resolve links first where they matter). The
 * folder itself is not inside: callers want a file in it. A name merely starting with ".." ("..notes.png") is.
 */
export function isInsideDir(root: string, p: string): boolean {
  const relative = path.relative(root, p);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

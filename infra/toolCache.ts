/**
 * Where built or fetched tools are kept, outside the clone so a fresh clone reuses them: `$IMAGE_AGENT_TOOL_CACHE`,
 * else `$XDG_CACHE_HOME/image-agent`, else `~/.cache/image-agent`.
 */
import os from 'node:os';
import path from 'node:path';

export function toolCacheRoot(): string {
  const explicit = process.env.IMAGE_AGENT_TOOL_CACHE;
  if (explicit) return explicit;
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'image-agent');
}

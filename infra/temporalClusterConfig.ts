/**
 * The cluster mode's server configuration, as production runs Temporal: four services in their own processes, four
 * history shards, persistence and SQL visibility on Postgres, and the same dynamic config as the dev server. Each
 * service's gRPC and membership ports sit at STACK_TEMPORAL_PORT + 10000 onwards (within the slot's ten), and the
 * frontend listens on STACK_TEMPORAL_PORT itself, so every client connects as it does to the dev server.
 */
import type { AppConfig } from '../common/config';
import { CLUSTER_DATABASES } from './temporalClusterSchema';
import { TEMPORAL_DYNAMIC_CONFIG } from './temporalServer';

export const CLUSTER_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type ClusterService = (typeof CLUSTER_SERVICES)[number];

export const HISTORY_SHARDS = 4;
const HOST = '127.0.0.1';

export interface ClusterPorts {
  grpc: number;
  membership: number;
  http?: number;
}

export function clusterPorts(config: AppConfig): Record<ClusterService, ClusterPorts> {
  const base = config.stack.temporalPort + 10_000;
  return {
    frontend: { grpc: config.stack.temporalPort, membership: base, http: base + 1 },
    history: { grpc: base + 2, membership: base + 3 },
    matching: { grpc: base + 4, membership: base + 5 },
    worker: { grpc: base + 6, membership: base + 7 },
  };
}

function datastore(postgresUrl: string, database: string): object {
  const url = new URL(postgresUrl);
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `${url.hostname}:${url.port}`,
      connectProtocol: 'tcp',
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      maxConns: 20,
      maxIdleConns: 20,
      maxConnLifetime: '1h',
    },
  };
}

/** The server's config file (config/config.go of go.temporal.io/server): JSON, which its YAML loader reads. */
export function clusterServerConfig(config: AppConfig, postgresUrl: string, dynamicConfigFile: string): object {
  const ports = clusterPorts(config);
  const frontend = `${HOST}:${ports.frontend.grpc}`;
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: {
        default: datastore(postgresUrl, CLUSTER_DATABASES.persistence),
        visibility: datastore(postgresUrl, CLUSTER_DATABASES.visibility),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: HOST }, pprof: { port: 0 } },
    services: Object.fromEntries(
      CLUSTER_SERVICES.map((s) => [
        s,
        { rpc: { grpcPort: ports[s].grpc, membershipPort: ports[s].membership, bindOnIP: HOST, ...(ports[s].http ? { httpPort: ports[s].http } : {}) } },
      ]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend, httpAddress: `${HOST}:${ports.frontend.http}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/** The dev server's `key=value` dynamic config in the file client's shape: each key a list of constrained values. */
export function clusterDynamicConfig(): Record<string, { value: unknown }[]> {
  return Object.fromEntries(
    TEMPORAL_DYNAMIC_CONFIG.map((entry) => {
      const at = entry.indexOf('=');
      return [entry.slice(0, at), [{ value: JSON.parse(entry.slice(at + 1)) as unknown }]];
    }),
  );
}

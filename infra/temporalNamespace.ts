/**
 * A fresh cluster has no namespace and no custom search attributes (the dev server takes both as flags): this makes
 * them through the frontend's own APIs, idempotently, and waits until the frontend serves them. SQL visibility
 * maps custom attributes onto fixed columns (10 Keyword, 3 Int per namespace), which image-agent's 7 + 2 fit.
 */
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time';
import type { AppConfig } from '../common/config';
import { searchAttributeTypes } from '../common/searchAttributes';
import { waitUntil } from './managedProcess';
import { StackError } from './stackService';

const RETENTION_MS = 7 * 24 * 3600 * 1000;

async function namespaceExists(connection: Connection, namespace: string): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 5 /* NOT_FOUND */) return false;
    throw err;
  }
}

async function missingSearchAttributes(connection: Connection, namespace: string): Promise<Record<string, temporal.api.enums.v1.IndexedValueType>> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const { name, type } of searchAttributeTypes()) {
    if (customAttributes?.[name] === undefined) {
      missing[name] = temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${type}` as keyof typeof temporal.api.enums.v1.IndexedValueType];
    }
  }
  return missing;
}

export async function ensureNamespace(config: AppConfig, log: (line: string) => void): Promise<void> {
  const namespace = config.temporal.namespace;
  const connection = await Connection.connect({ ...config.temporal.connection, interceptors: [] });
  try {
    if (!(await namespaceExists(connection, namespace))) {
      log(`registering namespace ${namespace}`);
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION_MS) });
    }
    // The frontend's namespace cache refreshes on its own clock: wait until it knows the new namespace.
    const known = await waitUntil(() => namespaceExists(connection, namespace), { timeoutMs: 60_000, intervalMs: 500 });
    if (!known) throw new StackError(`the cluster did not serve namespace ${namespace} within 60 s after registering it`);
    // The operator API answers NOT_FOUND for a few seconds more, until its own cache has the namespace.
    let missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
    const listed = await waitUntil(async () => ((missing = await missingSearchAttributes(connection, namespace)), true), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    if (!listed) throw new StackError(`the cluster did not list namespace ${namespace}'s search attributes within 60 s after registering it`);
    if (Object.keys(missing).length) {
      log(`registering search attributes ${Object.keys(missing).join(', ')}`);
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    }
    const registered = await waitUntil(async () => Object.keys(await missingSearchAttributes(connection, namespace)).length === 0, {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    if (!registered) throw new StackError(`the cluster did not list image-agent's search attributes within 60 s after adding them`);
  } finally {
    await connection.close();
  }
}

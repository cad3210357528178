/** What every CLI command needs: configuration, a Temporal client and the object store, closed afterwards. */
import { loadConfig } from '../../config/loadConfig';
import { openObjectStore } from '../../security/objectEncryption';
import type { Generations } from '../generations';
import { connectClient } from '../temporalClient';

export async function withGenerations<T>(body: (g: Generations) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = openObjectStore(config);
  const client = await connectClient(config);
  try {
    return await body({ client, config, store });
  } finally {
    store.destroy();
    await client.connection.close();
  }
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

export const intOption = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`not an integer: ${v}`);
  return n;
};

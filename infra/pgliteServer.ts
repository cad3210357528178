/**
 * The embedded Postgres of the local stack: PGlite (Postgres compiled to WASM) with pgvector,
 * served over the Postgres wire protocol so the same `pg` code runs against it and a real server.
 * Usage: node dist/infra/pgliteServer.js <dataDir> <port>
 */
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

async function main(): Promise<void> {
  const [dataDir, portArg] = process.argv.slice(2);
  const port = Number(portArg);
  if (!dataDir || !Number.isInteger(port)) {
    console.error('usage: pgliteServer <dataDir> <port>');
    process.exit(2);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir, extensions: { vector } });
  // Workers, the API and the CLI each hold a small pool; PGlite runs one query at a time and
  // keeps a transaction on the connection that opened it.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 64 });
  await server.start();
  console.log(`pglite listening on 127.0.0.1:${port}, data in ${dataDir}`);
  const shutdown = async (): Promise<void> => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}

main().catch((err: unknown) => {
  console.error('pglite failed:', err);
  process.exit(1);
});

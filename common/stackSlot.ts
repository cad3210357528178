/**
 * Stack slots: one switch (IMAGE_AGENT_STACK_SLOT=0..9) that moves every local-stack port by 10 × slot,
 * so a second checkout, a helper or a fresh-clone CI check can run its own stack beside a developer's
 * without touching it. Only defaults move: a variable set explicitly always wins.
 */
import { z } from 'zod';

const STACK_SLOT_VAR = 'IMAGE_AGENT_STACK_SLOT';

/**
 * Slot-0 ports; every other port of a SeaweedFS or Postgres server is derived from these. All stay below
 * Linux's ephemeral range (32768-60999): a server restarted there can find its port taken by an outgoing
 * connection (EADDRINUSE), as PGlite on 55432 did under load.
 */
const BASE_PORTS = {
  temporal: 7233,
  temporalUi: 8233,
  s3: 8333,
  pglite: 25432,
  realPostgres: 25433,
  api: 8080,
  ops: 9464,
} as const;

const slotSchema = z.coerce.number().int().min(0).max(9);

function stackSlot(env: NodeJS.ProcessEnv): number {
  const raw = env[STACK_SLOT_VAR];
  if (raw === undefined || raw.trim() === '') return 0;
  const parsed = slotSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${STACK_SLOT_VAR} must be a whole number from 0 to 9, got "${raw}"`);
  return parsed.data;
}

function slotPort(base: number, slot: number): number {
  return base + 10 * slot;
}

/** The real PostgreSQL server's port (infra/ci/real-postgres.sh, and cluster mode's Temporal): REAL_PG_PORT, else the slot's. */
export function realPostgresPort(env: NodeJS.ProcessEnv = process.env): number {
  return env.REAL_PG_PORT ? Number(env.REAL_PG_PORT) : slotPort(BASE_PORTS.realPostgres, stackSlot(env));
}

/** The environment with the slot's port defaults filled in where a variable is unset. */
export function withStackSlot(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const slot = stackSlot(env);
  if (slot === 0) return env;
  const p = (base: number) => slotPort(base, slot);
  const defaults: Record<string, string> = {
    STACK_TEMPORAL_PORT: String(p(BASE_PORTS.temporal)),
    STACK_TEMPORAL_UI_PORT: String(p(BASE_PORTS.temporalUi)),
    STACK_S3_PORT: String(p(BASE_PORTS.s3)),
    STACK_PGLITE_PORT: String(p(BASE_PORTS.pglite)),
    STACK_OPS_PORT: String(p(BASE_PORTS.ops)),
    IMAGE_AGENT_API_PORT: String(p(BASE_PORTS.api)),
    TEMPORAL_ADDRESS: `localhost:${p(BASE_PORTS.temporal)}`,
    TEMPORAL_UI_URL: `http://localhost:${p(BASE_PORTS.temporalUi)}`,
    S3_ENDPOINT: `http://127.0.0.1:${p(BASE_PORTS.s3)}`,
    DATABASE_URL: `postgres://postgres@127.0.0.1:${p(BASE_PORTS.pglite)}/postgres`,
    STACK_DIR: `.stack/slot-${slot}`,
  };
  const filled: NodeJS.ProcessEnv = { ...env };
  for (const [k, v] of Object.entries(defaults)) if (filled[k] === undefined || filled[k] === '') filled[k] = v;
  return filled;
}

/**
 * SeaweedFS `weed mini` runs five servers, each with an HTTP and a gRPC port. All of them are pinned
 * relative to the S3 port (slot 0 gives SeaweedFS's own defaults for the HTTP ports), so two stacks
 * never share one.
 */
export function seaweedPortArgs(s3Port: number): string[] {
  return [
    `-s3.port=${s3Port}`,
    `-s3.port.grpc=${s3Port + 1}`,
    `-master.port=${s3Port + 1000}`,
    `-master.port.grpc=${s3Port + 1001}`,
    `-volume.port=${s3Port + 1007}`,
    `-volume.port.grpc=${s3Port + 1008}`,
    `-filer.port=${s3Port + 555}`,
    `-filer.port.grpc=${s3Port + 556}`,
    `-admin.port=${s3Port + 15313}`,
    `-admin.port.grpc=${s3Port + 15314}`,
  ];
}

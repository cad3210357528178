/** Postgres: per-user memory, tenants' keys and status, erasure tombstones. */
import { z } from 'zod';
import { configSection } from '../configSection';

export const databaseSettings = configSection(
  'Postgres',
  'Per-user memory, tenant status and erasure records. The local stack runs embedded PGlite over the wire protocol.',
  {
    DATABASE_URL: {
      schema: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL'),
      default: 'postgres://postgres@127.0.0.1:25432/postgres',
      // Not a secret as a whole: its password is masked wherever it is printed (redactUrl).
      description: 'Any Postgres; pgvector is used where present. A password in it is never printed.',
    },
  },
  (s) => s.DATABASE_URL,
);

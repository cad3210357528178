/** `image-agent erase --tenant T [--user U] [--grace 30s]`: erasure of a user's or a whole tenant's data (client/erasure.ts). */
import type { Command } from 'commander';
import { z } from 'zod';
import { durationMs } from '../../common/duration';
import { durationSchema, generateRequestSchema } from '../../common/requestSchema';
import { createPool } from '../../providers/database';
import { erase } from '../erasure';
import { UsageError } from '../usageError';
import { printJson, withGenerations } from './context';

const eraseFlags = z
  .object({
    tenant: generateRequestSchema.shape.tenantId,
    user: generateRequestSchema.shape.userId.optional(),
    grace: durationSchema,
    json: z.boolean().optional(),
  })
  .strict();

export function registerErase(program: Command): void {
  program
    .command('erase')
    .description(
      "stop a user's (or a whole tenant's) open runs, then delete their memory rows and stored objects; the user is refused new runs for " +
        'IMAGE_AGENT_ERASURE_TOMBSTONE; a whole tenant also loses its encryption keys (its histories stop decoding) and stays disabled until `tenant enable`',
    )
    .requiredOption('--tenant <tenant>', 'the tenant')
    .option('--user <user>', 'only this user (default: the whole tenant)')
    .option('--grace <duration>', 'how long cancelled runs get to close before they are terminated', '30 seconds')
    .option('--json', 'print JSON')
    .action((raw: unknown) => {
      const parsed = eraseFlags.safeParse(raw);
      if (!parsed.success) throw new UsageError(`erase: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const flags = parsed.data;
      return withGenerations(async (g) => {
        const pool = createPool(g.config.databaseUrl, 1);
        try {
          const record = await erase(g, pool, { tenant: flags.tenant, user: flags.user, graceMs: durationMs(flags.grace) });
          if (flags.json) printJson(record);
          else
            console.log(
              `erased ${flags.user !== undefined ? `user ${record.userTag} of ` : ''}tenant ${record.tenant}: ${record.runs} run(s) ` +
                `(${record.stopped.cancelled} cancelled, ${record.stopped.terminated} terminated), ${record.objects} object(s), ` +
                `${Object.values(record.rows).reduce((a, b) => a + b, 0)} row(s), ${record.keysDestroyed} key(s) destroyed; ` +
                (record.tombstonedUntil ? `new runs refused until ${record.tombstonedUntil}; ` : '') +
                (record.tenantDisabled ? `tenant disabled until \`image-agent tenant enable --tenant ${record.tenant}\`; ` : '') +
                `recorded at ${record.recordKey}`,
            );
        } finally {
          await pool.end();
        }
      });
    });
}

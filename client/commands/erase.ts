/** `image-agent erase --tenant T [--user U]`: erasure of a user's or a whole tenant's data (client/erasure.ts). */
import type { Command } from 'commander';
import { createPool } from '../../providers/database';
import { erase } from '../erasure';
import { printJson, withGenerations } from './context';

export function registerErase(program: Command): void {
  program
    .command('erase')
    .description("delete a user's memory rows and stored objects; for a whole tenant, also destroy its encryption keys (its histories stop decoding)")
    .requiredOption('--tenant <tenant>', 'the tenant')
    .option('--user <user>', 'only this user (default: the whole tenant)')
    .option('--json', 'print JSON')
    .action((flags: { tenant: string; user?: string; json?: boolean }) =>
      withGenerations(async (g) => {
        const pool = createPool(g.config.databaseUrl, 1);
        try {
          const record = await erase(g, pool, flags.tenant, flags.user);
          if (flags.json) printJson(record);
          else
            console.log(
              `erased ${flags.user !== undefined ? `user ${record.userTag} of ` : ''}tenant ${record.tenant}: ${record.runs} run(s), ${record.objects} object(s), ` +
                `${Object.values(record.rows).reduce((a, b) => a + b, 0)} row(s), ${record.keysDestroyed} key(s) destroyed; recorded at ${record.recordKey}`,
            );
        } finally {
          await pool.end();
        }
      }),
    );
}

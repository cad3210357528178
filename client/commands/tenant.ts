/** `image-agent tenant enable --tenant T`: an admin re-enables a tenant a whole-tenant erasure disabled (security/tenantStatus.ts). */
import type { Command } from 'commander';
import { z } from 'zod';
import { generateRequestSchema } from '../../common/requestSchema';
import { loadConfig } from '../../config/loadConfig';
import { openObjectStore } from '../../security/objectEncryption';
import { enableTenant } from '../../security/tenantStatus';
import { UsageError } from '../usageError';

const tenantFlags = z.object({ tenant: generateRequestSchema.shape.tenantId }).strict();

export function registerTenant(program: Command): void {
  const tenant = program.command('tenant').description('tenant administration');
  tenant
    .command('enable')
    .description('re-enable a tenant disabled by a whole-tenant erasure: it may start runs again, under a new data key')
    .requiredOption('--tenant <tenant>', 'the tenant')
    .action(async (raw: unknown) => {
      const parsed = tenantFlags.safeParse(raw);
      if (!parsed.success) throw new UsageError(`tenant enable: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
      // Only object storage: the tenant's marker lives there (Temporal need not be up).
      const store = openObjectStore(loadConfig());
      try {
        const was = await enableTenant(store, parsed.data.tenant);
        console.log(was ? `tenant ${parsed.data.tenant} enabled` : `tenant ${parsed.data.tenant} was not disabled`);
      } finally {
        store.destroy();
      }
    });
}

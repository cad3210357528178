/** Gives each activity its workflow's tenant, from the header workflows/tenantHeader.ts sets. */
import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { runWithTenant } from '../activities/currentWorkflow';
import { TENANT_HEADER } from '../common/tenantHeaderName';

export const tenantScope: ActivityInterceptorsFactory = () => ({
  inbound: {
    execute(input, next) {
      const header = input.headers[TENANT_HEADER];
      const tenant = header ? defaultPayloadConverter.fromPayload<unknown>(header) : undefined;
      return runWithTenant(typeof tenant === 'string' ? tenant : undefined, () => next(input));
    },
  },
});

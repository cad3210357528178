/** The activity header that carries the run's tenant (workflows/tenantHeader.ts → workers/tenantInterceptor.ts). */
export const TENANT_HEADER = 'image-agent-tenant';

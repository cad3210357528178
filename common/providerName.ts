/** A model provider as tenants and requests name it: a vendor, or one of its profiles (`openai:backup`; providers/fallback/modelChains.ts). */
import { z } from 'zod';

const providerNameSchema = z.string().regex(/^[a-z][a-z0-9-]*(:[a-z0-9_]{1,32})?$/, 'a provider is a vendor name, or vendor:profile');
export const providerListSchema = z.array(providerNameSchema).min(1).max(20);

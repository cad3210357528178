/** The configuration's sections, in the order the reference (docs/configuration.md) lists them. */
import type { Setting } from '../common/settings';
import type { ConfigSection } from './configSection';
import { apiSettings } from './settings/api';
import { databaseSettings } from './settings/database';
import { encryptionSettings } from './settings/encryption';
import { modelSettings } from './settings/models';
import { objectStorageSettings } from './settings/objectStorage';
import { operationsSettings } from './settings/operations';
import { reviewSettings } from './settings/review';
import { searchSettings } from './settings/search';
import { stackSettings } from './settings/stack';
import { temporalSettings } from './settings/temporal';
import { tenantSettings } from './settings/tenants';
import { workerSettings } from './settings/workers';

/**
 * Every section by the name loadConfig reads it under, in the order the reference lists them: the one list of
 * sections, so a section added here is parsed, masked and documented.
 */
export const SECTIONS = {
  temporal: temporalSettings,
  workers: workerSettings,
  s3: objectStorageSettings,
  database: databaseSettings,
  models: modelSettings,
  search: searchSettings,
  review: reviewSettings,
  tenants: tenantSettings,
  api: apiSettings,
  encryption: encryptionSettings,
  operations: operationsSettings,
  stack: stackSettings,
} as const;

export const CONFIG_SECTIONS = Object.values(SECTIONS) as readonly ConfigSection<Record<string, Setting>, unknown>[];

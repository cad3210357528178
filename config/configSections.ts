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
import { workerSettings } from './settings/workers';

export const CONFIG_SECTIONS: readonly ConfigSection<Record<string, Setting>, unknown>[] = [
  temporalSettings,
  workerSettings,
  objectStorageSettings,
  databaseSettings,
  modelSettings,
  searchSettings,
  reviewSettings,
  apiSettings,
  encryptionSettings,
  operationsSettings,
  stackSettings,
] as readonly ConfigSection<Record<string, Setting>, unknown>[];

/** `npm run docs:config`: writes the configuration reference (docs/configuration.md) from the settings' declarations. */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../common/paths';
import { CONFIG_REFERENCE_PATH, configReference } from '../config/configReference';

fs.mkdirSync(path.dirname(CONFIG_REFERENCE_PATH), { recursive: true });
fs.writeFileSync(CONFIG_REFERENCE_PATH, configReference());
console.log(`wrote ${path.relative(projectRoot, CONFIG_REFERENCE_PATH)}`);

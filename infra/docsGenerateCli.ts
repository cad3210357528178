/** `npm run docs:generate`: writes the generated references (docs/configuration.md, docs/cli.md, docs/http-api.md) from their sources. */
import fs from 'node:fs';
import path from 'node:path';
import { HTTP_API_REFERENCE_PATH, httpApiReference } from '../client/api/openApi';
import { CLI_REFERENCE_PATH, cliReference } from '../client/cliReference';
import { projectRoot } from '../common/paths';
import { CONFIG_REFERENCE_PATH, configReference } from '../config/configReference';

for (const [file, text] of [
  [CONFIG_REFERENCE_PATH, configReference()],
  [CLI_REFERENCE_PATH, cliReference()],
  [HTTP_API_REFERENCE_PATH, httpApiReference()],
] as const) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  console.log(`wrote ${path.relative(projectRoot, file)}`);
}

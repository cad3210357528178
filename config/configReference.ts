/**
 * The configuration reference (docs/configuration.md), generated from the settings' declarations: the
 * sections in config/settings/, then the model vendors and search backends with their own settings. A test
 * fails when the committed file differs; `npm run docs:generate` writes it.
 */
import path from 'node:path';
import { projectRoot } from '../common/paths';
import type { Setting } from '../common/settings';
import { modelVendors } from '../providers/modelVendors';
import { SEARCH_BACKENDS } from '../providers/search/searchBackends';
import { MODEL_ROLES } from '../common/modelRoles';
import { CHAINED_ROLES, profileVariable, roleFallbacksVariable } from '../providers/fallback/modelChains';
import { CONFIG_SECTIONS } from './configSections';
import { SETTINGS_READ_ELSEWHERE } from './settings/elsewhere';

export const CONFIG_REFERENCE_PATH = path.join(projectRoot, 'docs', 'configuration.md');

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string): string => `\`${text}\``;

/** Sorted by name: the lists' order depends on how the module namespace was compiled. */
const byName = <T extends { name: string }>(items: readonly T[]): T[] => [...items].sort((a, b) => a.name.localeCompare(b.name));

function defaultOf(setting: Setting): string {
  if (setting.defaultText) return setting.defaultText;
  if (setting.default === undefined) return '–';
  return setting.secret ? 'a local development value' : code(setting.default);
}

function sectionTable(settings: Record<string, Setting>): string[] {
  return [
    '| variable | default | what it does |',
    '| --- | --- | --- |',
    ...Object.entries(settings).map(([name, s]) => `| ${code(name)}${s.secret ? ' (secret)' : ''} | ${cell(defaultOf(s))} | ${cell(s.description)} |`),
  ];
}

function describedTable(settings: Record<string, { kind: string; description: string }>): string[] {
  if (!Object.keys(settings).length) return ['No settings of its own.'];
  return [
    '| variable | kind | what it does |',
    '| --- | --- | --- |',
    ...Object.entries(settings).map(([name, s]) => `| ${code(name)} | ${s.kind} | ${cell(s.description)} |`),
  ];
}

/** The reference's Markdown. */
export function configReference(): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from config/settings/, providers/modelVendorList.ts and providers/search/searchBackendList.ts by `npm run docs:generate`; do not edit by hand. -->',
    '',
    'Every setting is an environment variable, read and validated once when a process starts (`config/loadConfig.ts`): an invalid value stops the process with a line naming the variable. Secrets are masked in every message and never printed; `image-agent doctor` prints the rest.',
    '',
  ];
  for (const section of CONFIG_SECTIONS) {
    lines.push(`## ${section.title}`, '', ...(section.about ? [section.about, ''] : []), ...sectionTable(section.settings), '');
    // Each role's own vendor is read by name from the roles (common/modelRoles.ts): one row per role.
    if (section.title === 'Models') {
      lines.push('Each role’s own vendor, when it is not `IMAGE_AGENT_PROVIDERS`’s:', '', '| variable | default |', '| --- | --- |');
      lines.push(...MODEL_ROLES.map((role) => `| ${code(`IMAGE_AGENT_${role.toUpperCase()}_VENDOR`)} | \`IMAGE_AGENT_PROVIDERS\` |`), '');
      lines.push('Each role’s own fallback links, when they are not `IMAGE_AGENT_FALLBACKS`’s:', '', '| variable | default |', '| --- | --- |');
      lines.push(...CHAINED_ROLES.map((role) => `| ${code(roleFallbacksVariable(role))} | \`IMAGE_AGENT_FALLBACKS\` |`), '');
      lines.push(
        `A profile link's settings are its vendor's with the profile appended: \`openai:backup\` reads ${code(profileVariable('OPENAI_BASE_URL', 'backup'))} and ${code(profileVariable('OPENAI_API_KEY', 'backup'))}, never the unsuffixed ones.`,
        '',
      );
    }
  }
  lines.push(
    '## Read outside the process configuration',
    '',
    'The CLI’s defaults, the local stack’s slot, the build and the test tiers read these where they are used.',
    '',
    '| variable | read by | default | what it does |',
    '| --- | --- | --- | --- |',
    ...Object.entries(SETTINGS_READ_ELSEWHERE).map(
      ([name, s]) => `| ${code(name)} | ${s.readBy} | ${s.default ? code(s.default) : '–'} | ${cell(s.description)} |`,
    ),
    '',
  );
  lines.push(
    '## Model vendors',
    '',
    'Chosen for every role by `IMAGE_AGENT_PROVIDERS`, or for one role by `IMAGE_AGENT_<ROLE>_VENDOR`. A vendor’s settings are required only when it is chosen (unless marked optional).',
    '',
  );
  for (const vendor of byName(modelVendors())) lines.push(`### ${code(vendor.name)}`, '', vendor.about, '', ...describedTable(vendor.settings), '');
  lines.push(
    '## Search backends',
    '',
    'Chosen by `WEB_SEARCH_BACKEND` and `IMAGE_SEARCH_BACKEND`. A backend’s settings are required only when it is chosen (unless marked optional).',
    '',
  );
  for (const backend of byName(SEARCH_BACKENDS)) lines.push(`### ${code(backend.name)}`, '', backend.about, '', ...describedTable(backend.settings), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

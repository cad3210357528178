/**
 * Settings read outside loadConfig, by the one place that needs them: the CLI's defaults (through commander),
 * the stack's slot, the build, the test tiers. Declared here so the reference lists every variable the code
 * reads; each says who reads it.
 */
export interface SettingReadElsewhere {
  /** Who reads it. */
  readBy: string;
  default?: string;
  description: string;
}

export const SETTINGS_READ_ELSEWHERE: Record<string, SettingReadElsewhere> = {
  IMAGE_AGENT_TENANT: {
    readBy: 'the CLI',
    default: 'local',
    description: 'The tenant of `generate`, `session`, `batch`, `bench` and `list` when `--tenant` is not given.',
  },
  IMAGE_AGENT_USER: { readBy: 'the CLI', default: 'local-user', description: 'The user of `generate` and `session` when `--user` is not given.' },
  IMAGE_AGENT_REVIEWER: {
    readBy: 'the CLI',
    description: 'The reviewer id of `approve`, `reject` and the plan decisions when `--reviewer` is not given (default: your login name).',
  },
  IMAGE_AGENT_DEBUG: { readBy: 'the CLI', description: 'Set to `1` to print the original error (with its stack) after the one-line explanation.' },
  IMAGE_AGENT_STACK_SLOT: {
    readBy: 'every process',
    default: '0',
    description: 'Moves every port of the local stack by 10×N (1–9) and keeps its data in `.stack/slot-N`, so a second stack runs beside yours.',
  },
  IMAGE_AGENT_BUNDLE: {
    readBy: 'the orchestration worker',
    description: '`off` bundles the workflows at start instead of loading the prebuilt `dist/workflow-bundle.js`.',
  },
  IMAGE_AGENT_TOOL_CACHE: {
    readBy: 'the local stack and the test tiers',
    description:
      'Where the Temporal UI server the stack builds and the fast tier’s Java test server are cached (default `$XDG_CACHE_HOME/image-agent`, outside the clone).',
  },
  IMAGE_AGENT_TEMPORAL_UI: {
    readBy: 'the local stack',
    default: 'ui-server',
    description:
      '`dev` runs the dev server’s built-in Temporal UI (auditors then turn on *Include cross-origin credentials* in its Codec Server dialog) instead of the ui-server built from `infra/temporalUiServer/go.mod`; `stack:status` says which one runs.',
  },
  IMAGE_AGENT_KEEP_STACK: { readBy: 'the test tiers', description: '`1` leaves the local stack the tests started running, for a faster next run.' },
  IMAGE_AGENT_TEST_EMBEDDED_ONLY: {
    readBy: 'the test tiers',
    description: '`1` runs the Postgres tests on the embedded PGlite only, not also on a real server.',
  },
  IMAGE_AGENT_IMAGE: { readBy: 'infra/deploy/compose.yaml', default: 'image-agent:0.1.0', description: 'The container image compose runs.' },
};

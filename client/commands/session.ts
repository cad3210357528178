/** `image-agent session`: start or continue a conversation; each turn sees the earlier turns it needs. */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { projectRoot } from '../../common/paths';
import { copyFinalImages } from '../copyFinalImages';
import { submitTurn, turnResult } from '../sessionClient';
import { formatRun } from '../printRun';
import { runUiUrl } from '../temporalClient';
import { printJson, withGenerations } from './context';

export function registerSession(program: Command): void {
  program
    .command('session')
    .description('add a turn to a conversation (started on first use) and wait for its image')
    .argument('<request...>')
    .requiredOption('--session <id>', 'the conversation')
    .addOption(new Option('--tenant <id>', 'tenant').default('local').env('IMAGE_AGENT_TENANT'))
    .addOption(new Option('--user <id>', 'user').default('local-user').env('IMAGE_AGENT_USER'))
    .option('--size <WxH>', 'image size', '1024x1024')
    .addOption(new Option('--out <dir>', 'where to copy the images').default(path.join(projectRoot, 'out'), 'out/ in the clone'))
    .option('--json', 'print JSON')
    .action((words: string[], flags: { session: string; tenant: string; user: string; size: string; out: string; json?: boolean }) =>
      withGenerations(async (g) => {
        const conversation = { tenantId: flags.tenant, userId: flags.user, sessionId: flags.session, options: { size: flags.size } };
        const accepted = await submitTurn(g.client, g.config, conversation, { request: words.join(' ') }, undefined, g.store);
        if (!flags.json) console.log(`turn ${accepted.index} of session ${flags.session}: ${accepted.workflowId}`);
        const result = await turnResult(g.client, accepted);
        const copies = await copyFinalImages(g, result, flags.out, accepted.workflowId);
        if (flags.json) printJson({ accepted, result, copies });
        else console.log(formatRun(result, { copies, ui: runUiUrl(g.config, accepted.workflowId), bucket: g.config.s3.bucket }));
      }),
    );
}

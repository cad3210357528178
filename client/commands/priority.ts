/** `image-agent priority <run> <class>`: a run's place in its queues (client/runPriorityChange.ts). */
import { Argument, type Command } from 'commander';
import { describeClamps } from '../../common/resolveRunOptions';
import { PRIORITY_CLASSES, type PriorityClass } from '../../common/tenantPolicy';
import { changeRunPriority } from '../runPriorityChange';
import { printJson, withGenerations } from './context';

export function registerPriority(program: Command): void {
  program
    .command('priority')
    .description('move an open run (a generation, a batch or a session) ahead or behind in its queues')
    .argument('<workflowId>', 'the run')
    .addArgument(new Argument('<class>', 'its new class (no better than its tenant’s policy allows)').choices(PRIORITY_CLASSES))
    .option('--json', 'print JSON')
    .action(async (workflowId: string, priorityClass: PriorityClass, flags: { json?: boolean }) => {
      const changed = await withGenerations((g) => changeRunPriority(g, workflowId, priorityClass));
      if (flags.json) return printJson(changed);
      for (const line of describeClamps(changed.clamped)) console.error(`image-agent: ${line}`);
      console.log(`run ${workflowId} is now ${changed.priorityClass} (priority key ${changed.priorityKey}) for its tasks from now on`);
    });
}

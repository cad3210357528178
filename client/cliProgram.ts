/**
 * image-agent's command line as a commander program: one file per group of commands under client/commands/.
 * Built without parsing, so the docs can be generated from it and checked against it.
 */
import { Command } from 'commander';
import { registerBatch } from './commands/batch';
import { registerGenerate } from './commands/generate';
import { registerReview } from './commands/review';
import { registerErase } from './commands/erase';
import { registerRuns } from './commands/runs';
import { registerServe } from './commands/serve';
import { registerSession } from './commands/session';
import { registerTenant } from './commands/tenant';
import { registerPriority } from './commands/priority';
import { registerDoctor } from './commands/doctor';
import { registerBudget } from './commands/budget';
import { registerDeploy } from './commands/deploy';

export function buildProgram(): Command {
  const program = new Command('image-agent').description('agentic image generation on Temporal').showHelpAfterError();

  registerGenerate(program);
  registerReview(program);
  registerRuns(program);
  registerSession(program);
  registerServe(program);
  registerBatch(program);
  registerErase(program);
  registerTenant(program);
  registerPriority(program);
  registerBudget(program);
  registerDeploy(program);

  registerDoctor(program);
  return program;
}

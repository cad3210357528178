#!/usr/bin/env node
/** image-agent's command line (the program is client/cliProgram.ts). */
import { loadConfigIfValid } from '../config/loadConfig';
import { describeFailure } from '../common/describeFailure';
import { buildProgram } from './cliProgram';

buildProgram()
  .parseAsync()
  .catch((err: unknown) => {
    console.error(`image-agent: ${describeFailure(err, loadConfigIfValid())}`);
    if (process.env.IMAGE_AGENT_DEBUG) console.error(err);
    process.exit(1);
  });

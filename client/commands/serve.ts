/** `image-agent serve`: the HTTP API and the review page. */
import type { Command } from 'commander';
import { loadConfig } from '../../common/config';
import { ObjectStore } from '../../providers/objectStore';
import { buildApi } from '../api/apiServer';
import { connectClient } from '../temporalClient';
import { UsageError } from '../usageError';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API and the review page (tokens from IMAGE_AGENT_API_TOKENS)')
    .action(async () => {
      const config = loadConfig();
      if (!config.api.tokens.size) throw new UsageError('no API tokens: set IMAGE_AGENT_API_TOKENS="<token>:<tenant>,…" (the local stack makes one for you)');
      const client = await connectClient(config);
      const store = new ObjectStore(config.s3);
      const app = buildApi({ client, config, store });
      await app.listen({ host: config.api.host, port: config.api.port });
      console.log(`image-agent API on http://${config.api.host}:${config.api.port} (${config.api.tokens.size} token(s)); review page at /review`);
      const stop = async () => {
        await app.close();
        store.destroy();
        await client.connection.close();
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop());
      process.on('SIGINT', () => void stop());
    });
}

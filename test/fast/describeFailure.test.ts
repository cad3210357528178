/**
 * describeFailure names the dependency an error is classified as: a Postgres outage on any port reads as Postgres, not
 * as Temporal (its class name holds "Unavailable", which the gRPC rule once matched), and gRPC's UNAVAILABLE still
 * reads as Temporal.
 */
import { describeFailure } from '../../common/describeFailure';
import { loadConfig } from '../../config/loadConfig';
import { PostgresUnavailableError } from '../../providers/database';

const config = loadConfig({ IMAGE_AGENT_PROVIDERS: 'offline', PATH: process.env.PATH });

test('a classified Postgres outage is named as Postgres, with the fix, whatever port it failed on', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
  expect(describeFailure(new PostgresUnavailableError(refused), config)).toMatch(/^Postgres is unreachable at postgres:\/\/.*fix DATABASE_URL$/);
});

test('gRPC UNAVAILABLE is still Temporal', () => {
  expect(describeFailure(new Error('14 UNAVAILABLE: No connection established'), config)).toMatch(/^Temporal is unreachable at /);
});

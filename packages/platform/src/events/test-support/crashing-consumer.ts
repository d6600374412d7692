/**
 * Child process for the crash test: runs the bus with a slow consumer and
 * reports each applied (not yet committed) effect on stdout, until the parent
 * kills it with SIGKILL.
 */
import { createLogger } from '../../logger.js';
import { startEventBus } from '../bus.js';
import { fixtureConsumer, openFixtureDatabase } from './fixture.js';

const handle = await openFixtureDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR }, false);
await startEventBus({
  database: handle,
  logger: createLogger('crash-child', 'silent'),
  relaySources: ['bus_test'],
  jobExpirySeconds: 2,
  consumers: [
    fixtureConsumer({
      afterEffect: async (position) => {
        process.stdout.write(`applied ${position}\n`);
        await new Promise((r) => setTimeout(r, 5));
      },
    }),
  ],
});
process.stdout.write('ready\n');

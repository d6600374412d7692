/**
 * `pnpm start`: runs the platform until SIGINT/SIGTERM, then shuts down
 * cleanly. With GATEWAY_WORKERS > 1 this process only supervises that many
 * worker processes (cluster.ts), each running the platform.
 */
import { EnvError } from '@platform/core';
import { isClusterWorker, runClusterPrimary } from './cluster.js';
import { startPlatform } from './platform.js';
import { loadGatewaySettings } from './settings.js';

try {
  const settings = loadGatewaySettings();
  if (settings.GATEWAY_WORKERS > 1 && !isClusterWorker()) await runClusterPrimary(settings);
  else await runOne(settings);
} catch (err) {
  if (err instanceof EnvError) {
    console.error(err.message);
    process.exit(78);
  }
  throw err;
}

async function runOne(settings: ReturnType<typeof loadGatewaySettings>) {
  const platform = await startPlatform(settings);
  const mode = settings.GATEWAY_MODE === 'embedded' ? `embedded, ${platform.database?.kind === 'pglite' ? `PGlite in ${settings.DATA_DIR}/pglite` : 'PostgreSQL'}` : 'distributed';
  if (!isClusterWorker()) {
    console.log(`\n  B2B Ops Platform is up (${mode})\n  GraphQL + explorer: ${platform.url}/graphql\n  Health: ${platform.url}/health   Ready: ${platform.url}/ready\n`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!isClusterWorker()) console.log(`\n  ${signal} received, shutting down…`);
    await platform.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * Several gateway processes sharing one port (node:cluster), so the gateway
 * uses every core: Node runs JavaScript on one thread, and the gateway's work
 * (parsing, planning, merging subgraph results) is CPU-bound. Each worker is a
 * whole, stateless platform process, exactly like a replica behind a load
 * balancer: shared state lives in PostgreSQL (rate-limit buckets, outbox,
 * LISTEN/NOTIFY fan-out), which is why the embedded PGlite (one process only)
 * refuses more than one worker.
 *
 * The primary only forks, restarts a worker that dies (at most once a second,
 * so a crash loop does not spin), and passes SIGINT/SIGTERM on.
 */
import cluster, { type Worker } from 'node:cluster';
import { EnvError } from '@platform/core';
import { resolveSecrets } from './platform.js';
import type { GatewaySettings } from './settings.js';

export async function runClusterPrimary(settings: GatewaySettings): Promise<void> {
  const workers = settings.GATEWAY_WORKERS;
  if (settings.GATEWAY_MODE === 'embedded' && !settings.DATABASE_URL) {
    throw new EnvError(`GATEWAY_WORKERS=${workers} needs PostgreSQL (DATABASE_URL): the embedded PGlite lives in one process`);
  }
  // Development secrets are generated once, here, so the workers do not race to create different ones.
  await resolveSecrets(settings);
  let stopping = false;
  let lastRestart = 0;
  const fork = (): Worker => cluster.fork({ GATEWAY_WORKER: '1' });
  for (let i = 0; i < workers; i++) fork();

  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    listening += 1;
    if (listening === workers) console.log(`\n  B2B Ops Platform is up: ${workers} gateway workers on port ${address.port}\n  GraphQL + explorer: http://localhost:${address.port}/graphql\n`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`gateway worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    const wait = Math.max(0, lastRestart + 1_000 - Date.now());
    lastRestart = Date.now() + wait;
    setTimeout(fork, wait);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n  ${signal} received, stopping ${workers} workers…`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export const isClusterWorker = () => cluster.isWorker;

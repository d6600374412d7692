/**
 * What every benchmark starts with: a fresh PostgreSQL database on the server
 * DATABASE_URL names (default postgres://postgres@127.0.0.1:5432/postgres),
 * dropped at the end and also on Ctrl-C / kill; the whole platform (gateway,
 * subgraphs, event bus) started in this process in embedded mode on it (or,
 * for bench/gateway, the database alone: it runs the platform in server
 * processes of its own); and child processes (seeding, load clients) that
 * report back over IPC, so their CPU and memory are not the platform's.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { createLogger } from '@platform/core';
import type { RunningPlatform } from '@platform/gateway/platform';
import type { AppDatabase } from '../db/src/index.js';
import { createTestDatabase } from '../tests/support/database.js';

export interface BenchPlatform {
  platform: RunningPlatform;
  /** The application role's connection (RLS applies). */
  db: AppDatabase;
  /** Admin URL of the benchmark's database (migrations, VACUUM). */
  databaseUrl: string;
  /** Stops the platform and drops the database (unless `keepDatabase`, to look at the data afterwards). */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

export interface BenchDatabase {
  /** Admin URL of the fresh database. */
  databaseUrl: string;
  drop(): Promise<void>;
}

/**
 * A fresh database on the DATABASE_URL server, dropped by `drop()` and also on
 * Ctrl-C / kill, after `onInterrupt` (a benchmark's child processes stop first).
 */
export async function createBenchDatabase(options: { log: (line: string) => void; onInterrupt?: () => Promise<void> }): Promise<BenchDatabase> {
  const { log } = options;
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  const testDatabase = await createTestDatabase();
  // Interrupted (Ctrl-C, kill): still drop the benchmark's database (WITH (FORCE) ends the platform's connections).
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${signal}: dropping the benchmark database`);
      // DROP ... WITH (FORCE) cuts the platform's connections mid-query; their errors must not end the process before the drop does.
      process.on('uncaughtException', () => {});
      process.on('unhandledRejection', () => {});
      void Promise.resolve(options.onInterrupt?.())
        .catch((err: unknown) => log(`could not stop child processes: ${String(err)}`))
        .then(() => testDatabase.drop())
        .catch((err: unknown) => log(`could not drop the database: ${String(err)}`))
        .finally(() => process.exit(130));
    });
  }
  return { databaseUrl: testDatabase.databaseUrl!, drop: () => testDatabase.drop() };
}

/**
 * `env` adds gateway settings (e.g. turning a scheduled task off);
 * `beforeStart` runs on the fresh database before the platform connects.
 */
export async function startBenchPlatform(options: { env?: Record<string, string>; log: (line: string) => void; beforeStart?: (databaseUrl: string) => Promise<void> }): Promise<BenchPlatform> {
  const { log } = options;
  // Loaded here rather than at the top: a benchmark that runs the platform in child processes (bench/gateway) uses the rest of this file without it.
  const { startPlatform, testSecrets } = await import('@platform/gateway/platform');
  const { loadGatewaySettings } = await import('@platform/gateway/settings');
  const testDatabase = await createBenchDatabase({ log });
  const { databaseUrl } = testDatabase;
  await options.beforeStart?.(databaseUrl);
  const settings = loadGatewaySettings([], { PORT: '0', DATA_DIR: 'memory://', NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, ...options.env });
  const platform = await startPlatform(settings, { logger: createLogger('bench', 'warn'), secrets: await testSecrets(), quota: false });
  log(`platform up at ${platform.url} on PostgreSQL (${new URL(databaseUrl).pathname.slice(1)})`);
  return {
    platform,
    db: platform.database!.db,
    databaseUrl,
    async close({ keepDatabase = false } = {}) {
      await platform.close();
      if (keepDatabase) log(`database kept: ${databaseUrl} (drop it with DROP DATABASE ${new URL(databaseUrl).pathname.slice(1)})`);
      else await testDatabase.drop();
    },
  };
}

export interface Child {
  process: ChildProcess;
  /** The next message of this kind; other messages go to `onOther`. Rejects if the child exits first. */
  next: <T>(kind: string, onOther?: (m: Record<string, unknown>) => void) => Promise<T>;
}

/** Forks `dir/file` under tsx, sharing this process's stdout and stderr. */
export function forkChild(dir: string, file: string): Child {
  const proc = fork(path.join(dir, file), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    process: proc,
    next: <T>(kind: string, onOther?: (m: Record<string, unknown>) => void) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (m: Record<string, unknown>) => {
          if (m.kind !== kind) return onOther?.(m);
          proc.off('message', onMessage);
          proc.off('exit', onExit);
          resolve(m as T);
        };
        const onExit = (code: number | null) => reject(new Error(`${file} exited with ${code} before sending ${kind}`));
        proc.on('message', onMessage);
        proc.once('exit', onExit);
      }),
  };
}

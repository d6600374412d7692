/**
 * The database client factory. Without DATABASE_URL the platform runs on an
 * embedded PostgreSQL (PGlite) kept in a local directory; with it, on real
 * PostgreSQL through the `postgres` driver.
 *
 * Either way application queries run as the role `platform_app`, which owns no
 * table and cannot bypass row-level security. Migrations run as the admin
 * (the connecting superuser) before the application role takes over.
 */
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { pgliteExecutor, postgresExecutor, type SqlExecutor } from './events/sql-executor.js';
import { APP_ROLE, runMigrations } from './migrate.js';
import { ObservedPGlite, postgresDebug, type StatementObserver } from './statement-observer.js';

export type AppDatabase = PgDatabase<PgQueryResultHKT>;

export interface DatabaseHandle {
  /** drizzle over the application role (RLS enforced). */
  db: AppDatabase;
  kind: 'pglite' | 'postgres';
  /** Raw SQL as the application role, for the job queue (pg-boss). */
  jobs: SqlExecutor;
  /**
   * LISTEN on a channel. PGlite delivers notifications of its own single
   * connection; on PostgreSQL the driver keeps one dedicated connection for all
   * listeners and re-listens after reconnecting. Returns the unlisten function.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Cheap liveness query, used by /ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Admin URL (migrations). Unset → embedded PGlite. */
  databaseUrl?: string;
  /** URL of the application role; derived from databaseUrl when unset. */
  appDatabaseUrl?: string;
  /** PGlite data directory; `memory://` keeps everything in memory. */
  dataDir?: string;
  /** Apply migrations before returning (default true). */
  migrate?: boolean;
  /** Pool size for the application role on PostgreSQL. */
  poolSize?: number;
  /**
   * Told every statement the application role sends, BEGIN and COMMIT
   * included (statement-observer.ts); for counting statements in tests,
   * usually `recordStatement` (statement-counter.ts). Unset: no hook at all.
   */
  onStatement?: StatementObserver;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

async function openPglite(options: DatabaseOptions): Promise<DatabaseHandle> {
  const dataDir = options.dataDir ?? 'memory://';
  const client = options.onStatement ? new ObservedPGlite(dataDir, options.onStatement) : new PGlite(dataDir);
  await client.waitReady;
  if (options.migrate !== false) await runMigrations({ kind: 'pglite', client });
  // PGlite has a single connection, opened as its superuser. Dropping to the
  // application role makes every later query subject to RLS. Unlike a real
  // server, code in this process could RESET ROLE; the PostgreSQL mode, where the
  // application logs in as platform_app, has no such escape (docs/security.md).
  await client.exec(`SET ROLE ${APP_ROLE}`);
  const db = drizzlePglite(client) as unknown as AppDatabase;
  return {
    db,
    kind: 'pglite',
    jobs: pgliteExecutor(client),
    listen: async (channel, onNotify) => client.listen(channel, onNotify),
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}

async function openPostgres(databaseUrl: string, options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.migrate !== false) {
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await runMigrations({ kind: 'postgres', client: admin });
    } finally {
      await admin.end();
    }
  }
  const appUrl = options.appDatabaseUrl ?? deriveAppUrl(databaseUrl);
  const sql = postgres(appUrl, {
    max: options.poolSize ?? 10,
    onnotice: () => {},
    idle_timeout: 30,
    ...(options.onStatement ? { debug: postgresDebug(options.onStatement) } : {}),
  });
  const db = drizzlePostgres(sql) as unknown as AppDatabase;
  return {
    db,
    kind: 'postgres',
    jobs: postgresExecutor(sql),
    listen: async (channel, onNotify) => {
      const { unlisten } = await sql.listen(channel, onNotify);
      return unlisten;
    },
    ping: async () => {
      await sql`select 1`;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Same server and database as the admin URL, logged in as the application role. */
export function deriveAppUrl(databaseUrl: string, password = process.env.DB_APP_PASSWORD): string {
  const url = new URL(databaseUrl);
  url.username = APP_ROLE;
  url.password = password ?? '';
  return url.toString();
}

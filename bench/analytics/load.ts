/**
 * Writes the generator's chunks for the benchmark tenant and does the
 * admin work around it. The inserts run in the tenant's scope as the
 * application role, as bench/billing/seed.ts does (row-level security checks
 * every row's tenant_id); VACUUM, deleting the ingestion test's events and the
 * size figures use the admin connection.
 */
import { type AdminClient, adminClient as postgres } from '../admin-client.js';
import { type AppDatabase, inScope, transactionExecutor } from '../../db/src/index.js';
import { num } from '../billing/report.js';
import { chunkParameters, INSERT_CHUNK, planLoad } from './generator.js';


const CHUNK_EVENTS = 500_000;

export interface LoadResult {
  events: number;
  seconds: number;
  vacuumSeconds: number;
}

/**
 * Loads `count` events spread over the 90 days before `now`. `sessionBase`
 * must differ between loads into the same tenant (it seeds ids and hashes).
 */
export async function loadEvents(
  db: AppDatabase,
  databaseUrl: string,
  tenantId: string,
  options: { count: number; now: Date; sessionBase: number; log: (line: string) => void },
): Promise<LoadResult> {
  const plan = planLoad(options.count, options.now, CHUNK_EVENTS);
  const started = performance.now();
  let written = 0;
  for (const [i, chunk] of plan.chunks.entries()) {
    const chunkStarted = performance.now();
    await inScope(db, { tenantId, accountId: null }, (tx) => transactionExecutor(tx).executeSql(INSERT_CHUNK, chunkParameters(tenantId, plan, chunk, options.sessionBase)));
    written += chunk.events;
    const first = chunk.days[0]!.day;
    const last = chunk.days.at(-1)!.day;
    const seconds = (performance.now() - started) / 1000;
    options.log(
      `  chunk ${i + 1}/${plan.chunks.length}: days ${first}–${last}, ${num(chunk.events)} events in ${((performance.now() - chunkStarted) / 1000).toFixed(1)} s; ${num(written)} / ${num(options.count)} (${((100 * written) / options.count).toFixed(0)} %), ${num(written / seconds)} events/s`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const vacuumStarted = performance.now();
  await withAdmin(databaseUrl, (sql) => sql.unsafe('VACUUM (ANALYZE) analytics.events'));
  return { events: written, seconds, vacuumSeconds: (performance.now() - vacuumStarted) / 1000 };
}

export async function withAdmin<T>(databaseUrl: string, work: (sql: AdminClient) => Promise<T>): Promise<T> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

/** Removes the tenant's events (the ingestion test on the empty table) and vacuums, so the loads start from nothing. */
export async function clearTenantEvents(databaseUrl: string, tenantId: string): Promise<void> {
  await withAdmin(databaseUrl, async (sql) => {
    await sql.unsafe('DELETE FROM analytics.events WHERE tenant_id = $1', [tenantId]);
    await sql.unsafe('DELETE FROM analytics.usage_dirty WHERE tenant_id = $1', [tenantId]);
    await sql.unsafe('VACUUM (ANALYZE) analytics.events, analytics.usage_dirty');
  });
}

/** Rows of the tenant and the on-disk size of the table and of its indexes. */
export async function tableFigures(databaseUrl: string, tenantId: string): Promise<{ rows: number; tableBytes: number; indexBytes: number }> {
  return withAdmin(databaseUrl, async (sql) => {
    const [r] = await sql.unsafe(
      `SELECT (SELECT count(*) FROM analytics.events WHERE tenant_id = $1) AS rows,
              pg_table_size('analytics.events') AS table_bytes, pg_indexes_size('analytics.events') AS index_bytes`,
      [tenantId],
    );
    return { rows: Number(r!.rows), tableBytes: Number(r!.table_bytes), indexBytes: Number(r!.index_bytes) };
  });
}

/**
 * Diagnostics written to PostgreSQL's server log for the benchmark's database,
 * set before the platform connects (settings apply to new sessions):
 * --log-slow MS logs the text and parameters of every statement slower than
 * MS ms (no cost to the others; EXPLAIN them afterwards with --keep-database);
 * --explain MS logs their plans (EXPLAIN ANALYZE, BUFFERS) through
 * auto_explain, which instruments every statement and so slows them all a little.
 */
export async function logSlowStatements(databaseUrl: string, options: { statementsMs?: number; plansMs?: number }): Promise<void> {
  const settings: [string, string][] = [];
  if (options.statementsMs !== undefined) settings.push(['log_min_duration_statement', `${options.statementsMs}ms`]);
  if (options.plansMs !== undefined) {
    settings.push(
      ['session_preload_libraries', 'auto_explain'],
      ['auto_explain.log_min_duration', `${options.plansMs}ms`],
      ['auto_explain.log_analyze', 'on'],
      ['auto_explain.log_buffers', 'on'],
      ['auto_explain.log_nested_statements', 'on'],
    );
  }
  const name = new URL(databaseUrl).pathname.slice(1);
  await withAdmin(databaseUrl, async (sql) => {
    for (const [setting, value] of settings) await sql.unsafe(`ALTER DATABASE ${name} SET ${setting} = '${value}'`);
  });
}

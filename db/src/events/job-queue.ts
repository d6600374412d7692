/**
 * Installs the job queue (pg-boss 10) in the `pgboss` schema, as the admin,
 * during migrations. At run time the platform uses pg-boss as the application
 * role, which owns nothing: it gets DML on the queue tables, and creating a
 * queue (a new partition of pgboss.job, which only the owner may attach) goes
 * through pg-boss's own create_queue function turned SECURITY DEFINER.
 * Queue tables hold no tenant-owned rows of their own, only event envelopes
 * in transit, so they are outside row-level security (docs/security.md).
 */
import PgBoss from 'pg-boss';
import { APP_ROLE } from './app-role.js';
import type { SqlExecutor } from './sql-executor.js';

export const JOB_SCHEMA = 'pgboss';

export async function installJobQueue(admin: SqlExecutor): Promise<void> {
  const boss = new PgBoss({ db: admin, schema: JOB_SCHEMA, migrate: true, supervise: false, schedule: false } as PgBoss.ConstructorOptions);
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
  for (const statement of [
    `ALTER FUNCTION ${JOB_SCHEMA}.create_queue(text, json) SECURITY DEFINER SET search_path = pg_catalog, ${JOB_SCHEMA}`,
    `GRANT USAGE ON SCHEMA ${JOB_SCHEMA} TO ${APP_ROLE}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${JOB_SCHEMA} TO ${APP_ROLE}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${JOB_SCHEMA} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE}`,
  ]) {
    await admin.executeSql(statement);
  }
}

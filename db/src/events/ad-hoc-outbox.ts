/**
 * DDL for an outbox in a schema that has no migrations of its own: the test
 * fixtures and benchmarks use it to publish events the way a subgraph that
 * does not exist yet will (analytics' usage.recorded, billing's payments).
 * Same columns, RLS, grants and NOTIFY trigger as a migrated outbox.
 */
import postgres from 'postgres';
import type { DatabaseHandle } from '../client.js';
import { APP_ROLE } from './app-role.js';

export function adHocOutboxSql(schema: string, extraTables = ''): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return `
CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${schema}.outbox (
  position bigserial PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE, tenant_id uuid NOT NULL,
  type text NOT NULL, aggregate_type text NOT NULL, aggregate_id text NOT NULL, payload jsonb NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz);
CREATE INDEX IF NOT EXISTS outbox_unpublished ON ${schema}.outbox (published_at, position);
CREATE INDEX IF NOT EXISTS outbox_aggregate ON ${schema}.outbox (aggregate_type, aggregate_id, position);
${extraTables}
GRANT USAGE ON SCHEMA ${schema} TO ${APP_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${APP_ROLE};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${APP_ROLE};
SELECT platform.isolate_by_tenant(c.oid::regclass) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = '${schema}' AND c.relkind = 'r' AND NOT c.relforcerowsecurity;
DROP TRIGGER IF EXISTS outbox_notify ON ${schema}.outbox;
CREATE TRIGGER outbox_notify AFTER INSERT ON ${schema}.outbox FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_outbox();
`;
}

/**
 * Creates such an outbox (plus `extraTables`) as the admin: over `adminUrl` on
 * PostgreSQL, or on PGlite by stepping its single session back up to the
 * superuser for the set-up and down to the application role again.
 */
export async function createAdHocOutbox(database: Pick<DatabaseHandle, 'jobs'>, adminUrl: string | undefined, schema: string, extraTables = ''): Promise<void> {
  const ddl = adHocOutboxSql(schema, extraTables);
  if (adminUrl) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(ddl);
    } finally {
      await admin.end();
    }
  } else {
    await database.jobs.executeSql(`RESET ROLE; ${ddl} SET ROLE ${APP_ROLE};`);
  }
}

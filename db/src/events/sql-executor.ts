/**
 * pg-boss talks to the database through `{ executeSql(text, values) }`. These
 * adapters give it our connections instead of its own `pg` pool, which is what
 * lets the job queue run on the embedded PGlite as well as on PostgreSQL, and
 * lets the relay enqueue jobs inside the transaction that claims the events.
 */
import type { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import type { Sql } from 'postgres';
import { rowsOf } from '../rows.js';
import type { Tx } from '../tenant-scope.js';

export interface SqlResult {
  rows: Record<string, unknown>[];
}

export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<SqlResult>;
}

/** On PGlite: parameterised text goes through the extended protocol, plain text (pg-boss's multi-statement scripts) through exec. */
export function pgliteExecutor(client: Pick<PGlite, 'query' | 'exec'>): SqlExecutor {
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) return (await client.query(text, values as unknown[])) as SqlResult;
      const results = await client.exec(text);
      return (results.at(-1) ?? { rows: [] }) as SqlResult;
    },
  };
}

const TRANSACTION_SCRIPT = /^\s*BEGIN;([\s\S]*)COMMIT;?\s*$/i;

/**
 * On PostgreSQL: `unsafe` uses the simple protocol when there are no
 * parameters, so scripts work too. A pooled client refuses a script that opens
 * its own transaction (pg-boss's locked maintenance commands), so those run
 * inside `begin` on one reserved connection instead.
 */
export function postgresExecutor(client: Sql): SqlExecutor {
  return {
    async executeSql(text, values) {
      const script = !values?.length ? TRANSACTION_SCRIPT.exec(text) : null;
      if (script) {
        await client.begin((tx) => tx.unsafe(script[1]!));
        return { rows: [] };
      }
      const result = await client.unsafe(text, (values ?? []).map(asPgValue) as never[]);
      // A multi-statement script answers with one row list per statement.
      const last = Array.isArray(result) && Array.isArray(result[0]) ? result.at(-1) : result;
      return { rows: [...((last ?? []) as Record<string, unknown>[])] };
    },
  };
}

/**
 * Runs pg-boss statements inside a drizzle transaction (either driver), by
 * turning `$1`-style placeholders into bound parameters.
 */
export function transactionExecutor(tx: Tx): SqlExecutor {
  return {
    async executeSql(text, values = []) {
      return { rows: [...rowsOf(await tx.execute(positional(text, values)))] };
    },
  };
}

function positional(text: string, values: unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      if (parts[i]) chunks.push(sql.raw(parts[i]!));
    } else {
      chunks.push(sql`${sql.param(asPgValue(values[Number(parts[i]) - 1]))}`);
    }
  }
  return sql.join(chunks);
}

/**
 * Values as node-postgres (which pg-boss is written for) would send them:
 * undefined as NULL, dates as ISO text, plain objects as JSON text.
 */
function asPgValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(asPgValue);
  if (typeof value === 'object' && !(value instanceof Uint8Array)) return JSON.stringify(value);
  return value;
}

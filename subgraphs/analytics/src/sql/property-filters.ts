/**
 * Turns property filters into SQL predicates on an event row's `properties`.
 * Keys and values are always bound parameters. Numeric comparisons apply only
 * to JSON numbers (a CASE, because PostgreSQL does not promise to evaluate an
 * AND's left side first), so a string property never raises a cast error.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { PropertyFilter } from '../services/query-inputs.js';

export function propertyPredicate(filter: PropertyFilter, properties: SQL = sql`properties`): SQL {
  const key = filter.key;
  const text = sql`(${properties} ->> ${key}::text)`;
  const value = filter.value ?? '';
  switch (filter.operator) {
    case 'EQUALS':
      return sql`${text} = ${value}::text`;
    case 'NOT_EQUALS':
      return sql`${text} IS DISTINCT FROM ${value}::text`;
    case 'CONTAINS':
      return sql`strpos(lower(${text}), lower(${value}::text)) > 0`;
    case 'NOT_CONTAINS':
      return sql`coalesce(strpos(lower(${text}), lower(${value}::text)) = 0, true)`;
    case 'IS_SET':
      return sql`${properties} ? ${key}::text`;
    case 'IS_NOT_SET':
      return sql`NOT (${properties} ? ${key}::text)`;
    case 'GT':
    case 'GTE':
    case 'LT':
    case 'LTE': {
      const op = sql.raw({ GT: '>', GTE: '>=', LT: '<', LTE: '<=' }[filter.operator]);
      const json = sql`(${properties} -> ${key}::text)`;
      return sql`(CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::numeric ${op} ${Number(value)}::numeric ELSE false END)`;
    }
  }
}

/** Every filter must hold; `true` without filters. */
export function allProperties(filters: readonly PropertyFilter[], properties?: SQL): SQL {
  if (filters.length === 0) return sql`true`;
  return sql.join(
    filters.map((f) => sql`(${propertyPredicate(f, properties)})`),
    sql` AND `,
  );
}

/**
 * A JS array as one SQL parameter, for `unnest(...)` and `= ANY(...)`; both
 * drivers (postgres.js and PGlite) send it as a PostgreSQL array. Cast it in
 * the statement (`::uuid[]`, `::text[]`); pass timestamps as ISO strings in a
 * `::text[]` and cast the elements, since postgres.js cannot serialise a
 * `timestamptz[]` of Dates.
 */
import { sql } from 'drizzle-orm';

export function sqlArray(values: readonly unknown[]) {
  return sql.param(values);
}

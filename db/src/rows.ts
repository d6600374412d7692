/** The rows of a raw `execute` result: drizzle returns `{ rows }` on PGlite and an array on postgres-js. */
export function rowsOf<R = Record<string, unknown>>(result: unknown): R[] {
  return Array.isArray(result) ? (result as R[]) : ((result as { rows: R[] }).rows ?? []);
}

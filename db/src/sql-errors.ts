/** Recognising PostgreSQL's errors and ids the same way on both drivers (postgres.js and PGlite, possibly wrapped by drizzle). */

/** PostgreSQL unique_violation (23505), optionally of one named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (let e = err; e; e = (e as { cause?: unknown }).cause) {
    const { code, constraint_name, constraint: c } = e as { code?: string; constraint_name?: string; constraint?: string };
    if (code === '23505') return !constraint || constraint_name === constraint || c === constraint;
  }
  return false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id that cannot be a uuid names nothing; checking first keeps PostgreSQL from failing the cast. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A database of its own for each test file: with DATABASE_URL, a fresh
 * PostgreSQL database on that server (dropped afterwards); without it, an
 * in-memory PGlite. Tests never share or truncate data.
 */
import postgres from 'postgres';

export interface TestDatabase {
  /** Admin URL of the fresh database, or undefined for PGlite. */
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL;
  if (!server) return { databaseUrl: undefined, drop: async () => {} };
  const name = `test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    async drop() {
      const a = postgres(server, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/**
 * A PostgreSQL connection as the admin (the benchmark's database owner), for
 * seeding and VACUUM. The root package does not depend on the driver; the db
 * package does, so it is loaded from there (as the tests' database helper does).
 */
import { createRequire } from 'node:module';
import path from 'node:path';

export type AdminClient = { unsafe(query: string, values?: unknown[]): Promise<Record<string, unknown>[]>; end(): Promise<void> };

export const adminClient = createRequire(path.resolve(import.meta.dirname, '../db/package.json'))('postgres') as (url: string, options: object) => AdminClient;

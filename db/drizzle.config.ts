import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./db/src/tenancy/tables.ts', './db/src/customer-success/tables.ts', './db/src/billing/tables.ts', './db/src/analytics/tables.ts'],
  out: './db/migrations',
  casing: 'snake_case',
});

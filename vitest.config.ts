import { defineConfig } from 'vitest/config';

// One run covers unit, integration and end-to-end tests. Each test file makes its
// own database (PGlite in memory, or a fresh PostgreSQL database when DATABASE_URL
// is set), so files run in parallel without sharing state.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'db/src/**/*.test.ts', 'subgraphs/*/src/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts', 'gateway/src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});

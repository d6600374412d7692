import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One run covers unit, integration and end-to-end tests. Each test file makes its
// own database (PGlite in memory, or a fresh PostgreSQL database when DATABASE_URL
// is set), so files run in parallel without sharing state.
export default defineConfig({
  // One graphql instance: Vite would pick graphql's ESM build for test files while
  // Apollo (run by Node) loads the CommonJS one, and graphql refuses to mix them.
  resolve: { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'db/src/**/*.test.ts', 'subgraphs/*/src/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts', 'gateway/src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

/** Parses SUBGRAPH_TIMEOUTS_MS, the per-subgraph overrides of SUBGRAPH_TIMEOUT_MS (docs/resilience.md). */
import { z } from 'zod';

export const SUBGRAPH_NAMES = ['tenancy', 'customer-success', 'billing', 'analytics'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const MAX_TIMEOUT_MS = 600_000;

/** `analytics=30000,billing=5000` → `{ analytics: 30000, billing: 5000 }`; a name that is not a subgraph (a typo) stops start-up. */
export const timeoutOverrides = z
  .string()
  .trim()
  .regex(/^$|^[a-z-]+=\d+(,[a-z-]+=\d+)*$/, 'expected name=milliseconds pairs separated by commas, e.g. analytics=30000,billing=5000')
  .transform((list) => Object.fromEntries(list ? list.split(',').map((pair) => pair.split('=')).map(([name, ms]) => [name, Number(ms)]) : []))
  .pipe(z.partialRecord(z.enum(SUBGRAPH_NAMES), z.number().int().min(1).max(MAX_TIMEOUT_MS)));

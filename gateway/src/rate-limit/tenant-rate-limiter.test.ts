/**
 * The limiter's own policies: it falls back to memory (and says so once)
 * while the shared store fails or stalls, and it sends a tenant's refunds as
 * one charge, not one per request.
 */
import { createLogger } from '@platform/core';
import { describe, expect, it } from 'vitest';
import type { BucketStore } from './bucket-store.js';
import { MemoryBucketStore } from './memory-bucket-store.js';
import { TenantRateLimiter } from './tenant-rate-limiter.js';

const bucket = { capacity: 10, restoreRate: 1 };
/** Memory buckets on a stopped clock: nothing leaks, so levels are exact. */
const stoppedMemory = () => new MemoryBucketStore(() => 0);

/** A shared store that records its charges, and can be told to fail or to hang. */
function sharedStore() {
  const memory = stoppedMemory();
  const calls: [string, number][] = [];
  const state = { mode: 'up' as 'up' | 'down' | 'hung' };
  const store: BucketStore = {
    kind: 'database',
    async take(tenantId, cost, b) {
      calls.push([tenantId, cost]);
      if (state.mode === 'down') throw new Error('connection refused');
      if (state.mode === 'hung') return new Promise(() => {});
      return memory.take(tenantId, cost, b);
    },
    close: async () => {},
  };
  return { store, calls, state };
}

function recordingLogger() {
  const warnings: string[] = [];
  const logger = createLogger('test', 'silent');
  logger.warn = ((_obj: unknown, msg?: string) => void warnings.push(msg ?? '')) as typeof logger.warn;
  return { logger, warnings };
}

describe('TenantRateLimiter', () => {
  it('charges the shared store while it answers', async () => {
    const { store, calls } = sharedStore();
    const limiter = new TenantRateLimiter(store, stoppedMemory(), recordingLogger().logger);
    expect(await limiter.charge('t1', 4, bucket)).toMatchObject({ allowed: true, level: 4 });
    expect(calls).toEqual([['t1', 4]]);
  });

  it('fails open to its memory bucket when the shared store errors, still throttling, and warns once', async () => {
    const { store, state } = sharedStore();
    const { logger, warnings } = recordingLogger();
    const limiter = new TenantRateLimiter(store, stoppedMemory(), logger);
    state.mode = 'down';
    expect(await limiter.charge('t1', 6, bucket)).toMatchObject({ allowed: true, level: 6 });
    expect(await limiter.charge('t1', 6, bucket)).toMatchObject({ allowed: false, level: 6 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/unavailable/);
  });

  it('after a failure, charges memory without trying the shared store until retryAfterMs has passed', async () => {
    const { store, state, calls } = sharedStore();
    const limiter = new TenantRateLimiter(store, stoppedMemory(), recordingLogger().logger, { retryAfterMs: 50 });
    state.mode = 'down';
    await limiter.charge('t1', 1, bucket);
    state.mode = 'up';
    await limiter.charge('t1', 1, bucket);
    expect(calls).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await limiter.charge('t1', 1, bucket);
    expect(calls).toHaveLength(2);
  });

  it('does not wait longer than its timeout on a store that hangs', async () => {
    const { store, state } = sharedStore();
    const limiter = new TenantRateLimiter(store, stoppedMemory(), recordingLogger().logger, { timeoutMs: 20 });
    state.mode = 'hung';
    expect(await limiter.charge('t1', 3, bucket)).toMatchObject({ allowed: true, level: 3 });
  });

  it('sends the refunds of a tenant as one negative charge', async () => {
    const { store, calls } = sharedStore();
    const limiter = new TenantRateLimiter(store, null, recordingLogger().logger, { refundIntervalMs: 60_000 });
    await limiter.charge('t1', 9, bucket);
    limiter.refund('t1', 2, bucket);
    limiter.refund('t1', 3, bucket);
    limiter.refund('t2', 1, bucket);
    limiter.refund('t1', 0, bucket);
    await limiter.flushRefunds();
    expect(calls).toEqual([
      ['t1', 9],
      ['t1', -5],
      ['t2', -1],
    ]);
    expect(await limiter.charge('t1', 0, bucket)).toMatchObject({ level: 4 });
  });

  it('lets a pending refund ride on the tenant’s next charge instead of waiting for the timer', async () => {
    const { store, calls } = sharedStore();
    const limiter = new TenantRateLimiter(store, null, recordingLogger().logger, { refundIntervalMs: 60_000 });
    await limiter.charge('t1', 9, bucket);
    limiter.refund('t1', 5, bucket);
    // 9 - 5 + 3 = 7: one statement for both.
    expect(await limiter.charge('t1', 3, bucket)).toEqual({ allowed: true, level: 7 });
    await limiter.flushRefunds();
    expect(calls).toEqual([
      ['t1', 9],
      ['t1', -2],
    ]);
  });

  it('keeps a pending refund when the charge it rode on is refused, and reports the level with it', async () => {
    const { store, calls } = sharedStore();
    const limiter = new TenantRateLimiter(store, null, recordingLogger().logger, { refundIntervalMs: 60_000 });
    await limiter.charge('t1', 10, bucket);
    limiter.refund('t1', 2, bucket);
    // 10 - 2 + 5 > 10: refused, and the bucket after the refund is at 8.
    expect(await limiter.charge('t1', 5, bucket)).toEqual({ allowed: false, level: 8 });
    await limiter.flushRefunds();
    expect(calls.at(-1)).toEqual(['t1', -2]);
    expect(await limiter.charge('t1', 0, bucket)).toMatchObject({ level: 8 });
  });
});

/**
 * The per-tenant cost limiter the request guard charges. It fronts the shared
 * store (PostgreSQL) with two policies of its own:
 *
 * - Fail open to memory. When the shared store errors or does not answer in
 *   `timeoutMs`, the charge goes to an in-process bucket and a warning is
 *   logged (at most every 30 s): reads keep being served, still throttled per
 *   replica, rather than every request failing because the limiter's table is
 *   unreachable (docs/decisions.md). For `retryAfterMs` after a failure every
 *   charge goes to memory at once, so a database that hangs costs one
 *   timeout, not one per request.
 * - Refunds are coalesced. A query that returned fewer objects than estimated
 *   gets the difference back, but the refunds of a tenant are summed and sent
 *   as one statement every `refundIntervalMs`, or with the tenant's next
 *   charge from this replica if that comes first, so refunding never adds a
 *   statement per request and a client's next request already sees the
 *   refund its previous response reported.
 */
import { AsyncResource } from 'node:async_hooks';
import type { Logger } from '@platform/core';
import type { BucketPolicy } from '../protection/tier-policies.js';
import type { BucketStore } from './bucket-store.js';
import type { Admission } from './leaky-bucket.js';

export interface RateLimiterOptions {
  /** Longest wait on the shared store before a charge falls back to memory. */
  timeoutMs?: number;
  refundIntervalMs?: number;
  /** How long charges stay in memory after the shared store failed, before it is tried again. */
  retryAfterMs?: number;
}

const WARN_EVERY_MS = 30_000;

export class TenantRateLimiter {
  private readonly refunds = new Map<string, { points: number; bucket: BucketPolicy }>();
  private refundTimer: NodeJS.Timeout | null = null;
  private lastWarning = Number.NEGATIVE_INFINITY;
  private storeDownUntil = Number.NEGATIVE_INFINITY;
  private readonly timeoutMs: number;
  private readonly refundIntervalMs: number;
  private readonly retryAfterMs: number;
  // The refund timer runs in the limiter's own async context, not in that of
  // the request that happened to schedule it: its statement is background
  // work, and per-request accounting (statement counters, traces) must not
  // pin it on that request.
  private readonly background = new AsyncResource('rate-limit-refunds');

  constructor(
    private readonly store: BucketStore,
    /** Used while `store` fails; null when `store` is itself in memory. */
    private readonly fallback: BucketStore | null,
    private readonly logger: Logger,
    options: RateLimiterOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.refundIntervalMs = options.refundIntervalMs ?? 100;
    this.retryAfterMs = options.retryAfterMs ?? 5_000;
  }

  get kind(): BucketStore['kind'] {
    return this.store.kind;
  }

  /** Pours `cost` into the tenant's bucket if it fits. */
  async charge(tenantId: string, cost: number, bucket: BucketPolicy): Promise<Admission> {
    // A refund still waiting for the timer rides on this charge as a smaller
    // cost. That decides alike (cost - refund fits exactly when the refunded
    // bucket takes the cost); it only undercharges when the refund exceeds
    // what is left in the bucket, which is then nearly empty anyway.
    const refund = this.refunds.get(tenantId)?.points ?? 0;
    if (refund) this.refunds.delete(tenantId);
    const admission = await this.take(tenantId, cost - refund, bucket);
    if (admission.allowed || !refund) return admission;
    // Refused: nothing was added, the refund included, so it waits for the timer.
    this.refund(tenantId, refund, bucket);
    return { allowed: false, level: Math.max(0, admission.level - refund) };
  }

  private async take(tenantId: string, cost: number, bucket: BucketPolicy): Promise<Admission> {
    if (!this.fallback) return this.store.take(tenantId, cost, bucket);
    if (Date.now() < this.storeDownUntil) return this.fallback.take(tenantId, cost, bucket);
    try {
      return await withTimeout(this.store.take(tenantId, cost, bucket), this.timeoutMs);
    } catch (err) {
      const now = Date.now();
      this.storeDownUntil = now + this.retryAfterMs;
      if (now - this.lastWarning >= WARN_EVERY_MS) {
        this.lastWarning = now;
        this.logger.warn({ err }, 'rate-limit store unavailable; limiting in this replica’s memory until it answers');
      }
      return this.fallback.take(tenantId, cost, bucket);
    }
  }

  /** Gives `points` back to the tenant's bucket soon (coalesced with the tenant's other refunds). */
  refund(tenantId: string, points: number, bucket: BucketPolicy): void {
    if (points <= 0) return;
    const pending = this.refunds.get(tenantId);
    this.refunds.set(tenantId, { points: (pending?.points ?? 0) + points, bucket });
    if (!this.refundTimer) {
      this.refundTimer = this.background.runInAsyncScope(() => setTimeout(() => void this.flushRefunds(), this.refundIntervalMs));
      this.refundTimer.unref();
    }
  }

  async flushRefunds(): Promise<void> {
    if (this.refundTimer) clearTimeout(this.refundTimer);
    this.refundTimer = null;
    const batch = [...this.refunds];
    this.refunds.clear();
    // A lost refund only leaves a bucket fuller than it should be for a few seconds; it is not retried.
    await Promise.all(batch.map(([tenantId, { points, bucket }]) => this.take(tenantId, -points, bucket).catch(() => undefined)));
  }

  async close(): Promise<void> {
    await this.flushRefunds();
    await this.store.close();
    await this.fallback?.close();
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`rate-limit store did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

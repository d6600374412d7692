/**
 * `extensions.cost` (Shopify's shape) on every GraphQL response of an
 * authenticated request: what the request was charged, what it turned out to
 * cost, and the caller's bucket. Responses Apollo produces get it from the
 * plugin below; the request guard's own refusals build it with `costExtension`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { TenantRateLimiter } from '../rate-limit/tenant-rate-limiter.js';
import { available } from '../rate-limit/leaky-bucket.js';
import type { RequestProtection } from './request-protection.js';

export interface ThrottleStatus {
  /** The bucket's capacity: the largest cost a burst may spend. */
  maximumAvailable: number;
  /** Points left after this request (rounded down). */
  currentlyAvailable: number;
  /** Points the bucket regains per second. */
  restoreRate: number;
}

export interface CostExtension {
  /** Points charged before execution: the static estimate, at least 1. */
  requestedQueryCost: number | null;
  /** Points the request really cost, once executed (null when nothing was executed). */
  actualQueryCost: number | null;
  /** The tenant's bucket; null for callers without one (no tenant, internal calls). */
  throttleStatus: ThrottleStatus | null;
}

export function costExtension(protection: Pick<RequestProtection, 'charged' | 'bucket' | 'policy'>, actualQueryCost: number | null): CostExtension {
  const { bucket, policy } = protection;
  return {
    requestedQueryCost: protection.charged,
    actualQueryCost,
    throttleStatus: bucket
      ? { maximumAvailable: policy.bucket.capacity, currentlyAvailable: available(bucket.level, policy.bucket), restoreRate: policy.bucket.restoreRate }
      : null,
  };
}

/**
 * Objects a response's data holds as list items: what the guard's estimated
 * `nodes` counts at most (GitHub's node rule: every object of a list, a
 * connection's `nodes` included; single objects are not nodes).
 */
export function listItemsIn(value: unknown, inList = false): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + listItemsIn(item, true), 0);
  let count = inList ? 1 : 0;
  for (const field of Object.values(value)) count += listItemsIn(field);
  return count;
}

/**
 * What an executed query actually cost: its charge scaled by the share of the
 * estimated list items its result really holds (3 customers of a `first: 50`
 * page cost 3/50 of the estimate, so `@cost` weights keep their proportions),
 * between the minimum and the charge. A query without lists (no nodes) was
 * estimated exactly and costs its charge.
 */
export function actualQueryCost(charged: number, estimatedNodes: number, returnedItems: number, minimumCharge: number): number {
  if (estimatedNodes <= 0) return charged;
  return Math.min(charged, Math.max(minimumCharge, Math.ceil((charged * returnedItems) / estimatedNodes)));
}

/**
 * Settles each request that reached Apollo: a query is refunded what its
 * estimate over-charged (its result had fewer objects than the worst case),
 * a request that never executed (a validation error) keeps only its
 * minimum charge, and mutations keep their full cost. Then reports the cost.
 */
export function costReportingPlugin<C extends { protection?: RequestProtection }>(limiter: TenantRateLimiter, minimumCharge: number): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const protection = contextValue.protection;
          if (!protection) return;
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const executed = result.data !== undefined;
          const isQuery = (protection.estimate?.operationType ?? 'query') === 'query';
          const actual = !executed
            ? null
            : isQuery
              ? actualQueryCost(protection.charged, protection.estimate?.nodes ?? 0, listItemsIn(result.data), minimumCharge)
              : protection.charged;
          let { bucket } = protection;
          const refund = protection.charged - (actual ?? minimumCharge);
          if (bucket && refund > 0) {
            limiter.refund(bucket.tenantId, refund, protection.policy.bucket);
            bucket = { ...bucket, level: Math.max(0, bucket.level - refund) };
          }
          result.extensions = { ...result.extensions, cost: costExtension({ ...protection, bucket }, actual) };
        },
      };
    },
  };
}

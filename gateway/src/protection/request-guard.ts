/**
 * Everything that runs before Apollo sees a GraphQL request, cheapest refusal
 * first: authentication (401), batched operations (400), the operation
 * limits of the caller's tier (400, before parsing by Apollo or planning),
 * the tenant's cost bucket (429 with Retry-After), then the monthly API-call
 * quota (429). Only a request that passes all of them reaches Apollo, with
 * its identity and charge attached (request-protection.ts).
 *
 * The bucket is charged before the quota counts the call, so a throttled
 * request is not an API call; a request refused by the quota after its charge
 * belongs to a tenant that is blocked for the month anyway.
 */
import type { Identity } from '@platform/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import type { ApiQuota } from '../api-quota.js';
import type { CallerInfo } from '../identity.js';
import { type OperationEstimate, type OperationGuard, OperationLimitError, type OperationRequest } from '../limits/index.js';
import { secondsUntilFits } from '../rate-limit/leaky-bucket.js';
import type { TenantRateLimiter } from '../rate-limit/tenant-rate-limiter.js';
import { type CostExtension, costExtension } from './cost-report.js';
import { readOperation, type ReadOperation } from './graphql-request.js';
import { protect, type RequestProtection } from './request-protection.js';
import { type PolicyTier, policyTierOf, type TierPolicy } from './tier-policies.js';

/**
 * Every request costs at least this much, even one the guard could not
 * estimate or estimates as free (`{ __typename }`), so a flood of trivial or
 * malformed requests still drains its sender's bucket.
 */
export const MINIMUM_CHARGE = 1;

export interface RequestGuardOptions {
  authenticate: (caller: CallerInfo) => Promise<Identity>;
  quota: Pick<ApiQuota, 'tierOf' | 'consume'> | null;
  operations: OperationGuard;
  policies: Record<PolicyTier, TierPolicy>;
  limiter: TenantRateLimiter;
}

interface Refusal {
  status: number;
  message: string;
  extensions: Record<string, unknown>;
  cost: CostExtension | null;
  retryAfterSeconds?: number;
}

export type Assessment = { admitted: RequestProtection } | { refused: Refusal };

export function createRequestGuard(options: RequestGuardOptions) {
  const { operations, policies, limiter } = options;

  /** Limits, then the bucket, for an authenticated caller's operation. */
  async function assess(identity: Identity, read: ReadOperation): Promise<Assessment> {
    const tier = policyTierOf((await options.quota?.tierOf(identity)) ?? null);
    const policy = policies[tier];
    const tenantId = identity.tenantId && identity.authMethod !== 'internal' ? identity.tenantId : null;
    const charge = async (estimate: OperationEstimate | null, cost: number): Promise<RequestProtection & { retryAfterSeconds: number | null }> => {
      const charged = Math.max(MINIMUM_CHARGE, Math.ceil(cost));
      const base = { identity, tier, policy, estimate, charged };
      if (!tenantId) return { ...base, bucket: null, retryAfterSeconds: null };
      const admission = await limiter.charge(tenantId, charged, policy.bucket);
      const retryAfterSeconds = admission.allowed ? null : secondsUntilFits(admission.level, charged, policy.bucket);
      return { ...base, bucket: { tenantId, level: admission.level }, retryAfterSeconds };
    };

    if (read.kind === 'batch') {
      const charged = await charge(null, MINIMUM_CHARGE);
      return refuse(400, 'BATCHING_NOT_SUPPORTED', `Send one operation per request; this request held a batch of ${read.size}`, costExtension(charged, null), {
        size: read.size,
      });
    }
    let estimate: OperationEstimate | null = null;
    if (read.kind === 'single') {
      try {
        estimate = operations.check(read.operation, policy.limits);
      } catch (err) {
        if (!(err instanceof OperationLimitError)) throw err;
        // Refused before anything ran; it still costs the minimum, like any request.
        const charged = await charge(null, MINIMUM_CHARGE);
        return refuse(err.status, err.code, err.message, costExtension(charged, null), { limit: err.limit, maximum: err.maximum, actual: err.actual });
      }
      // A persisted-query hash the guard has not analysed (never seen, or evicted from its cache while Apollo's
      // own APQ cache still holds it) must not reach Apollo unchecked: answer as Apollo would for an unknown
      // hash (HTTP 200, PERSISTED_QUERY_NOT_FOUND), and the client resends the text, which the guard checks.
      if (!estimate && !read.operation.query && read.operation.extensions?.persistedQuery?.sha256Hash) {
        const charged = await charge(null, MINIMUM_CHARGE);
        return refuse(200, 'PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound', costExtension(charged, null));
      }
    }
    const charged = await charge(estimate, estimate?.cost ?? MINIMUM_CHARGE);
    if (charged.retryAfterSeconds !== null) {
      const cost = costExtension(charged, null);
      return {
        refused: {
          status: 429,
          message: `This tenant's cost budget is spent: the request costs ${charged.charged} points and ${cost.throttleStatus?.currentlyAvailable ?? 0} are available; retry in ${charged.retryAfterSeconds} s`,
          extensions: { code: 'RATE_LIMITED', retryAfter: charged.retryAfterSeconds },
          cost,
          retryAfterSeconds: charged.retryAfterSeconds,
        },
      };
    }
    const { retryAfterSeconds: _none, ...admitted } = charged;
    return { admitted };
  }

  /** Fastify preHandler of the GraphQL route (GET and POST). */
  async function preHandler(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (request.method !== 'GET' && request.method !== 'POST') return undefined;
    let identity: Identity;
    try {
      identity = await options.authenticate({
        authorization: request.headers.authorization,
        requestId: String(request.id),
        clientIp: request.ip ?? null,
        userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
      });
    } catch (err) {
      return send(reply, request, refusalOf(err, null));
    }
    const assessment = await assess(identity, readOperation(request.method, request.body, request.query));
    if ('refused' in assessment) return send(reply, request, assessment.refused);
    try {
      await options.quota?.consume(identity);
    } catch (err) {
      return send(reply, request, refusalOf(err, costExtension(assessment.admitted, null)));
    }
    protect(request, assessment.admitted);
    return undefined;
  }

  /**
   * The same limits and bucket for an operation started on the subscription
   * endpoints, charged once when it starts (its events are not charged).
   * Their transports have no HTTP status or header, so a refusal is the error
   * alone, RATE_LIMITED carrying `retryAfter`.
   */
  async function screenSubscription(identity: Identity, operation: OperationRequest): Promise<GraphQLError[] | null> {
    const assessment = await assess(identity, { kind: 'single', operation });
    return 'refused' in assessment ? [new GraphQLError(assessment.refused.message, { extensions: assessment.refused.extensions })] : null;
  }

  return { preHandler, assess, screenSubscription };
}

function refuse(status: number, code: string, message: string, cost: CostExtension | null, details: Record<string, unknown> = {}): Assessment {
  return { refused: { status, message, extensions: { code, ...details }, cost } };
}

/** A GraphQLError with an HTTP status (authentication, quota) as a refusal; anything else is a bug and goes to the error handler. */
function refusalOf(err: unknown, cost: CostExtension | null): Refusal {
  const status = err instanceof GraphQLError ? (err.extensions.http as { status?: number } | undefined)?.status : undefined;
  if (!(err instanceof GraphQLError) || !status) throw err;
  const { http: _http, ...extensions } = err.extensions;
  return { status, message: err.message, extensions, cost };
}

function send(reply: FastifyReply, request: FastifyRequest, refusal: Refusal): FastifyReply {
  if (refusal.retryAfterSeconds) reply.header('retry-after', String(refusal.retryAfterSeconds));
  return reply
    .code(refusal.status)
    .type('application/json; charset=utf-8')
    .send({
      errors: [{ message: refusal.message, extensions: { ...refusal.extensions, requestId: request.id } }],
      ...(refusal.cost ? { extensions: { cost: refusal.cost } } : {}),
    });
}

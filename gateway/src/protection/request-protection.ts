/**
 * What the request guard learned about a GraphQL request, handed to the
 * Apollo context (the identity) and the cost-reporting plugin (the charge).
 */
import type { Identity } from '@platform/core';
import type { FastifyRequest } from 'fastify';
import type { OperationEstimate } from '../limits/index.js';
import type { PolicyTier, TierPolicy } from './tier-policies.js';

export interface RequestProtection {
  identity: Identity;
  tier: PolicyTier;
  policy: TierPolicy;
  /** The guard's analysis; null when it had nothing to analyse (an APQ hash it has not seen, an unreadable request). */
  estimate: OperationEstimate | null;
  /** Points charged up front: the estimate's cost, at least the minimum charge. */
  charged: number;
  /** The tenant's bucket after the charge; null when the caller has none (no tenant, internal calls). */
  bucket: { tenantId: string; level: number } | null;
}

const protections = new WeakMap<FastifyRequest, RequestProtection>();

export function protect(request: FastifyRequest, protection: RequestProtection): void {
  protections.set(request, protection);
}

/** The guard's findings for a request it let through; undefined for requests it did not see (OPTIONS). */
export function protectionOf(request: FastifyRequest): RequestProtection | undefined {
  return protections.get(request);
}

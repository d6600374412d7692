/**
 * GATEWAY_TIER_POLICIES: the operator's per-tier overrides (JSON), resolved
 * over the defaults once at start. A bad value stops start-up naming the
 * variable, and so does an inconsistent one: a tier whose maxCost exceeds its
 * bucket's capacity would answer its most expensive allowed queries with a
 * 429 that no amount of waiting ends, instead of the guard's 400.
 */
import { z } from 'zod';
import { POLICY_TIERS, type PolicyTier, resolveTierPolicies, type TierPolicy } from './tier-policies.js';

export function inconsistentTiers(policies: Record<PolicyTier, TierPolicy>): string[] {
  return POLICY_TIERS.filter((tier) => policies[tier].limits.maxCost > policies[tier].bucket.capacity).map(
    (tier) => `${tier}: limits.maxCost ${policies[tier].limits.maxCost} exceeds bucket.capacity ${policies[tier].bucket.capacity}`,
  );
}

export const tierPoliciesSetting = z
  .string()
  .optional()
  .transform((json, ctx): Record<PolicyTier, TierPolicy> => {
    let policies: Record<PolicyTier, TierPolicy>;
    try {
      policies = resolveTierPolicies(json);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not valid tier policies: ${err instanceof Error ? err.message : String(err)}` });
      return z.NEVER;
    }
    for (const problem of inconsistentTiers(policies)) ctx.addIssue({ code: 'custom', message: problem });
    return policies;
  });

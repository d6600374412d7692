/**
 * What each tenant tier may send: the static operation limits (checked before
 * planning) and its cost bucket (the leaky-bucket rate limit). Callers without
 * a tenant (sign-up, sign-in, a session before it picks a tenant) get the
 * ANONYMOUS policy. Operators override any number per tier with
 * GATEWAY_TIER_POLICIES (JSON, e.g. `{"FREE":{"bucket":{"capacity":500}}}`).
 */
import { z } from 'zod';

export const POLICY_TIERS = ['ANONYMOUS', 'FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE', 'WHITE_LABEL'] as const;
export type PolicyTier = (typeof POLICY_TIERS)[number];

export interface OperationLimits {
  /** Deepest field nesting of the operation (fragments expanded). */
  maxDepth: number;
  /** Aliased fields anywhere in the operation. */
  maxAliases: number;
  /** Fields selected directly on the root type (fragments expanded). */
  maxRootFields: number;
  /** Lexical tokens of the whole document. */
  maxTokens: number;
  /** Static cost estimate (IBM cost directive style, `@cost` / `@listSize`). */
  maxCost: number;
  /** Objects the operation could return at most (GitHub's node limit). */
  maxNodes: number;
  /** Largest `first` / `last` on a connection (and smallest is 1). */
  maxPageSize: number;
}

export interface BucketPolicy {
  /** Cost points the bucket holds: the largest burst. */
  capacity: number;
  /** Points that drain per second: the sustained rate. */
  restoreRate: number;
}

export interface TierPolicy {
  limits: OperationLimits;
  bucket: BucketPolicy;
}

// Why these numbers (docs/operation-limits.md): maxDepth 15 is exactly the
// depth of graphql-js's introspection query (the explorer's), and our deepest
// real read is 8; maxAliases 30 and maxRootFields 20 leave room for dashboards
// that alias a few reports; maxTokens 10,000 is about 40 KB of GraphQL, ten
// times our largest operation; maxCost 1,000 is Shopify's single-query
// maximum and fits a page of 50 customers with health, owner and plans (851);
// maxNodes and maxPageSize are GitHub's.
const BASE_LIMITS: OperationLimits = { maxDepth: 15, maxAliases: 30, maxRootFields: 20, maxTokens: 10_000, maxCost: 1_000, maxNodes: 500_000, maxPageSize: 100 };

export const DEFAULT_TIER_POLICIES: Record<PolicyTier, TierPolicy> = {
  ANONYMOUS: { limits: { ...BASE_LIMITS, maxCost: 200 }, bucket: { capacity: 400, restoreRate: 20 } },
  FREE: { limits: BASE_LIMITS, bucket: { capacity: 1_000, restoreRate: 50 } },
  STARTER: { limits: { ...BASE_LIMITS, maxCost: 2_000 }, bucket: { capacity: 2_000, restoreRate: 100 } },
  PROFESSIONAL: { limits: { ...BASE_LIMITS, maxCost: 5_000 }, bucket: { capacity: 5_000, restoreRate: 250 } },
  ENTERPRISE: { limits: { ...BASE_LIMITS, maxCost: 10_000 }, bucket: { capacity: 10_000, restoreRate: 500 } },
  WHITE_LABEL: { limits: { ...BASE_LIMITS, maxCost: 20_000 }, bucket: { capacity: 20_000, restoreRate: 1_000 } },
};

const positive = z.number().int().positive();
const overrideSchema = z
  .object({
    limits: z
      .object({ maxDepth: positive, maxAliases: positive, maxRootFields: positive, maxTokens: positive, maxCost: positive, maxNodes: positive, maxPageSize: positive })
      .partial()
      .strict(),
    bucket: z.object({ capacity: positive, restoreRate: z.number().positive() }).partial().strict(),
  })
  .partial()
  .strict();
// partialRecord: zod 4 makes a record keyed by an enum exhaustive, and an override names only the tiers it changes.
const overridesSchema = z.partialRecord(z.enum(POLICY_TIERS), overrideSchema);

/** The default policies with the operator's overrides (GATEWAY_TIER_POLICIES) applied; a bad override stops start-up. */
export function resolveTierPolicies(overridesJson?: string): Record<PolicyTier, TierPolicy> {
  const overrides: Partial<Record<PolicyTier, z.infer<typeof overrideSchema>>> = overridesJson ? overridesSchema.parse(JSON.parse(overridesJson)) : {};
  return Object.fromEntries(
    POLICY_TIERS.map((tier) => {
      const base = DEFAULT_TIER_POLICIES[tier];
      const o = overrides[tier];
      return [tier, { limits: { ...base.limits, ...o?.limits }, bucket: { ...base.bucket, ...o?.bucket } }];
    }),
  ) as Record<PolicyTier, TierPolicy>;
}

export function policyTierOf(tier: string | null): PolicyTier {
  return tier && (POLICY_TIERS as readonly string[]).includes(tier) ? (tier as PolicyTier) : 'ANONYMOUS';
}

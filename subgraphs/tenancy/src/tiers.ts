import { LimitExceededError } from '@platform/core';

/**
 * The five tiers and what each allows (MISSION.md, seed 003). `null` means
 * unlimited. A tenant on a trial gets its trial tier's limits until the trial
 * ends; after that its paid tier's (FREE unless it bought one).
 */
export const TIER_NAMES = ['FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE', 'WHITE_LABEL'] as const;
export type TierName = (typeof TIER_NAMES)[number];

export type TierFeature = 'branding' | 'custom_domains' | 'custom_css';

export interface TierLimits {
  maxUsers: number | null;
  apiCallsPerMonth: number | null;
  storageBytes: number | null;
  features: readonly TierFeature[];
}

const GB = 1024 ** 3;

export const TIERS: Record<TierName, TierLimits> = {
  FREE: { maxUsers: 5, apiCallsPerMonth: 1_000, storageBytes: 1 * GB, features: [] },
  STARTER: { maxUsers: 10, apiCallsPerMonth: 10_000, storageBytes: 10 * GB, features: [] },
  PROFESSIONAL: { maxUsers: 50, apiCallsPerMonth: 100_000, storageBytes: 100 * GB, features: ['branding'] },
  ENTERPRISE: { maxUsers: 500, apiCallsPerMonth: 1_000_000, storageBytes: 1024 * GB, features: ['branding', 'custom_domains'] },
  WHITE_LABEL: { maxUsers: null, apiCallsPerMonth: null, storageBytes: null, features: ['branding', 'custom_domains', 'custom_css'] },
};

export const TRIAL_DAYS = 14;

export interface TierState {
  tier: string;
  trialTier: string | null;
  trialEndsAt: Date | null;
}

export function isTrialActive(t: TierState, now: Date): boolean {
  return t.trialTier !== null && t.trialEndsAt !== null && t.trialEndsAt.getTime() > now.getTime();
}

/** The tier whose limits apply right now. */
export function effectiveTier(t: TierState, now: Date): TierName {
  return (isTrialActive(t, now) ? t.trialTier : t.tier) as TierName;
}

export function tierRank(tier: TierName): number {
  return TIER_NAMES.indexOf(tier);
}

/** Throws unless the tier includes the feature, naming the cheapest tier that does. */
export function assertTierFeature(tier: TierName, feature: TierFeature, what: string): void {
  if (TIERS[tier].features.includes(feature)) return;
  const needed = TIER_NAMES.filter((name) => TIERS[name].features.includes(feature));
  const tierText = needed.length === 1 ? `the ${needed[0]} tier` : `the ${needed[0]} tier or higher`;
  throw new LimitExceededError(`feature.${feature}`, 0, 0, `${what} needs ${tierText}; this tenant is on ${tier}`);
}

/**
 * The rule-based churn estimate used until a tenant has enough history to
 * train a model. It is a hand-set logistic score so that its output and its
 * explanation read exactly like the trained model's: log-odds = intercept +
 * Σ coefficient × (transformed value). Documented in
 * docs/customer-success-methods.md, "Rule-based churn estimate".
 */
import type { ChurnContribution, ChurnFeature, ChurnFeatureVector } from './churn-model.js';

/**
 * logit(p) at the reference customer (health 60, no failures, no open
 * tickets, past the first 180 days): −2 → p ≈ 0.12, in line with the 10–15%
 * annual churn typical of B2B SaaS.
 */
export const RULE_BASED_INTERCEPT = -2;

interface ChurnRule {
  feature: ChurnFeature;
  coefficient: number;
  /** Turns the raw feature into the rule's input; shown as standardisedValue. */
  transform: (value: number) => number;
}

export const RULE_HEALTH_REFERENCE = 60;
export const RULE_FAILURE_CAP = 3;
export const RULE_TICKET_CAP = 5;
export const RULE_NEW_CUSTOMER_DAYS = 180;

export const CHURN_RULES: readonly ChurnRule[] = [
  // Each health point below 60 adds 0.06 to the log-odds (and each point above removes it):
  // health 20 → +2.4, health 90 → −1.8.
  { feature: 'healthScore', coefficient: 0.06, transform: (v) => RULE_HEALTH_REFERENCE - v },
  // Failed payments are the most direct signal of a customer on the way out; capped so three or more count the same.
  { feature: 'paymentFailures90d', coefficient: 0.8, transform: (v) => Math.min(Math.max(v, 0), RULE_FAILURE_CAP) },
  { feature: 'openTickets', coefficient: 0.2, transform: (v) => Math.min(Math.max(v, 0), RULE_TICKET_CAP) },
  // Customers before their first renewal churn more often than established ones.
  { feature: 'tenureDays', coefficient: 0.5, transform: (v) => (v < RULE_NEW_CUSTOMER_DAYS ? 1 : 0) },
];

export function ruleBasedContributions(features: ChurnFeatureVector): ChurnContribution[] {
  return CHURN_RULES.map(({ feature, coefficient, transform }) => {
    const value = features[feature];
    const standardisedValue = transform(value);
    return { feature, value, standardisedValue, coefficient, contribution: coefficient * standardisedValue };
  });
}

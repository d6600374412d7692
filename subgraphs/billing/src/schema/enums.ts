/** The billing subgraph's GraphQL enums, from the domain's own lists. */

import { builder } from '../builder.js';
import { DUNNING_FINAL_ACTIONS } from '../domain/dunning.js';
import { BILLING_INTERVALS } from '../domain/intervals.js';
import { PRICE_MODELS } from '../domain/pricing.js';

export const PriceModelEnum = builder.enumType('PriceModel', {
  description: 'FLAT: a fixed amount per period. PER_SEAT: unit amount × quantity. METERED: unit amount × metered usage. GRADUATED: tiers over quantity, or over usage when the price has a meter.',
  values: PRICE_MODELS,
});
export const MeterAggregationEnum = builder.enumType('MeterAggregation', {
  description: "How a period's usage events become one quantity: SUM of quantities, COUNT of events, or the LAST event's quantity.",
  values: ['SUM', 'COUNT', 'LAST'] as const,
});
export const BillingIntervalEnum = builder.enumType('BillingInterval', { values: BILLING_INTERVALS });
export const SubscriptionStatusEnum = builder.enumType('SubscriptionStatus', {
  values: ['TRIALING', 'ACTIVE', 'PAST_DUE', 'UNPAID', 'CANCELED', 'INCOMPLETE', 'PAUSED'] as const,
});
export const InvoiceStatusEnum = builder.enumType('InvoiceStatus', { values: ['DRAFT', 'OPEN', 'PAID', 'VOID', 'UNCOLLECTIBLE'] as const });
export const InvoiceLineKindEnum = builder.enumType('InvoiceLineKind', { values: ['SUBSCRIPTION', 'PRORATION', 'USAGE', 'TAX'] as const });
export const BillingReasonEnum = builder.enumType('BillingReason', {
  values: ['SUBSCRIPTION_CREATE', 'SUBSCRIPTION_CYCLE', 'SUBSCRIPTION_UPDATE', 'SUBSCRIPTION_CANCEL'] as const,
});
export const PaymentStatusEnum = builder.enumType('PaymentStatus', { values: ['PENDING', 'SUCCEEDED', 'FAILED'] as const });
export const DunningFinalActionEnum = builder.enumType('DunningFinalAction', {
  description: 'What happens to a subscription when every payment retry has failed.',
  values: DUNNING_FINAL_ACTIONS,
});
export const PaymentBehaviorEnum = builder.enumType('PaymentBehavior', {
  description: 'ACTIVATE: active at once, the first invoice is charged. DEFAULT_INCOMPLETE: INCOMPLETE until the first invoice is paid (canceled after 23 hours).',
  values: ['ACTIVATE', 'DEFAULT_INCOMPLETE'] as const,
});
export const ProrationBehaviorEnum = builder.enumType('ProrationBehavior', {
  description: 'CREATE_PRORATIONS: credits and charges go on the next invoice. ALWAYS_INVOICE: invoiced and charged now. NONE: no proration.',
  values: ['CREATE_PRORATIONS', 'ALWAYS_INVOICE', 'NONE'] as const,
});

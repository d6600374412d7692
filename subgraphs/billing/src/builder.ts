/** The billing subgraph's Pothos builder: configuration only (shared in @platform/core), no types. */
import { createSubgraphBuilder } from '@platform/core';
import type { BillingContext } from './context.js';

export const { builder, errorInterface } = createSubgraphBuilder<BillingContext, { MinorAmount: { Input: number; Output: number } }>({
  authStrategy: 'all',
  subscriptions: true,
});

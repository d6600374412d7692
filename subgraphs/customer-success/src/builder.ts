/** The customer-success subgraph's Pothos builder: configuration only (shared in @platform/core), no types. */
import { createSubgraphBuilder } from '@platform/core';
import type { CustomerSuccessContext } from './context.js';

export const { builder, errorInterface } = createSubgraphBuilder<CustomerSuccessContext>({ authStrategy: 'all', subscriptions: true });

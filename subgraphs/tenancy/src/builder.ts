/**
 * The tenancy subgraph's Pothos builder: configuration only (shared in
 * @platform/core), no types. Its fields list alternative scopes (signed in OR
 * a permission), so one listed scope is enough ('any').
 */
import { createSubgraphBuilder } from '@platform/core';
import type { TenancyContext } from './context.js';

export const { builder, errorInterface } = createSubgraphBuilder<TenancyContext, Record<never, never>, 'any'>({ authStrategy: 'any', subscriptions: false });

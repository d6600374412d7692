/** The analytics subgraph's Pothos builder: configuration only, no types. */

import { type PlatformAuthScopes, platformAuthScopes, registerErrorTypes, registerScalars, unauthorizedError, ValidationError } from '@platform/core';
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import ErrorsPlugin from '@pothos/plugin-errors';
import FederationPlugin from '@pothos/plugin-federation';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { AnalyticsContext } from './context.js';

export const builder = new SchemaBuilder<{
  Context: AnalyticsContext;
  AuthScopes: PlatformAuthScopes;
  // Every field lists `tenantMember` and a permission; both must hold.
  DefaultAuthStrategy: 'all';
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    ID: { Input: string; Output: string };
    JSONObject: { Input: Record<string, unknown>; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, DirectivesPlugin, FederationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    defaultStrategy: 'all',
    // Subscriptions are authorised once, when they start, not per event.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => platformAuthScopes(ctx.identity),
    unauthorizedError: (_parent, ctx, _info, result) => unauthorizedError(ctx.identity, result.message),
  },
  errors: {
    defaultTypes: [ValidationError],
    directResult: true,
    defaultUnionOptions: { name: ({ fieldName }) => `${fieldName[0]!.toUpperCase()}${fieldName.slice(1)}Result` },
    defaultResultOptions: { name: ({ fieldName }) => `${fieldName[0]!.toUpperCase()}${fieldName.slice(1)}Success` },
  },
});

registerScalars(builder);
export const { errorInterface } = registerErrorTypes(builder);

builder.queryType({});
builder.mutationType({});

/** The tenancy subgraph's Pothos builder: configuration only, no types. */
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import ErrorsPlugin from '@pothos/plugin-errors';
import FederationPlugin from '@pothos/plugin-federation';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { type PlatformAuthScopes, platformAuthScopes, registerErrorTypes, registerScalars, unauthorizedError, ValidationError } from '@platform/core';
import type { TenancyContext } from './context.js';

export const builder = new SchemaBuilder<{
  Context: TenancyContext;
  AuthScopes: PlatformAuthScopes;
  Scalars: { DateTime: { Input: Date; Output: Date | string }; ID: { Input: string; Output: string } };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, DirectivesPlugin, FederationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
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

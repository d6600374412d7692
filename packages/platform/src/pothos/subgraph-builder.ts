/**
 * Every subgraph's Pothos builder, configured once: scope-auth with the
 * platform's scopes, the errors plugin returning typed results
 * (`<Field>Result = <Type> | ValidationError | …`), directives, federation,
 * the shared scalars and error types, and the root types. A subgraph adds its
 * own context type and any scalars of its own; its `builder.ts` only calls
 * this.
 */
import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import ErrorsPlugin from '@pothos/plugin-errors';
import FederationPlugin from '@pothos/plugin-federation';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { ValidationError } from '../errors.js';
import type { BaseContext } from '../server/context.js';
import { type PlatformAuthScopes, platformAuthScopes, unauthorizedError } from './auth-scopes.js';
import type { CostDirectives } from './cost-directives.js';
import { registerErrorTypes, registerScalars } from './error-types.js';

type ScalarShapes = Record<string, { Input: unknown; Output: unknown }>;
interface BaseScalars {
  DateTime: { Input: Date; Output: Date | string };
  ID: { Input: string; Output: string };
}

export interface SubgraphSchemaTypes<C extends BaseContext, S extends ScalarShapes, Strategy extends 'any' | 'all'> {
  Context: C;
  AuthScopes: PlatformAuthScopes;
  DefaultAuthStrategy: Strategy;
  Scalars: BaseScalars & S;
  DefaultFieldNullability: false;
  Directives: CostDirectives;
}

export interface SubgraphBuilderOptions<Strategy extends 'any' | 'all'> {
  /** 'all': every scope a field lists must hold (a tenant member AND a permission); 'any': one is enough. */
  authStrategy: Strategy;
  /** Whether the subgraph has a Subscription type. */
  subscriptions: boolean;
}

const capitalised = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}`;

export function createSubgraphBuilder<C extends BaseContext, S extends ScalarShapes = Record<never, never>, Strategy extends 'any' | 'all' = 'all'>(
  options: SubgraphBuilderOptions<Strategy>,
) {
  const builder = new SchemaBuilder<SubgraphSchemaTypes<C, S, Strategy>>({
    plugins: [ScopeAuthPlugin, ErrorsPlugin, DirectivesPlugin, FederationPlugin],
    defaultFieldNullability: false,
    scopeAuth: {
      defaultStrategy: options.authStrategy,
      // Subscriptions are authorised once, when they start, not per event.
      authorizeOnSubscribe: true,
      authScopes: (ctx: BaseContext) => platformAuthScopes(ctx.identity),
      unauthorizedError: (_parent: unknown, ctx: BaseContext, _info: unknown, result: { message: string }) => unauthorizedError(ctx.identity, result.message),
    },
    errors: {
      defaultTypes: [ValidationError],
      directResult: true,
      defaultUnionOptions: { name: ({ fieldName }: { fieldName: string }) => `${capitalised(fieldName)}Result` },
      defaultResultOptions: { name: ({ fieldName }: { fieldName: string }) => `${capitalised(fieldName)}Success` },
    },
  } as never);
  registerScalars(builder);
  const { errorInterface } = registerErrorTypes(builder);
  builder.queryType({});
  builder.mutationType({});
  if (options.subscriptions) builder.subscriptionType({});
  return { builder, errorInterface };
}

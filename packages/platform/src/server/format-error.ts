/**
 * One place that decides what a client may see of an error. Domain errors and
 * GraphQL errors with a known code pass through; everything else is masked as
 * INTERNAL_SERVER_ERROR with the request id, and logged (by the plugin below,
 * which, unlike formatError, knows the request) with the same id.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { DomainError } from '../errors.js';
import type { BaseContext } from './context.js';

const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

function isExpected(code: unknown, original: unknown): boolean {
  if (original instanceof DomainError) return true;
  return typeof code === 'string' && (PASS_THROUGH.has(code) || code.startsWith('IDENTITY_') || code.startsWith('TOKEN_'));
}

export function formatSubgraphError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return { ...formatted, message: original.message, extensions: { ...formatted.extensions, code: original.code } };
  }
  if (isExpected(formatted.extensions?.code, original)) return formatted;
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Logs unexpected errors with the request id and stamps that id on the masked errors sent back. */
export function unexpectedErrorPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didEncounterErrors({ errors }) {
          for (const err of errors as readonly GraphQLError[]) {
            const original = unwrapResolverError(err);
            if (!isExpected(err.extensions?.code, original)) {
              contextValue.logger.error({ err: original, requestId: contextValue.requestId, path: err.path }, 'unexpected error');
            }
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          for (const err of response.body.singleResult.errors ?? []) {
            if (err.extensions?.code === 'INTERNAL_SERVER_ERROR') {
              (err as { extensions: Record<string, unknown> }).extensions = { ...err.extensions, requestId: contextValue.requestId };
            }
          }
        },
      };
    },
  };
}

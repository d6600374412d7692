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
import type { Logger } from '../logger.js';

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

export interface UnexpectedErrorOptions<C> {
  /** The request id and logger of a request, from its context. */
  requestOf(context: C): { requestId: string; logger: Logger };
  /** Which errors to log; by default those that are neither domain errors nor known codes. */
  isUnexpected?(err: GraphQLError): boolean;
}

/**
 * Logs unexpected errors with the request id and stamps that id on the masked
 * errors sent back. Used by every subgraph and by the gateway (which logs only
 * its own failures: a subgraph's arrive with a code, already logged there).
 */
export function unexpectedErrorPlugin<C extends object>(options: UnexpectedErrorOptions<C>): ApolloServerPlugin<C> {
  const isUnexpected = options.isUnexpected ?? ((err: GraphQLError) => !isExpected(err.extensions?.code, unwrapResolverError(err)));
  return {
    async requestDidStart({ contextValue }) {
      const { requestId, logger } = options.requestOf(contextValue);
      return {
        async didEncounterErrors({ errors }) {
          for (const err of errors as readonly GraphQLError[]) {
            if (isUnexpected(err)) logger.error({ err: unwrapResolverError(err), requestId, path: err.path }, 'unexpected error');
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          for (const err of response.body.singleResult.errors ?? []) {
            if (err.extensions?.code === 'INTERNAL_SERVER_ERROR') {
              (err as { extensions: Record<string, unknown> }).extensions = { ...err.extensions, requestId };
            }
          }
        },
      };
    },
  };
}

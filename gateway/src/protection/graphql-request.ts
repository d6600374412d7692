/**
 * Reads the GraphQL operation out of an HTTP request the way Apollo Server
 * will (POST JSON body, or GET query string with JSON-encoded `variables` and
 * `extensions`), so the request guard can analyse it before Apollo does.
 * Anything it cannot read is left for Apollo to refuse with its own error.
 */
import type { OperationRequest } from '../limits/index.js';

export type ReadOperation =
  | { kind: 'single'; operation: OperationRequest }
  /** A JSON array of operations (batching), refused before any of them runs. */
  | { kind: 'batch'; size: number }
  /** Not an operation this reader understands; Apollo answers it (400). */
  | { kind: 'unreadable' };

export function readOperation(method: string, body: unknown, query: unknown): ReadOperation {
  if (method === 'POST') {
    if (Array.isArray(body)) return { kind: 'batch', size: body.length };
    return isRecord(body) ? single(body.query, body.operationName, body.variables, body.extensions) : { kind: 'unreadable' };
  }
  if (!isRecord(query)) return { kind: 'unreadable' };
  try {
    return single(query.query, query.operationName, json(query.variables), json(query.extensions));
  } catch {
    return { kind: 'unreadable' };
  }
}

function single(query: unknown, operationName: unknown, variables: unknown, extensions: unknown): ReadOperation {
  if (query !== undefined && query !== null && typeof query !== 'string') return { kind: 'unreadable' };
  if (variables !== undefined && variables !== null && !isRecord(variables)) return { kind: 'unreadable' };
  if (extensions !== undefined && extensions !== null && !isRecord(extensions)) return { kind: 'unreadable' };
  return {
    kind: 'single',
    operation: {
      query: query ?? null,
      operationName: typeof operationName === 'string' ? operationName : null,
      variables: variables ?? null,
      ...(extensions ? { extensions } : {}),
    },
  };
}

/** A GET parameter holding JSON; a repeated parameter is not something Apollo accepts either. */
function json(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error('not a single parameter');
  return JSON.parse(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

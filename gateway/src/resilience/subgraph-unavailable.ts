/**
 * What a failed subgraph call becomes. The gateway answers without that
 * subgraph's fields (null) and adds one error naming it, with a stable code
 * and reason (docs/resilience.md), so a client can tell "billing is down"
 * from "this query is wrong". Also decides which failures are the
 * subgraph's (they count against its circuit breaker) and which are not.
 */
import { GraphQLError } from 'graphql';

export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';

export type UnavailableReason = 'timeout' | 'circuit_open' | 'unreachable' | 'bad_response';

const EXPLANATION: Record<UnavailableReason, string> = {
  timeout: 'did not answer within its timeout',
  circuit_open: 'failed repeatedly and is not being called for a moment',
  unreachable: 'could not be reached',
  bad_response: 'did not return a usable GraphQL response',
};

export class SubgraphUnavailableError extends GraphQLError {
  constructor(
    readonly subgraph: string,
    readonly reason: UnavailableReason,
  ) {
    super(`The ${subgraph} subgraph ${EXPLANATION[reason]}; the fields it serves are null`, {
      extensions: { code: SUBGRAPH_UNAVAILABLE, subgraph, reason },
    });
  }
}

/**
 * An HTTP answer that is not a GraphQL response: a 5xx, a body that is not
 * GraphQL JSON, or a 4xx without GraphQL errors. A 4xx means the request was
 * refused, which says nothing about the subgraph's health.
 */
export class BadSubgraphResponse extends Error {
  constructor(
    readonly subgraph: string,
    readonly status: number,
    detail: string,
  ) {
    super(`subgraph ${subgraph} answered HTTP ${status}: ${detail}`);
  }

  get refused(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

/**
 * Why a call failed, or null when the failure is not the subgraph's (a refused
 * request): then the error passes through unchanged and the breaker does not
 * count it. An exception from an in-process subgraph counts as bad_response.
 */
export function unavailableReason(err: unknown): UnavailableReason | null {
  const { code, name } = (err ?? {}) as { code?: unknown; name?: unknown };
  if (code === 'EOPENBREAKER') return 'circuit_open';
  if (code === 'ESHUTDOWN') return 'unreachable'; // the gateway is closing
  // opossum's timeout, or the fetch's own AbortSignal.timeout
  if (code === 'ETIMEDOUT' || name === 'TimeoutError') return 'timeout';
  if (err instanceof BadSubgraphResponse) return err.refused ? null : 'bad_response';
  if (isNetworkFailure(err)) return 'unreachable';
  return 'bad_response';
}

/** An exception that is neither the network nor a bad answer: a bug worth a stack trace in the log. */
export function isUnexpectedFailure(err: unknown): boolean {
  const reason = unavailableReason(err);
  return reason === 'bad_response' && !(err instanceof BadSubgraphResponse);
}

/**
 * undici's fetch rejects with `TypeError: fetch failed` (cause: ECONNREFUSED,
 * ECONNRESET, socket closed…); a connection lost while the body is read
 * rejects with `TypeError: terminated`.
 */
function isNetworkFailure(err: unknown): boolean {
  return err instanceof TypeError && (err.message === 'fetch failed' || err.message === 'terminated');
}

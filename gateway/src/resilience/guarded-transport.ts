/**
 * Guards every call to one subgraph with a timeout and a circuit breaker
 * (opossum). The timeout bounds how long a request waits for the subgraph:
 * an HTTP call is aborted, an in-process call (which cannot be) is left to
 * finish unobserved. When too many calls fail within the rolling window the
 * breaker opens and calls fail at once instead of piling up on a subgraph
 * that is down; after `resetMs` one probe call goes through (half-open), and
 * its success closes the breaker. Only the subgraph's own failures count
 * (unreachable, timed out, HTTP 5xx, unusable answer): a GraphQL error in a
 * 200 answer or a refused request is an answer. Subscriptions are long-lived
 * streams with their own reconnection and pass through unguarded.
 */
import type { Identity, Logger, SubgraphRequest } from '@platform/core';
import type { FormattedExecutionResult } from 'graphql';
import CircuitBreaker from 'opossum';
import type { SubgraphTransport } from '../subgraph-transport.js';
import { isUnexpectedFailure, SubgraphUnavailableError, type UnavailableReason, unavailableReason } from './subgraph-unavailable.js';

export interface GuardOptions {
  timeoutMs: number;
  breaker: BreakerOptions;
  logger: Logger;
}

export interface BreakerOptions {
  /** Opens when more than this share of calls in the window failed… */
  errorThresholdPercentage: number;
  /** …and the window holds at least this many calls. */
  volumeThreshold: number;
  rollingWindowMs: number;
  /** How long an open breaker fails fast before it lets one probe call through. */
  resetMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface SubgraphHealth {
  breaker: BreakerState;
  /** The latest failure that counted against the breaker, if any since start. */
  lastFailure: { reason: UnavailableReason; at: string } | null;
}

const READY_TIMEOUT_MS = 2_000;

export function guardTransport(transport: SubgraphTransport, options: GuardOptions): SubgraphTransport {
  const { name } = transport;
  const log = options.logger.child({ subgraph: name });
  const breaker = new CircuitBreaker(
    (request: SubgraphRequest, identity: Identity) => transport.call(request, identity, { timeoutMs: options.timeoutMs }),
    {
      name,
      timeout: options.timeoutMs,
      errorThresholdPercentage: options.breaker.errorThresholdPercentage,
      volumeThreshold: options.breaker.volumeThreshold,
      rollingCountTimeout: options.breaker.rollingWindowMs,
      resetTimeout: options.breaker.resetMs,
      errorFilter: (err: unknown) => unavailableReason(err) === null,
      // Latency percentiles sort every sample on each failure, and snapshots add a timer: neither is used here.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    },
  );

  let lastFailure: SubgraphHealth['lastFailure'] = null;
  let openedAt = 0;
  breaker.on('failure', (err: unknown) => {
    lastFailure = { reason: unavailableReason(err) ?? 'bad_response', at: new Date().toISOString() };
  });
  // One line per outage and one per recovery: a failed probe re-opens quietly.
  breaker.on('open', () => {
    if (openedAt) return log.debug('probe failed; circuit breaker open again');
    openedAt = Date.now();
    log.warn({ lastFailure, resetMs: options.breaker.resetMs }, `subgraph ${name} is failing: circuit breaker open, its fields are answered as null`);
  });
  breaker.on('halfOpen', () => log.debug('circuit breaker half-open: the next call probes the subgraph'));
  breaker.on('close', () => {
    log.info({ unavailableMs: Date.now() - openedAt }, `subgraph ${name} recovered: circuit breaker closed`);
    openedAt = 0;
  });

  return {
    name,
    async call(request, identity): Promise<FormattedExecutionResult> {
      try {
        return await breaker.fire(request, identity);
      } catch (err) {
        const reason = unavailableReason(err);
        if (reason === null) throw err;
        if (isUnexpectedFailure(err)) log.error({ err }, 'subgraph call threw');
        throw new SubgraphUnavailableError(name, reason);
      }
    },
    subscribe: (request, identity) => transport.subscribe(request, identity),
    ready: () => withinMs(transport.ready(), READY_TIMEOUT_MS, `subgraph ${name} did not answer its readiness check in time`),
    health: () => ({ breaker: breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed', lastFailure }),
    async close() {
      breaker.shutdown();
      await transport.close();
    },
  };
}

async function withinMs<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

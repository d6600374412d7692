/**
 * Each subgraph's timeout and circuit-breaker policy from the gateway's
 * settings (SUBGRAPH_TIMEOUT_MS and friends, docs/resilience.md): one timeout
 * for every subgraph with overrides by name (analytics' reports on a large
 * tenant may rightly take longer than a billing lookup), one breaker policy.
 */
import type { Logger } from '@platform/core';
import type { GatewaySettings } from '../settings.js';
import type { SubgraphTransport } from '../subgraph-transport.js';
import { type GuardOptions, guardTransport } from './guarded-transport.js';
import type { SubgraphName } from './timeout-overrides.js';

type ResilienceSettings = Pick<
  GatewaySettings,
  | 'SUBGRAPH_TIMEOUT_MS'
  | 'SUBGRAPH_TIMEOUTS_MS'
  | 'SUBGRAPH_BREAKER_ERROR_PERCENT'
  | 'SUBGRAPH_BREAKER_MIN_CALLS'
  | 'SUBGRAPH_BREAKER_WINDOW_MS'
  | 'SUBGRAPH_BREAKER_RESET_MS'
>;

export function guardOptionsFor(name: string, settings: ResilienceSettings, logger: Logger): GuardOptions {
  return {
    timeoutMs: settings.SUBGRAPH_TIMEOUTS_MS[name as SubgraphName] ?? settings.SUBGRAPH_TIMEOUT_MS,
    breaker: {
      errorThresholdPercentage: settings.SUBGRAPH_BREAKER_ERROR_PERCENT,
      volumeThreshold: settings.SUBGRAPH_BREAKER_MIN_CALLS,
      rollingWindowMs: settings.SUBGRAPH_BREAKER_WINDOW_MS,
      resetMs: settings.SUBGRAPH_BREAKER_RESET_MS,
    },
    logger,
  };
}

/** Wraps a transport in its subgraph's timeout and circuit breaker. */
export function guardWith(settings: ResilienceSettings, logger: Logger): (transport: SubgraphTransport) => SubgraphTransport {
  return (transport) => guardTransport(transport, guardOptionsFor(transport.name, settings, logger));
}

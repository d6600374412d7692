/**
 * The resilience settings: one timeout with per-subgraph overrides, a bad
 * value or an unknown subgraph stopping start-up with the variable named.
 */
import { createLogger, EnvError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import { loadGatewaySettings } from '../settings.js';
import { guardOptionsFor } from './policy.js';

const logger = createLogger('test', 'silent');

function thrown(work: () => unknown): Error {
  try {
    work();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('resilience settings', () => {
  it('default to a 10 s timeout and a breaker opening at 50% of at least 20 calls in 10 s, probing after 5 s', () => {
    const options = guardOptionsFor('billing', loadGatewaySettings([], {}), logger);
    expect(options.timeoutMs).toBe(10_000);
    expect(options.breaker).toEqual({ errorThresholdPercentage: 50, volumeThreshold: 20, rollingWindowMs: 10_000, resetMs: 5_000 });
  });

  it('give a subgraph its own timeout, the others the default', () => {
    const settings = loadGatewaySettings([], { SUBGRAPH_TIMEOUT_MS: '4000', SUBGRAPH_TIMEOUTS_MS: 'analytics=30000,billing=2500' });
    expect(settings.SUBGRAPH_TIMEOUTS_MS).toEqual({ analytics: 30_000, billing: 2_500 });
    expect(guardOptionsFor('analytics', settings, logger).timeoutMs).toBe(30_000);
    expect(guardOptionsFor('billing', settings, logger).timeoutMs).toBe(2_500);
    expect(guardOptionsFor('tenancy', settings, logger).timeoutMs).toBe(4_000);
  });

  it.each([
    ['analytics:30000', /name=milliseconds/],
    ['analytics=fast', /name=milliseconds/],
    ['analytcs=30000', /Unrecognized key: "analytcs"/],
    ['billing=0', /billing: Too small/],
  ])('SUBGRAPH_TIMEOUTS_MS=%s stops start-up naming the variable', (value, detail) => {
    const err = thrown(() => loadGatewaySettings([], { SUBGRAPH_TIMEOUTS_MS: value }));
    expect(err).toBeInstanceOf(EnvError);
    expect(err.message).toMatch(/SUBGRAPH_TIMEOUTS_MS/);
    expect(err.message).toMatch(detail);
  });

  it('refuses a breaker percentage over 100', () => {
    expect(thrown(() => loadGatewaySettings([], { SUBGRAPH_BREAKER_ERROR_PERCENT: '150' })).message).toMatch(/SUBGRAPH_BREAKER_ERROR_PERCENT/);
  });
});

/**
 * /ready's verdict: the gateway's own checks decide 200 or 503; a subgraph
 * that is down, or whose breaker is open, makes it "degraded" (still 200),
 * and each subgraph's entry carries its breaker state and last failure.
 */
import { describe, expect, it } from 'vitest';
import type { SubgraphTransport } from '../subgraph-transport.js';
import type { SubgraphHealth } from './guarded-transport.js';
import { readiness } from './readiness.js';

function subgraph(name: string, o: { ready?: boolean; health?: SubgraphHealth } = {}): SubgraphTransport {
  return {
    name,
    call: async () => ({}),
    subscribe: () => {
      throw new Error('not used');
    },
    ready: async () => {
      if (o.ready === false) throw new Error(`subgraph ${name} is not ready (HTTP 503)`);
    },
    ...(o.health ? { health: () => o.health! } : {}),
    close: async () => {},
  };
}

const database = (ok: boolean) => ({
  name: 'database',
  check: async () => {
    if (!ok) throw new Error('connection refused');
  },
});
const closed: SubgraphHealth = { breaker: 'closed', lastFailure: null };

describe('readiness', () => {
  it('is ready when every check passes, with each breaker reported', async () => {
    const r = await readiness([database(true)], [subgraph('tenancy', { health: closed }), subgraph('billing', { health: closed })]);
    expect(r.statusCode).toBe(200);
    expect(r.body).toEqual({
      status: 'ready',
      checks: [
        { name: 'database', ok: true },
        { name: 'subgraph:tenancy', ok: true, breaker: 'closed', lastFailure: null },
        { name: 'subgraph:billing', ok: true, breaker: 'closed', lastFailure: null },
      ],
    });
  });

  it('is degraded, not unavailable, when a subgraph is down', async () => {
    const lastFailure = { reason: 'unreachable' as const, at: '2025-01-01T00:00:00.000Z' };
    const r = await readiness([database(true)], [subgraph('tenancy', { health: closed }), subgraph('billing', { ready: false, health: { breaker: 'open', lastFailure } })]);
    expect(r.statusCode).toBe(200);
    expect(r.body.status).toBe('degraded');
    expect(r.body.checks[2]).toEqual({ name: 'subgraph:billing', ok: false, reason: 'subgraph billing is not ready (HTTP 503)', breaker: 'open', lastFailure });
  });

  it('counts a subgraph whose breaker is open as not ok even when its probe passes', async () => {
    const r = await readiness([], [subgraph('billing', { health: { breaker: 'open', lastFailure: { reason: 'timeout', at: '2025-01-01T00:00:00.000Z' } } })]);
    expect(r.body.status).toBe('degraded');
    expect(r.body.checks[0]).toMatchObject({ ok: false, breaker: 'open', reason: expect.stringMatching(/circuit breaker open after timeout/) });
  });

  it('is unavailable (503) when the gateway’s own dependency fails, whatever the subgraphs say', async () => {
    const r = await readiness([database(false)], [subgraph('billing', { health: closed })]);
    expect(r.statusCode).toBe(503);
    expect(r.body.status).toBe('unavailable');
    expect(r.body.checks[0]).toEqual({ name: 'database', ok: false, reason: 'connection refused' });
  });

  it('reports unguarded transports (tests, tools) without a breaker', async () => {
    const r = await readiness([], [subgraph('probe')]);
    expect(r.body.checks).toEqual([{ name: 'subgraph:probe', ok: true }]);
  });
});

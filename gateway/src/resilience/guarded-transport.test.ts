/**
 * The timeout and circuit breaker around one subgraph: which failures count,
 * when the breaker opens, that it then fails fast without calling the
 * subgraph, the half-open probe, and recovery. opossum's timers run on fake
 * time, so every transition is stepped deliberately.
 */
import type { Identity, Logger } from '@platform/core';
import type { FormattedExecutionResult } from 'graphql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SubgraphCallOptions, SubgraphTransport } from '../subgraph-transport.js';
import { type GuardOptions, guardTransport } from './guarded-transport.js';
import { BadSubgraphResponse, SUBGRAPH_UNAVAILABLE, SubgraphUnavailableError } from './subgraph-unavailable.js';

const identity = { requestId: 'req-00000001' } as Identity;
const request = { query: '{ hello }' };
const ANSWER: FormattedExecutionResult = { data: { hello: 'hi' } };
const RESET_MS = 1_000;

/** A subgraph whose next answer the test decides: a result, or an error to throw, or never. */
function fakeSubgraph() {
  const calls: (SubgraphCallOptions | undefined)[] = [];
  const state: { next: () => Promise<FormattedExecutionResult> } = { next: async () => ANSWER };
  const transport: SubgraphTransport = {
    name: 'billing',
    call: (_request, _identity, options) => {
      calls.push(options);
      return state.next();
    },
    subscribe: () => {
      throw new Error('not used');
    },
    ready: async () => {},
    close: async () => {},
  };
  return { transport, calls, state };
}

function recordingLogger() {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (...args: unknown[]) => void lines.push({ level, msg: String(args.find((a) => typeof a === 'string') ?? '') });
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger } as unknown as Logger;
  return { logger, lines };
}

const unreachable = () => Promise.reject(new TypeError('fetch failed'));

async function failure(work: Promise<unknown>): Promise<SubgraphUnavailableError> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof SubgraphUnavailableError)) throw new Error(`expected SubgraphUnavailableError, got ${String(err)}`);
  return err;
}

describe('guarded subgraph transport', () => {
  let options: GuardOptions;
  let lines: { level: string; msg: string }[];

  beforeEach(() => {
    vi.useFakeTimers();
    const recorded = recordingLogger();
    lines = recorded.lines;
    options = {
      timeoutMs: 500,
      breaker: { errorThresholdPercentage: 50, volumeThreshold: 4, rollingWindowMs: 10_000, resetMs: RESET_MS },
      logger: recorded.logger,
    };
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes answers through, GraphQL errors included, and tells the transport its timeout', async () => {
    const { transport, calls, state } = fakeSubgraph();
    const guarded = guardTransport(transport, options);
    const refusal = { errors: [{ message: 'Not allowed', extensions: { code: 'FORBIDDEN' } }] };
    state.next = async () => refusal;

    for (let i = 0; i < 10; i++) expect(await guarded.call(request, identity)).toEqual(refusal);

    expect(calls).toHaveLength(10);
    expect(calls[0]).toEqual({ timeoutMs: 500 });
    expect(guarded.health?.()).toEqual({ breaker: 'closed', lastFailure: null });
  });

  it('names the subgraph and the reason when a call fails', async () => {
    const { transport, state } = fakeSubgraph();
    const guarded = guardTransport(transport, options);
    state.next = unreachable;

    const err = await failure(guarded.call(request, identity));

    expect(err.extensions).toEqual({ code: SUBGRAPH_UNAVAILABLE, subgraph: 'billing', reason: 'unreachable' });
    expect(err.message).toMatch(/billing/);
  });

  it('stops waiting for a call slower than its timeout, even one that cannot be aborted', async () => {
    const { transport, state } = fakeSubgraph();
    const guarded = guardTransport(transport, options);
    state.next = () => new Promise(() => {});

    const pending = failure(guarded.call(request, identity));
    await vi.advanceTimersByTimeAsync(options.timeoutMs);

    expect((await pending).reason).toBe('timeout');
    expect(guarded.health?.().lastFailure?.reason).toBe('timeout');
  });

  it('opens after the minimum number of calls, then fails fast without calling the subgraph', async () => {
    const { transport, calls, state } = fakeSubgraph();
    const guarded = guardTransport(transport, options);
    state.next = unreachable;

    for (let i = 0; i < 3; i++) expect((await failure(guarded.call(request, identity))).reason).toBe('unreachable');
    expect(guarded.health?.().breaker).toBe('closed'); // below the minimum volume
    await failure(guarded.call(request, identity));
    expect(guarded.health?.().breaker).toBe('open');

    const fastFailures = await Promise.all(Array.from({ length: 5 }, () => failure(guarded.call(request, identity))));
    expect(fastFailures.map((e) => e.reason)).toEqual(Array(5).fill('circuit_open'));
    expect(calls).toHaveLength(4);
  });

  it('probes once after the reset time: a success closes it, a failure opens it again', async () => {
    const { transport, calls, state } = fakeSubgraph();
    const guarded = guardTransport(transport, options);
    state.next = unreachable;
    for (let i = 0; i < 4; i++) await failure(guarded.call(request, identity));
    expect(guarded.health?.().breaker).toBe('open');

    await vi.advanceTimersByTimeAsync(RESET_MS);
    expect(guarded.health?.().breaker).toBe('half-open');
    await failure(guarded.call(request, identity)); // the probe fails
    expect(guarded.health?.().breaker).toBe('open');
    expect(calls).toHaveLength(5);

    await vi.advanceTimersByTimeAsync(RESET_MS);
    state.next = async () => ANSWER;
    expect(await guarded.call(request, identity)).toEqual(ANSWER);
    expect(guarded.health?.().breaker).toBe('closed');
    expect(await guarded.call(request, identity)).toEqual(ANSWER);
    expect(calls).toHaveLength(7);
  });

  it('logs one warning per outage and one line at recovery, not one per call or per failed probe', async () => {
    const { transport, state } = fakeSubgraph();
    const guarded = guardTransport(transport, options);
    state.next = unreachable;
    for (let i = 0; i < 20; i++) await guarded.call(request, identity).catch(() => {});
    for (let probe = 0; probe < 3; probe++) {
      await vi.advanceTimersByTimeAsync(RESET_MS);
      await guarded.call(request, identity).catch(() => {});
    }
    await vi.advanceTimersByTimeAsync(RESET_MS);
    state.next = async () => ANSWER;
    await guarded.call(request, identity);

    const logged = lines.filter((l) => l.level !== 'debug');
    expect(logged.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(logged[0]!.msg).toMatch(/billing is failing/);
    expect(logged[1]!.msg).toMatch(/billing recovered/);
  });

  it('does not count a refused request (HTTP 4xx) against the subgraph, and passes its error on unchanged', async () => {
    const { transport, state } = fakeSubgraph();
    const guarded = guardTransport(transport, options);
    const refused = new BadSubgraphResponse('billing', 413, 'body too large');
    state.next = () => Promise.reject(refused);

    for (let i = 0; i < 10; i++) await expect(guarded.call(request, identity)).rejects.toBe(refused);

    expect(guarded.health?.()).toEqual({ breaker: 'closed', lastFailure: null });
  });

  it('after close, answers unreachable without calling the subgraph or logging an error', async () => {
    const { transport, calls } = fakeSubgraph();
    const guarded = guardTransport(transport, options);
    await guarded.close();

    expect((await failure(guarded.call(request, identity))).reason).toBe('unreachable');
    expect(calls).toHaveLength(0);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('counts HTTP 5xx and exceptions of an in-process subgraph as bad responses', async () => {
    const { transport, state } = fakeSubgraph();
    const guarded = guardTransport(transport, options);

    state.next = () => Promise.reject(new BadSubgraphResponse('billing', 502, '<html>Bad Gateway</html>'));
    expect((await failure(guarded.call(request, identity))).reason).toBe('bad_response');
    state.next = () => Promise.reject(new Error('createContext failed'));
    expect((await failure(guarded.call(request, identity))).reason).toBe('bad_response');

    expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['subgraph call threw']);
  });
});

/**
 * Subscriptions on a subgraph: refused without a valid identity header (in
 * process and over graphql-ws), one fresh context per event, masked errors,
 * and a returned iterator ends its source stream.
 */
import { type FormattedExecutionResult, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createClient } from 'graphql-ws/client';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { IDENTITY_HEADER, type Identity, requestBodyHash, signIdentityHeader } from '../auth/index.js';
import { createLogger } from '../logger.js';
import type { BaseContext } from './context.js';
import { listenSubgraph, type SubgraphRuntime, startSubgraphRuntime } from './subgraph-server.js';

const SECRET = 'y'.repeat(48);
const logger = createLogger('test', 'silent');

/** Events per channel; `return()` on a subscription removes it at once, even while a `next()` waits. */
class PubSub {
  private readonly subscribers = new Map<string, Set<(event: unknown) => void>>();
  readonly identities: Identity[] = [];

  subscribe(channel: string, identity: Identity): AsyncIterableIterator<unknown> {
    this.identities.push(identity);
    const queue: unknown[] = [];
    let wake: ((step: IteratorResult<unknown>) => void) | null = null;
    const push = (event: unknown) => {
      if (!wake) return void queue.push(event);
      wake({ done: false, value: event });
      wake = null;
    };
    const set = this.subscribers.get(channel) ?? new Set();
    this.subscribers.set(channel, set.add(push));
    const iterator: AsyncIterableIterator<unknown> = {
      next: async () => (queue.length ? { done: false, value: queue.shift() } : new Promise((resolve) => (wake = resolve))),
      return: async () => {
        set.delete(push);
        wake?.({ done: true, value: undefined });
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  publish(channel: string, event: unknown): void {
    for (const push of this.subscribers.get(channel) ?? []) push(event);
  }

  count(channel: string): number {
    return this.subscribers.get(channel)?.size ?? 0;
  }
}

interface ProbeContext extends BaseContext {
  contextNumber: number;
}

function probeSchema(pubsub: PubSub): GraphQLSchema {
  const Tick = new GraphQLObjectType<{ n: number }, ProbeContext>({
    name: 'Tick',
    fields: {
      n: { type: new GraphQLNonNull(GraphQLInt) },
      contextNumber: { type: new GraphQLNonNull(GraphQLInt), resolve: (_tick, _args, ctx) => ctx.contextNumber },
      boom: { type: GraphQLString, resolve: () => { throw new Error('db at 10.0.0.7 refused (secret detail)'); } },
    },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { hello: { type: GraphQLString, resolve: () => 'hi' } } }),
    subscription: new GraphQLObjectType<unknown, ProbeContext>({
      name: 'Subscription',
      fields: {
        ticked: {
          type: new GraphQLNonNull(Tick),
          args: { channel: { type: new GraphQLNonNull(GraphQLString) } },
          subscribe: (_root, args: { channel: string }, ctx) => pubsub.subscribe(args.channel, ctx.identity),
          resolve: (event) => event,
        },
      },
    }),
  });
}

const identity: Identity = { accountId: 'a1', sessionId: 's1', tenantId: 't1', userId: 'u1', role: 'member', scopes: ['read'], authMethod: 'access_token', requestId: 'req-sub-0001', clientIp: null, userAgent: null };
const SUBSCRIPTION = 'subscription($c: String!) { ticked(channel: $c) { n contextNumber } }';

function signed(query: string, variables: Record<string, unknown>): string {
  return signIdentityHeader(identity, { secret: SECRET, bodyHash: requestBodyHash({ query, variables }) });
}

async function start() {
  const pubsub = new PubSub();
  let contexts = 0;
  const runtime = await startSubgraphRuntime<ProbeContext>(
    { name: 'probe', schema: probeSchema(pubsub), createContext: (base) => ({ ...base, contextNumber: ++contexts }) },
    { internalSecret: SECRET, logger },
  );
  return { pubsub, runtime };
}

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let runtime: SubgraphRuntime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

describe('subgraph subscriptions in process', () => {
  it('runs each event with a fresh context and the verified identity', async () => {
    const started = await start();
    runtime = started.runtime;
    const variables = { c: 'one' };
    const stream = await runtime.subscribe({ query: SUBSCRIPTION, variables }, { [IDENTITY_HEADER]: signed(SUBSCRIPTION, variables) });
    if (!(Symbol.asyncIterator in stream)) throw new Error(`refused: ${JSON.stringify(stream)}`);
    expect(started.pubsub.identities[0]).toMatchObject({ tenantId: 't1', userId: 'u1' });
    started.pubsub.publish('one', { n: 1 });
    started.pubsub.publish('one', { n: 2 });
    const first = await stream.next();
    const second = await stream.next();
    // Context 1 served the subscribe resolver; every event got its own.
    expect(first.value).toEqual({ data: { ticked: { n: 1, contextNumber: 2 } } });
    expect(second.value).toEqual({ data: { ticked: { n: 2, contextNumber: 3 } } });
    await stream.return?.();
  });

  it.each([
    ['missing', undefined, 'IDENTITY_MISSING'],
    ['signed for another body', signed('subscription { ticked(channel: "x") { n } }', {}), 'IDENTITY_BODY_MISMATCH'],
    ['forged', signIdentityHeader(identity, { secret: 'z'.repeat(48), bodyHash: requestBodyHash({ query: SUBSCRIPTION, variables: { c: 'one' } }) }), 'IDENTITY_INVALID'],
  ])('refuses a subscription whose identity header is %s', async (_case, header, code) => {
    const started = await start();
    runtime = started.runtime;
    const result = await runtime.subscribe({ query: SUBSCRIPTION, variables: { c: 'one' } }, { [IDENTITY_HEADER]: header });
    expect(Symbol.asyncIterator in result).toBe(false);
    expect((result as FormattedExecutionResult).errors?.[0]?.extensions?.code).toBe(code);
    expect(started.pubsub.identities).toHaveLength(0);
  });

  it('refuses a replayed identity header', async () => {
    const started = await start();
    runtime = started.runtime;
    const variables = { c: 'one' };
    const header = signed(SUBSCRIPTION, variables);
    const first = await runtime.subscribe({ query: SUBSCRIPTION, variables }, { [IDENTITY_HEADER]: header });
    const replay = await runtime.subscribe({ query: SUBSCRIPTION, variables }, { [IDENTITY_HEADER]: header });
    expect((replay as FormattedExecutionResult).errors?.[0]?.extensions?.code).toBe('IDENTITY_REPLAYED');
    await (first as AsyncIterableIterator<unknown>).return?.();
  });

  it('refuses queries and invalid documents with a code', async () => {
    const started = await start();
    runtime = started.runtime;
    const query = '{ hello }';
    const result = (await runtime.subscribe({ query }, { [IDENTITY_HEADER]: signed(query, {}) })) as FormattedExecutionResult;
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    const invalid = 'subscription { ticked(channel: "x") { nope } }';
    const refused = (await runtime.subscribe({ query: invalid }, { [IDENTITY_HEADER]: signed(invalid, {}) })) as FormattedExecutionResult;
    expect(refused.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('masks an unexpected resolver error with the request id', async () => {
    const started = await start();
    runtime = started.runtime;
    const query = 'subscription { ticked(channel: "b") { n boom } }';
    const stream = (await runtime.subscribe({ query }, { [IDENTITY_HEADER]: signed(query, {}) })) as AsyncIterableIterator<FormattedExecutionResult>;
    started.pubsub.publish('b', { n: 1 });
    const { value } = await stream.next();
    expect(value?.data).toEqual({ ticked: { n: 1, boom: null } });
    expect(value?.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-sub-0001' } });
    expect(JSON.stringify(value)).not.toContain('secret detail');
    await stream.return?.();
  });

  it('ends the source stream when the subscription is returned, even while waiting for an event', async () => {
    const started = await start();
    runtime = started.runtime;
    const variables = { c: 'leave' };
    const stream = (await runtime.subscribe({ query: SUBSCRIPTION, variables }, { [IDENTITY_HEADER]: signed(SUBSCRIPTION, variables) })) as AsyncIterableIterator<unknown>;
    expect(started.pubsub.count('leave')).toBe(1);
    const waiting = stream.next();
    await stream.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(started.pubsub.count('leave')).toBe(0);
  });

  it('stop() ends running subscriptions', async () => {
    const started = await start();
    const variables = { c: 'stop' };
    await started.runtime.subscribe({ query: SUBSCRIPTION, variables }, { [IDENTITY_HEADER]: signed(SUBSCRIPTION, variables) });
    expect(started.pubsub.count('stop')).toBe(1);
    await started.runtime.stop();
    expect(started.pubsub.count('stop')).toBe(0);
  });
});

describe('subgraph subscriptions over graphql-ws', () => {
  it('serves a signed subscription, refuses an unsigned one, and closes clients with 1001 on shutdown', async () => {
    const started = await start();
    const served = await listenSubgraph(started.runtime, { port: 0, logger });
    const closes: number[] = [];
    const client = createClient({
      url: served.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      on: { closed: (event) => void closes.push((event as { code: number }).code) },
    });
    try {
      const unsigned = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: SUBSCRIPTION, variables: { c: 'ws' } }, { next: resolve, error: resolve, complete: () => resolve('complete') });
      });
      expect(unsigned).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'IDENTITY_MISSING' }) })]);

      const variables = { c: 'ws' };
      const results: FormattedExecutionResult[] = [];
      let ended: unknown;
      client.subscribe(
        { query: SUBSCRIPTION, variables, extensions: { [IDENTITY_HEADER]: signed(SUBSCRIPTION, variables) } },
        {
          next: (r) => void results.push(r as FormattedExecutionResult),
          error: (e) => {
            ended = e;
          },
          complete: () => {
            ended = 'complete';
          },
        },
      );
      await until(() => started.pubsub.count('ws') === 1);
      started.pubsub.publish('ws', { n: 7 });
      await until(() => results.length === 1);
      expect(results[0]).toEqual({ data: { ticked: { n: 7, contextNumber: 2 } } });

      const t0 = Date.now();
      await served.app.close();
      expect(Date.now() - t0).toBeLessThan(1_500);
      await until(() => ended !== undefined);
      expect(closes).toContain(1001);
      expect(started.pubsub.count('ws')).toBe(0);
    } finally {
      await client.dispose();
      await served.app.close();
    }
  });
});

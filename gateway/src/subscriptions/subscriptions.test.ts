/**
 * Federated subscriptions end to end: real graphql-ws and graphql-sse clients
 * against a gateway on port 0 in front of two subgraphs (`ticks` owns the
 * subscription, `users` resolves `User.email`).
 */
import type { FormattedExecutionResult } from 'graphql';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { type Client, createClient } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_SLOW_CONSUMER, CLOSE_TOKEN_EXPIRED } from './options.js';
import { type Harness, startHarness, until } from './test-fixtures.js';

const TICKED = 'subscription Ticked($c: String) { ticked(channel: $c) { n owner { email } } }';

let harness: Harness | undefined;
const clients: { dispose(): unknown }[] = [];

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const client of clients.splice(0)) await client.dispose();
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

interface Closed {
  code: number;
  reason: string;
}

function wsClient(h: Harness, token?: string, key = 'authorization') {
  const closes: Closed[] = [];
  let socket: WebSocket | undefined;
  const client = createClient({
    url: h.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    ...(token ? { connectionParams: { [key]: `Bearer ${token}` } } : {}),
    on: {
      opened: (s) => {
        socket = s as WebSocket;
      },
      closed: (event) => void closes.push(event as Closed),
    },
  });
  clients.push(client);
  return { client, closes, socket: () => socket! };
}

interface Subscription {
  results: FormattedExecutionResult[];
  error: unknown;
  completed: boolean;
  stop(): void;
}

function subscribe(client: Client | SseClient, query: string, variables: Record<string, unknown> = {}): Subscription {
  const sub: Subscription = { results: [], error: undefined, completed: false, stop: () => {} };
  sub.stop = client.subscribe(
    { query, variables },
    {
      next: (result) => void sub.results.push(result as FormattedExecutionResult),
      error: (err) => {
        sub.error = err;
      },
      complete: () => {
        sub.completed = true;
      },
    },
  );
  return sub;
}

/** Publishes numbered events until every subscription has received one: proves they are all joined. */
async function untilJoined(h: Harness, channel: string, subs: Subscription[]): Promise<void> {
  for (let n = 1000; !subs.every((s) => s.results.length > 0); n++) {
    if (n > 1200) throw new Error('subscriptions never received an event');
    h.pubsub.publish(channel, { n, ownerId: 'warmup' });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (const s of subs) s.results.length = 0;
}

describe('subscriptions over graphql-ws', () => {
  it('delivers an event with owner.email from the users subgraph, shaped to exactly the selection', async () => {
    const h = await start();
    const { client } = wsClient(h, await h.token('tenant-1'));
    const sub = subscribe(client, TICKED, { c: 'one' });
    await until(() => h.pubsub.active('one') === 1);
    h.pubsub.publish('one', { n: 1, ownerId: 'u1', note: 'not selected' });
    await until(() => sub.results.length === 1);
    expect(sub.results[0]).toEqual({ data: { ticked: { n: 1, owner: { email: 'u1@example.com' } } } });
    // The subgraphs saw the subscriber's identity, signed by the gateway.
    expect(h.pubsub.subscribeCalls[0]).toMatchObject({ tenantId: 'tenant-1', role: 'member', authMethod: 'access_token' });
    expect(h.entityFetches.identities[0]).toMatchObject({ tenantId: 'tenant-1' });
  });

  it('shares one upstream and one entity fetch per event among identical subscriptions, and closes it when the last leaves', async () => {
    const h = await start();
    const first = subscribe(wsClient(h, await h.token('tenant-1')).client, TICKED, { c: 'shared' });
    const second = subscribe(wsClient(h, await h.token('tenant-1')).client, TICKED, { c: 'shared' });
    const otherVariables = subscribe(wsClient(h, await h.token('tenant-1')).client, TICKED, { c: 'other' });
    const otherTenant = subscribe(wsClient(h, await h.token('tenant-2')).client, TICKED, { c: 'shared' });
    await untilJoined(h, 'shared', [first, second, otherTenant]);
    await until(() => h.pubsub.active('other') === 1);
    // tenant-1 "shared", tenant-1 "other", tenant-2 "shared".
    expect(h.pubsub.subscribeCalls).toHaveLength(3);
    expect(h.pubsub.active('shared')).toBe(2);

    const fetchesBefore = h.entityFetches.count;
    h.pubsub.publish('shared', { n: 1, ownerId: 'u1' });
    await until(() => first.results.length === 1 && second.results.length === 1 && otherTenant.results.length === 1);
    expect(first.results[0]).toEqual(second.results[0]);
    expect(h.entityFetches.count - fetchesBefore).toBe(2); // one per group: tenant-1 and tenant-2
    expect(otherVariables.results).toHaveLength(0);

    first.stop();
    otherTenant.stop();
    await until(() => h.pubsub.active('shared') === 1);
    second.stop();
    await until(() => h.pubsub.active('shared') === 0);
  });

  it('includes the errors of entity fetches, as for queries', async () => {
    const h = await start();
    const sub = subscribe(wsClient(h, await h.token()).client, TICKED, { c: 'err' });
    await until(() => h.pubsub.active('err') === 1);
    h.pubsub.publish('err', { n: 1, ownerId: 'secret' });
    await until(() => sub.results.length === 1);
    expect(sub.results[0]?.errors?.[0]).toMatchObject({ message: 'Not yours to see', extensions: { code: 'FORBIDDEN', serviceName: 'users' } });
  });

  it('without a token, the subgraph refuses the subscription with UNAUTHENTICATED', async () => {
    const h = await start();
    const sub = subscribe(wsClient(h).client, TICKED, { c: 'anon' });
    await until(() => sub.completed || sub.error !== undefined);
    expect(sub.results[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(sub.completed).toBe(true);
    expect(h.pubsub.subscribeCalls).toHaveLength(0);
  });

  it('accepts the token under "Authorization", as GraphiQL sends its headers', async () => {
    const h = await start();
    const sub = subscribe(wsClient(h, await h.token('tenant-9'), 'Authorization').client, TICKED, { c: 'graphiql' });
    await until(() => h.pubsub.active('graphiql') === 1);
    expect(h.pubsub.subscribeCalls[0]).toMatchObject({ tenantId: 'tenant-9' });
    expect(sub.error).toBeUndefined();
  });

  it(`closes the connection with ${CLOSE_TOKEN_EXPIRED.code} when the access token expires, ending its upstream`, async () => {
    const h = await start();
    const { client, closes } = wsClient(h, await h.token('tenant-1', 'member', 1));
    subscribe(client, TICKED, { c: 'expiring' });
    await until(() => h.pubsub.active('expiring') === 1);
    await until(() => closes.length > 0, 3_000);
    expect(closes[0]).toMatchObject(CLOSE_TOKEN_EXPIRED);
    await until(() => h.pubsub.active('expiring') === 0);
  });

  it('rejects the connection with 4403 when the token is invalid', async () => {
    const h = await start();
    const { client, closes } = wsClient(h, 'not-a-jwt');
    const sub = subscribe(client, TICKED, { c: 'bad' });
    await until(() => sub.error !== undefined);
    expect(closes[0]).toMatchObject({ code: 4403, reason: 'Forbidden' });
  });

  it('refuses queries, invalid documents and too many subscriptions per connection', async () => {
    const h = await start({ subscriptions: { maxSubscriptionsPerConnection: 1 } });
    const { client } = wsClient(h, await h.token());
    const query = subscribe(client, '{ __typename }');
    await until(() => query.error !== undefined);
    const invalid = subscribe(client, 'subscription { ticked { nope } }');
    await until(() => invalid.error !== undefined);
    expect(query.error).toEqual([expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })]);
    expect(invalid.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })]);

    const kept = subscribe(client, TICKED, { c: 'limit' });
    await until(() => h.pubsub.active('limit') === 1);
    const refused = subscribe(client, TICKED, { c: 'limit2' });
    await until(() => refused.error !== undefined);
    expect(refused.error).toEqual([expect.objectContaining({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })]);
    expect(kept.error).toBeUndefined();
  });

  it(`disconnects a client that stops reading with ${CLOSE_SLOW_CONSUMER.code}, while another keeps receiving`, async () => {
    const h = await start({ subscriptions: { queueLimit: 8, maxBufferedBytes: 256 * 1024 } });
    const query = 'subscription($c: String) { ticked(channel: $c) { n note } }';
    const slow = wsClient(h, await h.token());
    const fast = wsClient(h, await h.token());
    const slowSub = subscribe(slow.client, query, { c: 'slow' });
    const fastSub = subscribe(fast.client, query, { c: 'slow' });
    await untilJoined(h, 'slow', [slowSub, fastSub]);

    (slow.socket() as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const note = 'x'.repeat(64 * 1024);
    let n = 0;
    while (!h.logs.some((l) => l.msg === 'closing a slow WebSocket consumer')) {
      if (++n > 2_000) throw new Error('the paused client was never cut off');
      h.pubsub.publish('slow', { n, ownerId: 'u1', note });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await until(() => fastSub.results.length === n, 10_000);

    (slow.socket() as unknown as { _socket: { resume(): void } })._socket.resume();
    await until(() => slow.closes.length > 0, 10_000);
    expect(slow.closes[0]).toMatchObject(CLOSE_SLOW_CONSUMER);
    expect(slowSub.results.length).toBeLessThan(n);

    h.pubsub.publish('slow', { n: n + 1, ownerId: 'u1', note: 'after' });
    await until(() => fastSub.results.length === n + 1);
    expect(fastSub.results.at(-1)).toEqual({ data: { ticked: { n: n + 1, note: 'after' } } });
    expect(fast.closes).toHaveLength(0);
  });
});

describe('subscriptions over graphql-sse', () => {
  function sseClient(h: Harness, token?: string): SseClient {
    const client = createSseClient({ url: `${h.url}/graphql/stream`, retryAttempts: 0, headers: token ? { authorization: `Bearer ${token}` } : {} });
    clients.push(client);
    return client;
  }

  it('receives the same event as a WebSocket subscriber, through the same upstream', async () => {
    const h = await start();
    const viaWs = subscribe(wsClient(h, await h.token()).client, TICKED, { c: 'sse' });
    const viaSse = subscribe(sseClient(h, await h.token()), TICKED, { c: 'sse' });
    await untilJoined(h, 'sse', [viaWs, viaSse]);
    h.pubsub.publish('sse', { n: 5, ownerId: 'u5' });
    await until(() => viaSse.results.length === 1 && viaWs.results.length === 1);
    expect(viaSse.results[0]).toEqual({ data: { ticked: { n: 5, owner: { email: 'u5@example.com' } } } });
    expect(viaSse.results[0]).toEqual(viaWs.results[0]);
    expect(h.pubsub.subscribeCalls).toHaveLength(1);
    viaSse.stop();
    viaWs.stop();
    await until(() => h.pubsub.active('sse') === 0);
  });

  it('ends the stream when the access token expires', async () => {
    const h = await start();
    const sub = subscribe(sseClient(h, await h.token('tenant-1', 'member', 1)), TICKED, { c: 'sse-expiring' });
    await until(() => h.pubsub.active('sse-expiring') === 1);
    await until(() => sub.error !== undefined, 3_000);
    expect(h.pubsub.active('sse-expiring')).toBe(0);
  });

  it('answers 401 to an invalid token and streams validation errors', async () => {
    const h = await start();
    const bad = subscribe(sseClient(h, 'not-a-jwt'), TICKED, { c: 'x' });
    await until(() => bad.error !== undefined);
    expect((bad.error as { response?: { status: number } }).response?.status).toBe(401);

    const invalid = subscribe(sseClient(h, await h.token()), 'subscription { ticked { nope } }');
    await until(() => invalid.completed);
    expect(invalid.results[0]?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('shutdown', () => {
  it('closes WebSocket clients with 1001, ends event streams and returns every upstream, quickly', async () => {
    const h = await start();
    const ws = wsClient(h, await h.token());
    const viaWs = subscribe(ws.client, TICKED, { c: 'bye' });
    const sse = createSseClient({ url: `${h.url}/graphql/stream`, retryAttempts: 0, headers: { authorization: `Bearer ${await h.token()}` } });
    clients.push(sse);
    const viaSse = subscribe(sse, TICKED, { c: 'bye-sse' });
    await until(() => h.pubsub.active('bye') === 1 && h.pubsub.active('bye-sse') === 1);

    const started = Date.now();
    await h.app.close();
    expect(Date.now() - started).toBeLessThan(1_500);
    await until(() => viaWs.error !== undefined && viaSse.error !== undefined);
    expect(ws.closes[0]).toMatchObject({ code: 1001, reason: 'Going away' });
    expect(h.pubsub.active('bye')).toBe(0);
    expect(h.pubsub.active('bye-sse')).toBe(0);
  });
});

describe('distributed mode (ticks over HTTP + graphql-ws)', () => {
  it('subscribes through the subgraph socket, and re-subscribes with a fresh identity header after a reconnect', async () => {
    const h = await start({ ticksOverHttp: {} });
    const subgraphSockets: { destroy(): void }[] = [];
    h.ticksServer!.server.on('upgrade', (_req, socket) => void subgraphSockets.push(socket));
    const sub = subscribe(wsClient(h, await h.token()).client, TICKED, { c: 'remote' });
    await until(() => h.pubsub.active('remote') === 1);
    h.pubsub.publish('remote', { n: 1, ownerId: 'u1' });
    await until(() => sub.results.length === 1);
    expect(sub.results[0]).toEqual({ data: { ticked: { n: 1, owner: { email: 'u1@example.com' } } } });

    for (const socket of subgraphSockets) socket.destroy();
    await until(() => h.pubsub.subscribeCalls.length === 2 && h.pubsub.active('remote') === 1, 5_000);
    h.pubsub.publish('remote', { n: 2, ownerId: 'u2' });
    await until(() => sub.results.length === 2);
    expect(sub.results[1]).toEqual({ data: { ticked: { n: 2, owner: { email: 'u2@example.com' } } } });
    expect(h.logs.filter((l) => String(l.msg).includes('identity'))).toHaveLength(0);
  });

  it('ends subscriptions with an error when the subgraph goes away', async () => {
    const h = await start({ ticksOverHttp: { retryAttempts: 0 } });
    const sub = subscribe(wsClient(h, await h.token()).client, TICKED, { c: 'gone' });
    await until(() => h.pubsub.active('gone') === 1);
    await h.ticksServer!.close();
    await until(() => sub.completed);
    expect(sub.results.at(-1)?.errors?.[0]?.extensions?.code).toBe('SUBSCRIPTION_SOURCE_FAILED');
  });
});

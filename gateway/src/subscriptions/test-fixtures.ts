/**
 * Two tiny subgraphs composed at test time, run by the real subgraph runtime,
 * behind a real gateway on port 0: `ticks` owns `Subscription.ticked` (fed by
 * an in-memory pubsub that records who subscribed) and references `User`;
 * `users` resolves `User.email`.
 */
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  type BaseContext,
  createAccessTokenIssuer,
  createAccessTokenVerifier,
  createLogger,
  generateSigningKeys,
  type Identity,
  listenSubgraph,
  type SubgraphRuntime,
  startSubgraphRuntime,
} from '@platform/core';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, parse } from 'graphql';
import { createGatewayServer } from '../gateway-server.js';
import { createAuthenticator } from '../identity.js';
import { httpTransport, inProcessTransport, type SubgraphTransport } from '../subgraph-transport.js';
import type { SubscriptionOptions } from './options.js';

export interface TickEvent {
  n: number;
  ownerId: string;
  note?: string;
}

/** Events per channel; a returned subscription is removed at once, even while a `next()` waits. */
export class PubSub {
  private readonly subscribers = new Map<string, Set<(event: TickEvent) => void>>();
  /** The identity of every subscribe call, in order. */
  readonly subscribeCalls: Identity[] = [];

  subscribe(channel: string, identity: Identity): AsyncIterableIterator<TickEvent> {
    this.subscribeCalls.push(identity);
    const queue: TickEvent[] = [];
    let wake: ((step: IteratorResult<TickEvent>) => void) | null = null;
    const push = (event: TickEvent) => {
      if (!wake) return void queue.push(event);
      wake({ done: false, value: event });
      wake = null;
    };
    const set = this.subscribers.get(channel) ?? new Set();
    this.subscribers.set(channel, set.add(push));
    const iterator: AsyncIterableIterator<TickEvent> = {
      next: async () => {
        const event = queue.shift();
        if (event) return { done: false, value: event };
        return new Promise((resolve) => {
          wake = resolve;
        });
      },
      return: async () => {
        set.delete(push);
        wake?.({ done: true, value: undefined });
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  publish(channel: string, event: TickEvent): void {
    for (const push of this.subscribers.get(channel) ?? []) push(event);
  }

  /** Open source subscriptions on a channel. */
  active(channel: string): number {
    return this.subscribers.get(channel)?.size ?? 0;
  }
}

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

const ticksTypeDefs = parse(`${FEDERATION}
  type Query { tickCount: Int }
  type Subscription { ticked(channel: String): Tick! }
  type Tick { n: Int! note: String owner: User! }
  type User @key(fields: "id", resolvable: false) { id: ID! }
`);

const usersTypeDefs = parse(`${FEDERATION}
  type Query { me: User }
  type User @key(fields: "id") { id: ID! email: String! }
`);

function ticksSchema(pubsub: PubSub) {
  return buildSubgraphSchema({
    typeDefs: ticksTypeDefs,
    resolvers: {
      Subscription: {
        ticked: {
          // What a Pothos auth scope does: no signed-in member, no subscription.
          subscribe: (_root: unknown, args: { channel?: string | null }, ctx: BaseContext) => {
            if (!ctx.identity.tenantId) throw new GraphQLError('Sign in to subscribe', { extensions: { code: 'UNAUTHENTICATED' } });
            return pubsub.subscribe(args.channel ?? 'default', ctx.identity);
          },
          resolve: (event: TickEvent) => event,
        },
      },
      Tick: { owner: (tick: TickEvent) => ({ id: tick.ownerId }) },
    } as never,
  });
}

function usersSchema(entityFetches: { count: number; identities: Identity[] }) {
  return buildSubgraphSchema({
    typeDefs: usersTypeDefs,
    resolvers: {
      User: {
        __resolveReference: (ref: { id: string }, ctx: BaseContext) => {
          entityFetches.count++;
          entityFetches.identities.push(ctx.identity);
          if (ref.id === 'secret') throw new GraphQLError('Not yours to see', { extensions: { code: 'FORBIDDEN' } });
          return { id: ref.id, email: `${ref.id}@example.com` };
        },
      },
    } as never,
  });
}

export interface Harness {
  url: string;
  wsUrl: string;
  app: FastifyInstance;
  pubsub: PubSub;
  entityFetches: { count: number; identities: Identity[] };
  logs: Record<string, unknown>[];
  /** An access token for a member of `tenantId`. */
  token(tenantId?: string, role?: string, ttlSeconds?: number): Promise<string>;
  /** The ticks subgraph's own server, when it runs over HTTP. */
  ticksServer: FastifyInstance | null;
  close(): Promise<void>;
}

export async function startHarness(options: { subscriptions?: SubscriptionOptions; ticksOverHttp?: { retryAttempts?: number } } = {}): Promise<Harness> {
  // Warnings and errors of the root logger are kept for assertions (the subscription code logs through it).
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
  for (const level of ['warn', 'error'] as const) {
    logger[level] = ((fields: object, msg?: string) => void logs.push({ level, msg, ...fields })) as never;
  }
  const keys = await generateSigningKeys();
  const secret = crypto.randomUUID() + crypto.randomUUID();
  const issuer = createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem });
  const pubsub = new PubSub();
  const entityFetches = { count: 0, identities: [] as Identity[] };

  const composed = composeServices([
    { name: 'ticks', typeDefs: ticksTypeDefs, url: 'http://ticks.invalid/graphql' },
    { name: 'users', typeDefs: usersTypeDefs, url: 'http://users.invalid/graphql' },
  ]);
  if (composed.errors) throw composed.errors[0];

  const runtimeOptions = { internalSecret: secret, logger };
  const ticks = await startSubgraphRuntime({ name: 'ticks', schema: ticksSchema(pubsub), createContext: (base) => base }, runtimeOptions);
  const users = await startSubgraphRuntime({ name: 'users', schema: usersSchema(entityFetches), createContext: (base) => base }, runtimeOptions);
  const runtimes: SubgraphRuntime[] = [users];
  const transports = new Map<string, SubgraphTransport>([['users', inProcessTransport(users, secret)]]);
  let ticksServer: FastifyInstance | null = null;
  if (options.ticksOverHttp) {
    const served = await listenSubgraph(ticks, { port: 0, logger });
    ticksServer = served.app;
    transports.set('ticks', httpTransport('ticks', served.url, secret, 10_000, { ...options.ticksOverHttp, logger }));
  } else {
    runtimes.push(ticks);
    transports.set('ticks', inProcessTransport(ticks, secret));
  }

  const app = await createGatewayServer({
    supergraphSdl: composed.supergraphSdl,
    transports,
    authenticate: createAuthenticator(createAccessTokenVerifier({ publicKeyPem: keys.publicKeyPem })),
    quota: null,
    logger,
    introspection: false,
    bodyLimitBytes: 1_048_576,
    readyChecks: [],
    subscriptions: options.subscriptions,
  });
  const url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    app,
    pubsub,
    entityFetches,
    logs,
    ticksServer,
    token: async (tenantId = 'tenant-1', role = 'member', ttlSeconds?: number) => {
      const tokens = ttlSeconds ? createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem, ttlSeconds }) : issuer;
      const claims = { accountId: `account-${crypto.randomUUID()}`, sessionId: crypto.randomUUID(), tenantId, userId: `user-${crypto.randomUUID()}`, role, scopes: ['ticks:read'] };
      return (await tokens.issue(claims)).token;
    },
    async close() {
      // A fetch() client that aborted a stream opens a spare connection that server.close() would wait 4 s for.
      const spare = setTimeout(() => app.server.closeAllConnections(), 200);
      if (app.server.listening) await app.close();
      clearTimeout(spare);
      if (ticksServer?.server.listening) await ticksServer.close();
      for (const runtime of runtimes) await runtime.stop();
    },
  };
}

export async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

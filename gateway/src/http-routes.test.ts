/**
 * In embedded mode the gateway serves the in-process subgraphs' HTTP routes
 * (billing's webhook): they get the exact body bytes and skip the gateway's
 * authentication and API quota (a webhook authenticates by its signature),
 * while /graphql keeps both.
 */
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createLogger, type HttpRoute, type HttpRouteRequest, type SubgraphRuntime, startSubgraphRuntime } from '@platform/core';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiQuota } from './api-quota.js';
import { createGatewayServer } from './gateway-server.js';
import { anonymousIdentity, type CallerInfo } from './identity.js';
import { inProcessTransport } from './subgraph-transport.js';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { hello: String }
`);
const SECRET = 'w'.repeat(48);
const BODY_LIMIT = 4_096;

let app: FastifyInstance | undefined;
let runtime: SubgraphRuntime | undefined;
afterEach(async () => {
  await app?.close();
  await runtime?.stop();
  app = undefined;
  runtime = undefined;
});

/** A gateway over one in-process subgraph that serves `routes`, where every bearer token is refused and the quota can run out. */
async function gateway(routes: HttpRoute[]) {
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const composed = composeServices([{ name: 'probe', typeDefs, url: 'http://probe.invalid/graphql' }]);
  if (composed.errors) throw composed.errors[0];
  const schema = buildSubgraphSchema({ typeDefs, resolvers: { Query: { hello: () => 'hi' } } });
  runtime = await startSubgraphRuntime({ name: 'probe', schema, createContext: (base) => base, routes }, { internalSecret: SECRET, logger });
  const quota = { exhausted: false };
  app = await createGatewayServer({
    supergraphSdl: composed.supergraphSdl,
    transports: new Map([['probe', inProcessTransport(runtime, SECRET)]]),
    authenticate: async (caller: CallerInfo) => {
      if (caller.authorization) throw new GraphQLError('The access token is not valid', { extensions: { code: 'TOKEN_INVALID', http: { status: 401 } } });
      return { ...anonymousIdentity(caller), tenantId: 'tenant-1' };
    },
    quota: {
      tierOf: async () => 'FREE',
      consume: async () => {
        if (quota.exhausted) throw new GraphQLError('Quota used up', { extensions: { code: 'QUOTA_EXCEEDED', http: { status: 429 } } });
      },
      close: async () => {},
    } as unknown as ApiQuota,
    logger,
    introspection: false,
    bodyLimitBytes: BODY_LIMIT,
    readyChecks: [],
    subscriptions: false,
    routes: runtime.routes,
  });
  await app.ready();
  return { app, quota };
}

function webhookRoute() {
  const received: HttpRouteRequest[] = [];
  const route: HttpRoute = {
    method: 'POST',
    path: '/billing/webhooks/stripe/:tenantId',
    async handle(request) {
      received.push(request);
      if (request.params.tenantId === 'broken') throw new Error('handler bug');
      return { status: 200, body: { received: true } };
    },
  };
  return { route, received };
}

const graphql = (server: FastifyInstance, headers: Record<string, string> = {}, payload: string = JSON.stringify({ query: '{ hello }' })) =>
  server.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', ...headers }, payload });

describe('subgraph HTTP routes on the gateway', () => {
  it('serves a route with the exact body, past a refused token and a used-up quota', async () => {
    const { route, received } = webhookRoute();
    const { app: server, quota } = await gateway([route]);
    quota.exhausted = true;
    const body = '{\n  "id": "evt_1",  "type": "invoice.paid"\n}';

    const res = await server.inject({
      method: 'POST',
      url: '/billing/webhooks/stripe/tenant-9',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer not-a-token', 'x-request-id': 'webhook-req-0001' },
      payload: body,
    });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true });
    expect(res.headers['x-request-id']).toBe('webhook-req-0001');
    expect(received[0]!.rawBody.toString('utf8')).toBe(body);
    expect(received[0]!.params).toEqual({ tenantId: 'tenant-9' });
    expect(received[0]!.requestId).toBe('webhook-req-0001');
  });

  it('leaves /graphql as it was: it answers, and still applies authentication and the quota', async () => {
    const { app: server, quota } = await gateway([webhookRoute().route]);

    expect((await graphql(server)).json().data).toEqual({ hello: 'hi' });
    const refused = await graphql(server, { authorization: 'Bearer not-a-token' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().errors[0].extensions.code).toBe('TOKEN_INVALID');
    quota.exhausted = true;
    expect((await graphql(server)).json().errors[0].extensions.code).toBe('QUOTA_EXCEEDED');
  });

  it('answers a route’s errors in its own format, and /graphql’s in GraphQL’s', async () => {
    const { route, received } = webhookRoute();
    const { app: server } = await gateway([route]);
    const big = JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT) });

    const tooLarge = await server.inject({ method: 'POST', url: '/billing/webhooks/stripe/t1', headers: { 'content-type': 'application/json' }, payload: big });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toEqual({ error: 'payload_too_large' });
    expect(received).toHaveLength(0);

    const failed = await server.inject({ method: 'POST', url: '/billing/webhooks/stripe/broken', payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toEqual({ error: 'internal' });

    const graphqlTooLarge = await graphql(server, {}, big);
    expect(graphqlTooLarge.statusCode).toBe(413);
    expect(graphqlTooLarge.json().errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('serves no extra route when given none', async () => {
    const { app: server } = await gateway([]);
    const res = await server.inject({ method: 'POST', url: '/billing/webhooks/stripe/t1', payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(404);
  });
});

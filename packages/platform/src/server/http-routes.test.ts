/**
 * Subgraph HTTP routes get the exact bytes of any body, their path params and
 * a clean 500 or 413 when something goes wrong, without changing how the rest
 * of the app parses JSON; `listenSubgraph` serves a runtime's routes.
 */
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpRoute, type HttpRouteRequest, mountHttpRoutes } from './http-routes.js';
import { listenSubgraph, startSubgraphRuntime } from './subgraph-server.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

/** A route that records what it received and answers 202 with a summary. */
function recordingRoute(overrides: Partial<HttpRoute> = {}) {
  const received: HttpRouteRequest[] = [];
  const route: HttpRoute = {
    method: 'POST',
    path: '/hooks/:provider/:tenantId',
    async handle(request) {
      received.push(request);
      return { status: 202, body: { ok: true, bytes: request.rawBody.length }, headers: { 'x-hook': 'seen' } };
    },
    ...overrides,
  };
  return { route, received };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function appWith(routes: HttpRoute[], logger = capture().logger): Promise<FastifyInstance> {
  app = Fastify({ bodyLimit: 1_048_576 });
  // Stands in for /graphql: an ordinary route that relies on the app's JSON parser.
  app.post('/json', async (req) => ({ parsed: req.body }));
  await mountHttpRoutes(app, routes, logger);
  await app.ready();
  return app;
}

describe('mountHttpRoutes', () => {
  it('hands a JSON body over as its exact raw bytes, with the path params', async () => {
    const { route, received } = recordingRoute();
    const body = '{ "id":"evt_1",\n  "amount": 1.50, "name":"Zoë" }\n';
    const res = await (await appWith([route])).inject({ method: 'POST', url: '/hooks/stripe/tenant-42', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=ab' }, payload: body });

    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ ok: true, bytes: Buffer.byteLength(body) });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-hook']).toBe('seen');
    expect(received[0]!.rawBody.equals(Buffer.from(body))).toBe(true);
    expect(received[0]!.params).toEqual({ provider: 'stripe', tenantId: 'tenant-42' });
    expect(received[0]!.headers['stripe-signature']).toBe('t=1,v1=ab');
    expect(received[0]!.ip).toBe('127.0.0.1');
    expect(received[0]!.requestId).toBeTruthy();
  });

  it.each([
    ['text/plain', 'text/plain; charset=utf-8', Buffer.from('plain text, not JSON {')],
    ['an unknown type', 'application/x-weird', Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x0a])],
  ])('hands a %s body over as its exact raw bytes', async (_name, type, body) => {
    const { route, received } = recordingRoute();
    const res = await (await appWith([route])).inject({ method: 'POST', url: '/hooks/p/t', headers: { 'content-type': type }, payload: body });

    expect(res.statusCode).toBe(202);
    expect(received[0]!.rawBody.equals(body)).toBe(true);
  });

  it('gives an empty Buffer for a request without a body, and serves GET routes', async () => {
    const { route, received } = recordingRoute({ method: 'GET', path: '/status/:id' });
    const res = await (await appWith([route])).inject({ method: 'GET', url: '/status/abc' });

    expect(res.statusCode).toBe(202);
    expect(received[0]!.rawBody).toEqual(Buffer.alloc(0));
    expect(received[0]!.params).toEqual({ id: 'abc' });
  });

  it('leaves the JSON parsing of the app’s other routes as it was', async () => {
    const server = await appWith([recordingRoute().route]);
    const res = await server.inject({ method: 'POST', url: '/json', headers: { 'content-type': 'application/json' }, payload: '{"a":1}' });
    expect(res.json()).toEqual({ parsed: { a: 1 } });
    // The routes' catch-all parser did not leak out: an unknown type is still refused there.
    const weird = await server.inject({ method: 'POST', url: '/json', headers: { 'content-type': 'application/x-weird' }, payload: 'hello' });
    expect(weird.statusCode).toBe(415);
  });

  it('answers 500 { error: "internal" } when the handler throws, logs it, and keeps serving', async () => {
    const { lines, logger } = capture();
    let calls = 0;
    const route: HttpRoute = {
      method: 'POST',
      path: '/boom',
      async handle() {
        calls++;
        if (calls === 1) throw new Error('database at 10.0.0.7 refused');
        return { status: 200, body: { calls } };
      },
    };
    const server = await appWith([route], logger);

    const failed = await server.inject({ method: 'POST', url: '/boom', payload: 'x' });
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toEqual({ error: 'internal' });
    expect(failed.body).not.toContain('10.0.0.7');
    const logged = lines.find((l) => l.msg === 'http route failed');
    expect(JSON.stringify(logged)).toContain('10.0.0.7');
    expect(logged?.route).toBe('POST /boom');

    const next = await server.inject({ method: 'POST', url: '/boom', payload: 'x' });
    expect(next.json()).toEqual({ calls: 2 });
  });

  it('answers 500 when the response cannot be sent as JSON', async () => {
    const route: HttpRoute = { method: 'POST', path: '/bigint', handle: async () => ({ status: 200, body: { n: 1n } }) };
    const res = await (await appWith([route])).inject({ method: 'POST', url: '/bigint' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal' });
  });

  it('sends no body when the response has none', async () => {
    const route: HttpRoute = { method: 'POST', path: '/quiet', handle: async () => ({ status: 204, body: undefined }) };
    const res = await (await appWith([route])).inject({ method: 'POST', url: '/quiet', payload: 'x' });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
  });

  it('answers 413 to a body over the route’s limit, without calling the handler', async () => {
    const { route, received } = recordingRoute({ bodyLimitBytes: 64 });
    const server = await appWith([route]);

    const res = await server.inject({ method: 'POST', url: '/hooks/p/t', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(100) }) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: 'payload_too_large' });
    expect(received).toHaveLength(0);

    const small = await server.inject({ method: 'POST', url: '/hooks/p/t', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(small.statusCode).toBe(202);
  });
});

describe('listenSubgraph', () => {
  it('serves the runtime’s routes beside /graphql, without the identity check', async () => {
    const { route, received } = recordingRoute();
    const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { hello: { type: GraphQLString, resolve: () => 'hi' } } }) });
    const logger = capture().logger;
    const runtime = await startSubgraphRuntime({ name: 'probe', schema, createContext: (base) => base, routes: [route] }, { internalSecret: 'z'.repeat(48), logger });
    expect(runtime.routes).toEqual([route]);
    const served = await listenSubgraph(runtime, { port: 0, logger });
    app = served.app;
    const base = served.url.replace(/\/graphql$/, '');

    const hook = await fetch(`${base}/hooks/stripe/t1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id": 1}' });
    expect(hook.status).toBe(202);
    expect(received[0]!.rawBody.toString()).toBe('{"id": 1}');

    // GraphQL keeps its JSON parsing and its identity check.
    const graphql = await fetch(served.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ hello }' }) });
    expect(graphql.status).toBe(401);
    expect(((await graphql.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toMatch(/^IDENTITY_/);
  });

  it('serves no extra route when the definition has none', async () => {
    const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { hello: { type: GraphQLString } } }) });
    const logger = capture().logger;
    const runtime = await startSubgraphRuntime({ name: 'probe', schema, createContext: (base) => base }, { internalSecret: 'z'.repeat(48), logger });
    expect(runtime.routes).toEqual([]);
    const served = await listenSubgraph(runtime, { port: 0, logger });
    app = served.app;
    const res = await served.app.inject({ method: 'POST', url: '/hooks/stripe/t1', payload: '{}' });
    expect(res.statusCode).toBe(404);
  });
});

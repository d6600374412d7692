/**
 * What the HTTP transport makes of each kind of answer, behind its guard: a
 * GraphQL answer (errors included) passes through, a refused request keeps its
 * error, and a subgraph that is down, slow or answers garbage becomes a
 * SUBGRAPH_UNAVAILABLE error with the right reason; a slow request is aborted,
 * not left running. Real sockets against a tiny HTTP server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Identity } from '@platform/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardTransport } from './resilience/guarded-transport.js';
import { BadSubgraphResponse, SubgraphUnavailableError } from './resilience/subgraph-unavailable.js';
import { httpTransport, SignedDataSource } from './subgraph-transport.js';

const SECRET = 's'.repeat(48);
const identity: Identity = {
  accountId: null,
  sessionId: null,
  tenantId: 't1',
  userId: null,
  role: null,
  scopes: [],
  authMethod: 'internal',
  requestId: 'req-00000001',
  clientIp: null,
  userAgent: null,
};
const request = { query: '{ hello }' };

const answers: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => json(res, 200, { data: { hello: 'hi' } }),
  '/graphql-error': (res) => json(res, 400, { errors: [{ message: 'Cannot query field "nope"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }),
  '/too-large': (res) => json(res, 413, { statusCode: 413, error: 'Payload Too Large' }),
  '/bad-gateway': (res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>'),
  '/crashed': (res) => json(res, 500, { errors: [{ message: 'Internal server error' }] }),
  '/not-json': (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello'),
  '/slow': () => {},
};

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

let server: Server;
let base: string;
const abortedPaths: string[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    res.on('close', () => {
      if (!res.writableFinished) abortedPaths.push(req.url ?? '');
    });
    answers[new URL(req.url ?? '/', base).pathname]?.(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function guarded(path: string, url = `${base}${path}`) {
  return guardTransport(httpTransport('billing', url, SECRET), {
    timeoutMs: 200,
    breaker: { errorThresholdPercentage: 50, volumeThreshold: 100, rollingWindowMs: 10_000, resetMs: 1_000 },
    logger: createLogger('test', 'silent'),
  });
}

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('HTTP subgraph transport behind its guard', () => {
  it('passes GraphQL answers through, errors and all', async () => {
    expect(await guarded('/ok').call(request, identity)).toEqual({ data: { hello: 'hi' } });
    const refused = await guarded('/graphql-error').call(request, identity);
    expect(refused.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('keeps a refused request without GraphQL errors as it is, not counted against the subgraph', async () => {
    const transport = guarded('/too-large');
    const err = await rejection(transport.call(request, identity));
    expect(err).toBeInstanceOf(BadSubgraphResponse);
    expect((err as BadSubgraphResponse).status).toBe(413);
    expect(transport.health?.().lastFailure).toBeNull();
  });

  it.each([
    ['/bad-gateway', 'bad_response'],
    ['/crashed', 'bad_response'],
    ['/not-json', 'bad_response'],
    ['/slow', 'timeout'],
  ])('%s → SUBGRAPH_UNAVAILABLE, reason %s', async (path, reason) => {
    const err = await rejection(guarded(path).call(request, identity));
    expect(err).toBeInstanceOf(SubgraphUnavailableError);
    expect((err as SubgraphUnavailableError).extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'billing', reason });
  });

  it('a subgraph nobody listens for is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const err = await rejection(guarded('', `http://127.0.0.1:${port}/graphql`).call(request, identity));
    expect((err as SubgraphUnavailableError).reason).toBe('unreachable');
  });

  it('aborts the request that timed out instead of leaving it open', async () => {
    await rejection(guarded('/slow?abort-test').call(request, identity));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(abortedPaths).toContain('/slow?abort-test');
  });

  it('the gateway data source answers an unavailable subgraph with its error and no data', async () => {
    const source = new SignedDataSource(guarded('/bad-gateway'));
    const response = await source.process({ request, context: { identity } } as unknown as Parameters<SignedDataSource['process']>[0]);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'billing', reason: 'bad_response' });
  });
});

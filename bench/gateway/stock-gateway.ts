/**
 * The stock gateway the benchmark compares ours with: `@apollo/gateway` with
 * its default options inside `@apollo/server`'s `startStandaloneServer`, on the
 * same supergraph file, calling the same subgraph processes over HTTP with
 * `RemoteGraphQLDataSource` (its default fetcher and keep-alive agent).
 *
 * The only additions are what our subgraphs require of any caller, done the
 * way our gateway does them so both do the same work per request: the context
 * authenticates the bearer token (gateway/src/identity.ts), and
 * `willSendRequest` signs the caller's identity into the header every subgraph
 * verifies, bound to the body of that subgraph request
 * (gateway/src/subgraph-transport.ts).
 *
 * Env: PORT, SUPERGRAPH_PATH, SUBGRAPH_URLS (JSON: subgraph name → URL; the
 * committed supergraph's URLs are placeholders), INTERNAL_SECRET, JWT_PUBLIC_KEY.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createAccessTokenVerifier, IDENTITY_HEADER, type Identity, requestBodyHash, signIdentityHeader } from '@platform/core';
import { createAuthenticator } from '@platform/gateway/identity';

// The Apollo packages are the gateway package's dependencies, not the root's: load the very copies our gateway uses.
const fromGateway = createRequire(path.resolve(import.meta.dirname, '../../gateway/package.json'));
const { ApolloGateway, RemoteGraphQLDataSource } = fromGateway('@apollo/gateway') as typeof import('../../gateway/node_modules/@apollo/gateway/dist/index.js');
const { ApolloServer } = fromGateway('@apollo/server') as typeof import('../../gateway/node_modules/@apollo/server/dist/cjs/index.js');
const { startStandaloneServer } = fromGateway('@apollo/server/standalone') as typeof import('../../gateway/node_modules/@apollo/server/dist/cjs/standalone/index.js');

interface StockContext {
  identity: Identity;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`stock gateway: ${name} is required`);
  return value;
};

const subgraphUrls = JSON.parse(env('SUBGRAPH_URLS')) as Record<string, string>;
const secret = env('INTERNAL_SECRET');
const authenticate = createAuthenticator(createAccessTokenVerifier({ publicKeyPem: env('JWT_PUBLIC_KEY') }));
const supergraphSdl = await readFile(path.resolve(import.meta.dirname, '../..', env('SUPERGRAPH_PATH')), 'utf8');

const gateway = new ApolloGateway({
  supergraphSdl,
  buildService: ({ name }) => {
    const url = subgraphUrls[name];
    if (!url) throw new Error(`stock gateway: no URL for subgraph "${name}"`);
    return new RemoteGraphQLDataSource<StockContext>({
      url,
      willSendRequest({ request, context }) {
        const identity = (context as Partial<StockContext>).identity;
        if (!identity) return; // schema loading and health checks carry no caller
        const bodyHash = requestBodyHash({ query: request.query ?? '', variables: request.variables, operationName: request.operationName });
        request.http?.headers.set(IDENTITY_HEADER, signIdentityHeader(identity, { secret, bodyHash }));
        request.http?.headers.set('x-request-id', identity.requestId);
      },
    });
  },
});

const server = new ApolloServer<StockContext>({ gateway });
const { url } = await startStandaloneServer<StockContext>(server, {
  listen: { port: Number(env('PORT')), host: '127.0.0.1' },
  context: async ({ req }: { req: IncomingMessage }) => ({
    identity: await authenticate({
      authorization: req.headers.authorization,
      requestId: crypto.randomUUID(),
      clientIp: req.socket.remoteAddress ?? null,
      userAgent: req.headers['user-agent']?.slice(0, 512) ?? null,
    }),
  }),
});
console.log(`stock @apollo/gateway listening at ${url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // A clean exit, so --cpu-prof writes its profile.
    void server.stop().finally(() => process.exit(0));
  });
}

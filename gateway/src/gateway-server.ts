/**
 * The public edge: one Fastify server with the GraphQL endpoint (Apollo Server
 * around @apollo/gateway, loading the composed supergraph), federated
 * subscriptions on the same port (graphql-ws at /graphql, graphql-sse at
 * /graphql/stream), the offline explorer for browsers, /health and /ready, and
 * in embedded mode the subgraphs' own HTTP routes (webhooks).
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import { type HttpRoute, type Logger, mountHttpRoutes, unexpectedErrorPlugin } from '@platform/core';
import Fastify, { type FastifyInstance } from 'fastify';
import type { GraphQLFormattedError } from 'graphql';
import type { ApiQuota } from './api-quota.js';
import { registerExplorer } from './explorer.js';
import type { CallerInfo, createAuthenticator, GatewayContext } from './identity.js';
import { SignedDataSource, type SubgraphTransport } from './subgraph-transport.js';
import { registerSubscriptions, type SubscriptionOptions } from './subscriptions/index.js';

export interface GatewayServerOptions {
  supergraphSdl: string;
  transports: Map<string, SubgraphTransport>;
  authenticate: ReturnType<typeof createAuthenticator>;
  quota: ApiQuota | null;
  logger: Logger;
  introspection: boolean;
  bodyLimitBytes: number;
  /** Extra readiness checks (database). */
  readyChecks: { name: string; check: () => Promise<void> }[];
  /** Limits of the subscription endpoints (defaults in docs/subscriptions.md); `false` serves none. */
  subscriptions?: SubscriptionOptions | false;
  /** The in-process subgraphs' HTTP routes (embedded mode), e.g. billing's webhook. */
  routes?: HttpRoute[];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

export async function createGatewayServer(options: GatewayServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    keepAliveTimeout: 65_000,
  }) as unknown as FastifyInstance;

  // Every response, GraphQL or not, error or not, names its request id.
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', String(req.id));
    return payload;
  });

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
    if (status >= 500) req.log.error({ err }, 'request failed');
    const message = status >= 500 ? 'Internal server error' : err.message;
    return reply.code(status).send({ errors: [{ message, extensions: { code, requestId: req.id } }] });
  });

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const transport = options.transports.get(name);
      if (!transport) throw new Error(`no transport configured for subgraph "${name}"`);
      return new SignedDataSource(transport);
    },
  });

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    formatError: maskUnexpected,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      fastifyApolloDrainPlugin(app),
      unexpectedErrorPlugin<GatewayContext>({
        requestOf: (ctx) => ({ requestId: ctx.identity.requestId, logger: options.logger }),
        // Errors that carry a code were classified (and, if unexpected, logged) by the subgraph.
        isUnexpected: (err) => !err.extensions?.code,
      }),
    ],
  });
  await apollo.start();

  const handler = fastifyApolloHandler(apollo, {
    context: async (req) => {
      const caller: CallerInfo = {
        authorization: req.headers.authorization,
        requestId: String(req.id),
        clientIp: req.ip ?? null,
        userAgent: req.headers['user-agent']?.slice(0, 512) ?? null,
      };
      const identity = await options.authenticate(caller);
      await options.quota?.consume(identity);
      return { identity };
    },
  });
  app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], handler });
  await registerExplorer(app, { path: '/graphql' });
  if (options.subscriptions !== false) {
    registerSubscriptions(app, {
      supergraphSdl: options.supergraphSdl,
      transports: options.transports,
      authenticate: options.authenticate,
      quota: options.quota,
      logger: options.logger,
      formatError: maskUnexpected,
      settings: options.subscriptions,
    });
  }

  // Subgraph routes authenticate their callers themselves (webhooks by signature),
  // so they must stay outside the gateway's authentication and API quota. Both
  // run only inside the GraphQL and subscription handlers (the Apollo context,
  // the subscription endpoints), never in an app-wide hook: the one app-wide
  // hook is onSend's x-request-id. An app-wide auth hook added later must skip
  // these routes. They answer with their own error handler, not the GraphQL one.
  await mountHttpRoutes(app, options.routes ?? [], options.logger);

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_req, reply) => {
    const checks = [
      ...options.readyChecks,
      ...[...options.transports.values()].map((t) => ({ name: `subgraph:${t.name}`, check: () => t.ready() })),
    ];
    const results = await Promise.all(
      checks.map(async (c) => {
        try {
          await c.check();
          return { name: c.name, ok: true as const };
        } catch (err) {
          return { name: c.name, ok: false as const, reason: (err as Error).message };
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: results });
  });

  app.addHook('onClose', async () => {
    await options.quota?.close();
    // Subscription clients and upstreams are gone by now (preClose); this closes the subgraph connections they used.
    await Promise.all([...options.transports.values()].map((t) => t.close()));
  });
  return app;
}

/** Errors the subgraphs or gateway did not classify are masked; they were logged where they happened. */
function maskUnexpected(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
    const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
}

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
import { anonymousIdentity, type createAuthenticator, type GatewayContext } from './identity.js';
import { costSchemaOf, createOperationGuard } from './limits/index.js';
import { costReportingPlugin } from './protection/cost-report.js';
import { createRequestGuard, MINIMUM_CHARGE } from './protection/request-guard.js';
import { protectionOf, type RequestProtection } from './protection/request-protection.js';
import { type PolicyTier, resolveTierPolicies, type TierPolicy } from './protection/tier-policies.js';
import { MemoryBucketStore } from './rate-limit/memory-bucket-store.js';
import { TenantRateLimiter } from './rate-limit/tenant-rate-limiter.js';
import { readiness } from './resilience/readiness.js';
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
  /** Operation limits and cost buckets per tier (default: the built-in policies). */
  tierPolicies?: Record<PolicyTier, TierPolicy>;
  /** The per-tenant cost limiter (default: in this process's memory); closed with the server. */
  rateLimiter?: TenantRateLimiter;
}

/** The Apollo context of a GraphQL request: the caller, and what the request guard charged it. */
type GraphQLContext = GatewayContext & { protection?: RequestProtection };

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

  const limiter = options.rateLimiter ?? new TenantRateLimiter(new MemoryBucketStore(), null, options.logger);
  const requestGuard = createRequestGuard({
    authenticate: options.authenticate,
    quota: options.quota,
    operations: createOperationGuard({ schema: costSchemaOf(options.supergraphSdl), introspection: options.introspection }),
    policies: options.tierPolicies ?? resolveTierPolicies(),
    limiter,
  });

  const apollo = new ApolloServer<GraphQLContext>({
    gateway,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    formatError: maskUnexpected,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      fastifyApolloDrainPlugin(app),
      costReportingPlugin<GraphQLContext>(limiter, MINIMUM_CHARGE),
      unexpectedErrorPlugin<GraphQLContext>({
        requestOf: (ctx) => ({ requestId: ctx.identity.requestId, logger: options.logger }),
        // Errors that carry a code were classified (and, if unexpected, logged) by the subgraph.
        isUnexpected: (err) => !err.extensions?.code,
      }),
    ],
  });
  await apollo.start();

  const handler = fastifyApolloHandler(apollo, {
    // The request guard authenticated and admitted every GET and POST. Other
    // methods never reach it, and Apollo answers them 405 without executing.
    context: async (req) => {
      const protection = protectionOf(req);
      return protection
        ? { identity: protection.identity, protection }
        : { identity: anonymousIdentity({ requestId: String(req.id), clientIp: req.ip ?? null, userAgent: null }) };
    },
  });
  app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], preHandler: requestGuard.preHandler, handler });
  await registerExplorer(app, { path: '/graphql' });
  if (options.subscriptions !== false) {
    registerSubscriptions(app, {
      supergraphSdl: options.supergraphSdl,
      transports: options.transports,
      authenticate: options.authenticate,
      quota: options.quota,
      logger: options.logger,
      formatError: maskUnexpected,
      screen: requestGuard.screenSubscription,
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
  // 503 only when the gateway's own checks fail; a failing subgraph answers 200 "degraded" (resilience/readiness.ts).
  app.get('/ready', async (_req, reply) => {
    const { statusCode, body } = await readiness(options.readyChecks, options.transports.values());
    return reply.code(statusCode).send(body);
  });

  app.addHook('onClose', async () => {
    await options.quota?.close();
    await limiter.close();
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

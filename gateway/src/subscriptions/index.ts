/**
 * Federated subscriptions on the gateway's port: graphql-ws at /graphql
 * (WebSocket upgrade) and graphql-sse at /graphql/stream. Each subscription is
 * planned with the supergraph's query planner, subscribed at the owning
 * subgraph (shared by identical subscribers), and every event is completed
 * with the fields other subgraphs own. See docs/subscriptions.md.
 */
import type { Identity, Logger } from '@platform/core';
import type { FastifyInstance } from 'fastify';
import type { GraphQLFormattedError } from 'graphql';
import type { ApiQuota } from '../api-quota.js';
import type { CallerInfo } from '../identity.js';
import type { SubgraphTransport } from '../subgraph-transport.js';
import { registerEventStreamEndpoint } from './event-stream-endpoint.js';
import { type SubscriptionOptions, subscriptionLimits } from './options.js';
import { SubscriptionService, type SubscriptionServiceOptions } from './subscription-service.js';
import { attachWebSocketEndpoint } from './websocket-endpoint.js';

export { CLOSE_SLOW_CONSUMER, EVENT_STREAM_PATH, type SubscriptionOptions, WEBSOCKET_PATH } from './options.js';

export interface SubscriptionServerOptions {
  supergraphSdl: string;
  transports: Map<string, SubgraphTransport>;
  authenticate: (caller: CallerInfo) => Promise<Identity>;
  quota: ApiQuota | null;
  logger: Logger;
  formatError: (error: GraphQLFormattedError) => GraphQLFormattedError;
  /** Operation limits and the cost bucket, as on the HTTP path (subscription-service.ts). */
  screen?: SubscriptionServiceOptions['screen'];
  settings?: SubscriptionOptions;
}

export interface SubscriptionServer {
  /** Shared upstream groups and their subscribers (for metrics and tests). */
  stats(): { groups: number; subscribers: number };
}

/**
 * Mounts both endpoints. On `app.close()` (preClose, before the HTTP server
 * stops: it waits for upgraded sockets and open streams) every client is
 * closed and every upstream subscription returned.
 */
export function registerSubscriptions(app: FastifyInstance, options: SubscriptionServerOptions): SubscriptionServer {
  const limits = subscriptionLimits(options.settings);
  const service = new SubscriptionService(options);
  const endpoint = { service, authenticate: options.authenticate, limits, logger: options.logger };
  const webSocket = attachWebSocketEndpoint(app, endpoint);
  const eventStream = registerEventStreamEndpoint(app, { ...endpoint, formatError: options.formatError });
  app.addHook('preClose', async () => {
    await Promise.all([webSocket.close(), eventStream.close()]);
    service.close();
  });
  return { stats: () => service.stats() };
}

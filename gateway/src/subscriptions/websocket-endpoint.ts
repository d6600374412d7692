/**
 * graphql-ws (`graphql-transport-ws` protocol) on the gateway's own port: the
 * Fastify HTTP server's `upgrade` requests for /graphql are handed to a `ws`
 * server. The client authenticates once, in `connection_init`
 * (`connectionParams.authorization = "Bearer <access token>"`), through the
 * same authenticator as the HTTP path; every subscription on the connection
 * runs as that identity, until the token expires and the connection closes.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Identity, Logger } from '@platform/core';
import type { FastifyInstance } from 'fastify';
import { GraphQLError } from 'graphql';
// Not a React hook, whatever the name says.
import { useServer as serveGraphQLWebSocket } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { CallerInfo } from '../identity.js';
import type { Admitted } from './hub.js';
import { SocketMember } from './members.js';
import { CLOSE_SLOW_CONSUMER, CLOSE_TOKEN_EXPIRED, type SubscriptionLimits, WEBSOCKET_PATH } from './options.js';
import type { SubscriptionService } from './subscription-service.js';
import { onExpiry } from './token-expiry.js';

export interface WebSocketEndpointOptions {
  service: SubscriptionService;
  authenticate: (caller: CallerInfo) => Promise<Identity>;
  limits: SubscriptionLimits;
  logger: Logger;
}

type ConnectionParams = Record<string, unknown>;

interface Started {
  id: string;
  identity: Identity;
  admitted: Admitted;
  socket: WebSocket;
}

export function attachWebSocketEndpoint(app: FastifyInstance, { service, authenticate, limits, logger }: WebSocketEndpointOptions): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const identities = new WeakMap<WebSocket, Identity>();

  const server = serveGraphQLWebSocket<ConnectionParams>(
    {
      connectionInitWaitTimeout: limits.connectionInitTimeoutMs,
      // Returning false closes the socket with 4403 Forbidden.
      onConnect: async (ctx) => {
        const authorization = authorizationOf(ctx.connectionParams);
        if (authorization !== undefined && typeof authorization !== 'string') return false;
        const { socket, request } = ctx.extra;
        try {
          identities.set(socket, await authenticate(callerOf(request, authorization)));
          const expiry = onExpiry(authorization, () => socket.close(CLOSE_TOKEN_EXPIRED.code, CLOSE_TOKEN_EXPIRED.reason));
          if (expiry) socket.once('close', () => clearTimeout(expiry));
          return true;
        } catch (err) {
          if (!(err instanceof GraphQLError)) logger.error({ err }, 'WebSocket authentication failed unexpectedly');
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws has already reserved this id, so the count includes it.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
          return [new GraphQLError(`At most ${limits.maxSubscriptionsPerConnection} subscriptions per connection`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })];
        }
        const socket = ctx.extra.socket;
        const identity = identities.get(socket)!;
        let admitted: Awaited<ReturnType<SubscriptionService['admit']>>;
        try {
          admitted = await service.admit(identity, payload);
        } catch (err) {
          // Thrown out of here, graphql-ws would close the whole connection (4500).
          logger.error({ err, requestId: identity.requestId }, 'subscription could not be admitted');
          return [new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: identity.requestId } })];
        }
        if (Array.isArray(admitted)) return admitted;
        const started: Started = { id, identity, admitted, socket };
        return { schema: service.api, document: admitted.prepared.document, operationName: admitted.prepared.operationName, variableValues: admitted.variables, contextValue: started };
      },
      subscribe: (args) => {
        const { id, identity, admitted, socket } = args.contextValue as Started;
        const member = new SocketMember(socket, id, limits, () => {
          logger.warn({ requestId: identity.requestId, tenantId: identity.tenantId, bufferedBytes: socket.bufferedAmount }, 'closing a slow WebSocket consumer');
          socket.close(CLOSE_SLOW_CONSUMER.code, CLOSE_SLOW_CONSUMER.reason);
        });
        service.join(identity, admitted, member);
        return member;
      },
    },
    wss,
    limits.keepAliveMs,
  );

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== WEBSOCKET_PATH) {
      // Another part of the server may serve other paths; otherwise nobody will answer.
      if (app.server.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (client) => wss.emit('connection', client, req));
  };
  app.server.on('upgrade', onUpgrade);

  return {
    /** Closes every client with 1001 "Going away"; sockets that do not finish the handshake in time are destroyed. */
    async close() {
      app.server.off('upgrade', onUpgrade);
      const disposed = server.dispose();
      const grace = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, limits.shutdownGraceMs);
      try {
        await disposed;
      } finally {
        clearTimeout(grace);
      }
    },
  };
}

/** `authorization` in any case: GraphiQL sends its headers editor's `Authorization` as connection params. */
function authorizationOf(params: ConnectionParams | undefined): unknown {
  if (!params) return undefined;
  if ('authorization' in params) return params.authorization;
  const key = Object.keys(params).find((k) => k.toLowerCase() === 'authorization');
  return key === undefined ? undefined : params[key];
}

function callerOf(request: IncomingMessage, authorization: string | undefined): CallerInfo {
  return {
    authorization: authorization || undefined,
    requestId: randomUUID(),
    clientIp: request.socket.remoteAddress ?? null,
    userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
  };
}

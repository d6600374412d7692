/**
 * Plain HTTP routes a subgraph serves beside GraphQL (webhooks from payment
 * providers and the like). The subgraph's own server mounts them in
 * distributed mode; the gateway mounts the same routes in embedded mode,
 * because the subgraph then runs inside the gateway's process. These routes
 * carry no platform identity: each authenticates its caller itself (a webhook
 * by its signature over the exact body bytes).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';

export interface HttpRouteRequest {
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received (empty when there is none), whatever its content type. */
  rawBody: Buffer;
  ip: string;
  /** The server's id of this request (the gateway's `x-request-id`), for logs; always set by `mountHttpRoutes`. */
  requestId?: string;
}

export interface HttpRouteResponse {
  status: number;
  /** Sent as JSON; `undefined` sends no body (e.g. with 204). */
  body: unknown;
  headers?: Record<string, string>;
}

export interface HttpRoute {
  method: 'POST' | 'GET';
  /** Fastify path syntax, e.g. '/billing/webhooks/stripe/:tenantId'. */
  path: string;
  /** Largest accepted body; the server's limit when not set. Larger bodies get 413. */
  bodyLimitBytes?: number;
  handle(request: HttpRouteRequest): Promise<HttpRouteResponse>;
}

/**
 * Registers the routes in their own encapsulated plugin, where every content
 * type is read as a raw Buffer: signature checks need the exact bytes, and the
 * JSON parser of the rest of the app stays as it is. A handler that throws is
 * logged and answered 500 `{ error: 'internal' }`; so are failures of the
 * response itself (a body that cannot be serialised, a bad status).
 */
export async function mountHttpRoutes(app: FastifyInstance, routes: HttpRoute[], logger?: Logger): Promise<void> {
  if (routes.length === 0) return;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    // The same answers in both modes, whatever error handler the host app has (the gateway's speaks GraphQL).
    scope.setErrorHandler((err: FastifyError, req, reply) => {
      const status = err.statusCode ?? 500;
      if (status >= 500) (logger ?? req.log).error({ err, requestId: req.id, url: req.url }, 'http route failed');
      const error = status === 413 ? 'payload_too_large' : status >= 500 ? 'internal' : 'bad_request';
      return reply.code(status >= 400 && status < 600 ? status : 500).send({ error });
    });
    for (const route of routes) {
      scope.route({
        method: route.method,
        url: route.path,
        bodyLimit: route.bodyLimitBytes,
        handler: async (req, reply) => {
          try {
            const response = await route.handle({
              params: req.params as Record<string, string>,
              headers: req.headers,
              rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
              ip: req.ip,
              requestId: String(req.id),
            });
            const payload = response.body === undefined ? undefined : JSON.stringify(response.body);
            reply.code(response.status);
            if (payload !== undefined) reply.type('application/json; charset=utf-8');
            if (response.headers) reply.headers(response.headers);
            return reply.send(payload);
          } catch (err) {
            (logger ?? req.log).error({ err, requestId: req.id, route: `${route.method} ${route.path}` }, 'http route failed');
            return reply.code(500).type('application/json; charset=utf-8').send(JSON.stringify({ error: 'internal' }));
          }
        },
      });
    }
  });
}

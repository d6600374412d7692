/**
 * graphql-sse on GET/POST /graphql/stream, in its "distinct connections"
 * mode: one subscription per request, streamed as Server-Sent Events
 * (`event: next` per result, `event: complete` at the end). Authenticated by
 * the request's Authorization header, like POST /graphql; a bad token is a
 * 401 before any stream opens, and the stream ends when the token expires.
 *
 * The "single connection" mode (PUT a stream token, then POST operations to
 * it) is not offered: its token would be a second credential to protect.
 *
 * Writes are not awaited one by one: every message goes straight to the
 * response, whose buffered bytes and messages written since its buffer was
 * last empty are measured, so a client that stops reading is cut off instead
 * of piling up memory.
 */
import type { Identity, Logger } from '@platform/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { createHandler } from 'graphql-sse';
import type { CallerInfo } from '../identity.js';
import { QueueMember } from './members.js';
import { EVENT_STREAM_PATH, type SubscriptionLimits } from './options.js';
import type { SubscriptionService } from './subscription-service.js';
import { onExpiry } from './token-expiry.js';

export interface EventStreamEndpointOptions {
  service: SubscriptionService;
  authenticate: (caller: CallerInfo) => Promise<Identity>;
  limits: SubscriptionLimits;
  logger: Logger;
  formatError: (error: GraphQLFormattedError) => GraphQLFormattedError;
}

interface StreamContext {
  identity: Identity;
  /** Cuts the stream off (slow consumer). */
  stop: () => void;
}

export function registerEventStreamEndpoint(app: FastifyInstance, { service, authenticate, limits, logger, formatError }: EventStreamEndpointOptions): { close(): Promise<void> } {
  const open = new Set<{ stop: () => void; done: Promise<void> }>();

  const handler = createHandler<FastifyRequest, StreamContext>({
    authenticate: () => null, // distinct connections only
    onSubscribe: async (req, params) => {
      const { identity, stop } = req.context;
      const admitted = await service.admit(identity, params);
      // Results are already formatted; graphql-sse only JSON-prints them (its types expect unformatted ones).
      if (Array.isArray(admitted)) return once({ errors: admitted.map((err) => formatError(err.toJSON())) }) as AsyncIterable<never>;
      const member = new QueueMember(limits.queueLimit, stop);
      service.join(identity, admitted, member);
      return member as AsyncIterable<never>;
    },
  });

  app.route({
    method: ['GET', 'POST'],
    url: EVENT_STREAM_PATH,
    bodyLimit: limits.maxPayloadBytes,
    handler: async (req, reply) => {
      if (!req.headers.accept?.includes('text/event-stream')) {
        return reply.code(406).send(refusal('BAD_REQUEST', 'Send "Accept: text/event-stream": this endpoint streams Server-Sent Events (graphql-sse, distinct connections mode)'));
      }
      let identity: Identity;
      try {
        identity = await authenticate({
          authorization: req.headers.authorization,
          requestId: String(req.id),
          clientIp: req.ip ?? null,
          userAgent: req.headers['user-agent']?.slice(0, 512) ?? null,
        });
      } catch (err) {
        if (!(err instanceof GraphQLError)) throw err;
        return reply.code(401).send(refusal(String(err.extensions.code), err.message));
      }
      const res = reply.raw;
      let slow = false;
      let stop = () => {};
      const [body, init] = await handler({
        method: req.method,
        url: req.url,
        headers: { get: (key) => (key === 'accept' ? 'text/event-stream' : headerValue(req, key)) },
        body: (req.body as Record<string, unknown> | undefined) ?? null,
        raw: req,
        context: {
          identity,
          stop: () => {
            slow = true;
            stop();
          },
        },
      });
      reply.hijack();
      res.writeHead(init.status, { ...init.headers, 'x-request-id': String(req.id) });
      if (!body || typeof body === 'string') return void res.end(body ?? undefined);

      stop = () => void body.return(undefined);
      let unflushed = 0;
      const flushed = () => {
        if (unflushed > 0) unflushed--;
      };
      const stream = { stop, done: Promise.resolve() };
      open.add(stream);
      res.once('close', stop);
      // Ended without `complete` when the token expires: the client reconnects with a fresh one.
      const expiry = onExpiry(req.headers.authorization, stop);
      stream.done = (async () => {
        try {
          for await (const chunk of body) {
            if (slow || !res.writable) break;
            if (res.writableLength === 0) unflushed = 0;
            else if (unflushed >= limits.queueLimit || res.writableLength > limits.maxBufferedBytes) {
              logger.warn({ requestId: identity.requestId, tenantId: identity.tenantId, bufferedBytes: res.writableLength }, 'closing a slow event-stream consumer');
              break;
            }
            unflushed++;
            res.write(chunk, flushed);
          }
        } finally {
          if (expiry) clearTimeout(expiry);
          res.off('close', stop);
          open.delete(stream);
          await body.return(undefined);
          res.end();
        }
      })();
      await stream.done;
    },
  });

  return {
    /** Ends every open stream without `complete`, so graphql-sse clients reconnect (to another replica). */
    async close() {
      const streams = [...open.values()];
      for (const stream of streams) stream.stop();
      await Promise.all(streams.map((stream) => stream.done));
    },
  };
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield value;
}

function headerValue(req: FastifyRequest, key: string): string | null {
  const value = req.headers[key];
  return Array.isArray(value) ? value.join(', ') : (value ?? null);
}

function refusal(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

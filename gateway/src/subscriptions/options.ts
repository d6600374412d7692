/** Limits of the subscription endpoints and the WebSocket close codes they use (see docs/subscriptions.md). */

export interface SubscriptionOptions {
  /** Messages a subscriber may have pending (sent but not flushed to the network) before it is cut off. Default 100. */
  queueLimit?: number;
  /** Bytes a client's socket may have buffered before it is cut off. Default 512 KiB. */
  maxBufferedBytes?: number;
  /** Concurrent subscriptions on one WebSocket connection. Default 100. */
  maxSubscriptionsPerConnection?: number;
  /** Largest WebSocket message or SSE request body, in bytes. Default 64 KiB. */
  maxPayloadBytes?: number;
  /** Interval of WebSocket pings; a client that does not answer within it is dropped. Default 12 s. */
  keepAliveMs?: number;
  /** Time a client has to send `connection_init` after connecting. Default 3 s. */
  connectionInitTimeoutMs?: number;
  /** On shutdown, time clients get to complete the close handshake before their sockets are destroyed. Default 1 s. */
  shutdownGraceMs?: number;
}

export type SubscriptionLimits = Required<SubscriptionOptions>;

export function subscriptionLimits(options: SubscriptionOptions = {}): SubscriptionLimits {
  const limits: SubscriptionLimits = {
    queueLimit: 100,
    maxBufferedBytes: 512 * 1024,
    maxSubscriptionsPerConnection: 100,
    maxPayloadBytes: 64 * 1024,
    keepAliveMs: 12_000,
    connectionInitTimeoutMs: 3_000,
    shutdownGraceMs: 1_000,
    ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`subscriptions.${name} must be a non-negative integer (got ${value})`);
  }
  return limits;
}

export const WEBSOCKET_PATH = '/graphql';
export const EVENT_STREAM_PATH = '/graphql/stream';

/**
 * Close codes (4000–4999 is reserved for applications; graphql-ws uses 44xx and 4500/4504 for protocol errors).
 * - 1001 Going away: the gateway is shutting down; reconnect (to another replica).
 * - 1009 Message too big: a message exceeded `maxPayloadBytes`.
 * - 4403 Forbidden: the access token in `connectionParams.authorization` is invalid or expired.
 * - 4413 Slow consumer: the client did not read fast enough (`queueLimit` or `maxBufferedBytes`); reconnect and catch up by query.
 * - 4419 Access token expired: reconnect with a fresh token (graphql-ws clients retry it; pass `connectionParams` as a function).
 */
export const CLOSE_SLOW_CONSUMER = { code: 4413, reason: 'Slow consumer' } as const;
export const CLOSE_TOKEN_EXPIRED = { code: 4419, reason: 'Access token expired' } as const;

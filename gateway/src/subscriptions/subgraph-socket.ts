/**
 * The gateway's graphql-ws connection to one subgraph (distributed mode):
 * opened on the first subscription, kept open and re-opened with backoff
 * when it drops, and shared by every subscription to that subgraph.
 *
 * Identity headers are single-use and live 30 s, so the header cannot be
 * fixed when a subscription starts: after a reconnect graphql-ws re-sends the
 * same subscribe message. The message is therefore signed when it is
 * serialised (the client's JSON replacer), each send with a fresh header bound
 * to that operation.
 */
import { IDENTITY_HEADER, type Identity, type Logger, requestBodyHash, type SubgraphRequest, signIdentityHeader } from '@platform/core';
import type { FormattedExecutionResult } from 'graphql';
import { type Client, createClient, type SubscribePayload } from 'graphql-ws';
import WebSocket from 'ws';
import { SinkSubscription } from './upstream.js';

export interface SubgraphSocket {
  subscribe(request: SubgraphRequest, identity: Identity): AsyncIterableIterator<FormattedExecutionResult>;
  close(): Promise<void>;
}

export interface SubgraphSocketOptions {
  /** Reconnection attempts before running subscriptions fail (default 6: about 10 s of backoff). */
  retryAttempts?: number;
  logger?: Logger;
}

/** `http://host:port/graphql` → `ws://host:port/graphql` (https → wss). */
export function webSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export function subgraphSocket(name: string, httpUrl: string, secret: string, options: SubgraphSocketOptions = {}): SubgraphSocket {
  const toSign = new WeakMap<object, { identity: Identity; bodyHash: string }>();
  let client: Client | null = null;

  function connection(): Client {
    client ??= createClient({
      url: webSocketUrl(httpUrl),
      webSocketImpl: WebSocket,
      // Opened now (on first use) and kept, rather than closed whenever no subscription is left.
      lazy: false,
      retryAttempts: options.retryAttempts ?? 6,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** retries, 5_000))),
      // Refused connections surface as errors, not close events; retry those too.
      shouldRetry: () => true,
      onNonLazyError: (err) => options.logger?.warn({ err, subgraph: name }, 'subscription connection to subgraph lost; will reopen on the next subscription'),
      jsonMessageReplacer(key, value) {
        const pending = key === 'payload' && value && typeof value === 'object' ? toSign.get(value) : undefined;
        if (!pending) return value;
        const header = signIdentityHeader(pending.identity, { secret, bodyHash: pending.bodyHash });
        return { ...value, extensions: { ...value.extensions, [IDENTITY_HEADER]: header } };
      },
    });
    return client;
  }

  return {
    subscribe(request, identity) {
      const payload: SubscribePayload = { query: request.query ?? '', variables: request.variables ?? null, operationName: request.operationName ?? null };
      toSign.set(payload, { identity, bodyHash: requestBodyHash({ query: payload.query, variables: request.variables, operationName: request.operationName }) });
      const subscription = new SinkSubscription(name);
      subscription.dispose = connection().subscribe(payload, subscription.sink);
      return subscription;
    },
    async close() {
      const closing = client;
      client = null;
      await closing?.dispose();
    },
  };
}

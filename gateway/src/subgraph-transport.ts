/**
 * How the gateway reaches a subgraph, signing the caller's identity into a
 * fresh header for every fetch (bound to that fetch's body, single use). In
 * embedded mode the subgraph runs in this process and is called directly,
 * through the same verification path as HTTP; in distributed mode it is an HTTP
 * POST over a keep-alive connection, and subscriptions share one graphql-ws
 * connection per subgraph on the same URL.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { IDENTITY_HEADER, type Identity, requestBodyHash, type SubgraphRequest, type SubgraphRuntime, signIdentityHeader } from '@platform/core';
import type { FormattedExecutionResult } from 'graphql';
import type { GatewayContext } from './identity.js';
import { type SubgraphSocketOptions, subgraphSocket } from './subscriptions/subgraph-socket.js';
import { StartedSubscription } from './subscriptions/upstream.js';

export interface SubgraphTransport {
  name: string;
  call(request: SubgraphRequest, identity: Identity): Promise<FormattedExecutionResult>;
  /**
   * Subscribes to a subscription operation of this subgraph. A refusal arrives
   * as one result with errors, then the end; `next()` throws if the subgraph
   * cannot be reached; `return()` unsubscribes.
   */
  subscribe(request: SubgraphRequest, identity: Identity): AsyncIterableIterator<FormattedExecutionResult>;
  ready(): Promise<void>;
  /** Closes connections held open for subscriptions. */
  close(): Promise<void>;
}

function signedHeaders(identity: Identity, request: SubgraphRequest, secret: string): Record<string, string> {
  const bodyHash = requestBodyHash({ query: request.query ?? '', variables: request.variables, operationName: request.operationName });
  return { [IDENTITY_HEADER]: signIdentityHeader(identity, { secret, bodyHash }), 'x-request-id': identity.requestId };
}

export function inProcessTransport(runtime: SubgraphRuntime, secret: string): SubgraphTransport {
  return {
    name: runtime.name,
    call: (request, identity) => runtime.execute(request, signedHeaders(identity, request, secret)),
    subscribe: (request, identity) => new StartedSubscription(runtime.subscribe(request, signedHeaders(identity, request, secret))),
    ready: () => runtime.ready(),
    close: async () => {},
  };
}

export function httpTransport(name: string, url: string, secret: string, timeoutMs = 10_000, socketOptions?: SubgraphSocketOptions): SubgraphTransport {
  const readyUrl = new URL('/ready', url).toString();
  const socket = subgraphSocket(name, url, secret, socketOptions);
  return {
    name,
    async call(request, identity) {
      const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...signedHeaders(identity, request, secret) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const result = (await response.json()) as FormattedExecutionResult;
      if (!response.ok && !result.errors) throw new Error(`subgraph ${name} answered HTTP ${response.status}`);
      return result;
    },
    subscribe: (request, identity) => socket.subscribe(request, identity),
    async ready() {
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`subgraph ${name} is not ready (HTTP ${response.status})`);
    },
    close: () => socket.close(),
  };
}

/** Adapts a transport to Apollo Gateway's data-source interface. */
export class SignedDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly transport: SubgraphTransport) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const identity = (options.context as GatewayContext).identity;
    const { query, variables, operationName } = options.request;
    const result = await this.transport.call({ query, variables, operationName }, identity);
    return result as Awaited<ReturnType<GraphQLDataSource['process']>>;
  }
}

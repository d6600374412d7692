/**
 * How the gateway reaches a subgraph, signing the caller's identity into a
 * fresh header for every fetch (bound to that fetch's body, single use). In
 * embedded mode the subgraph runs in this process and is called directly,
 * through the same verification path as HTTP; in distributed mode it is an HTTP
 * POST over a keep-alive connection, and subscriptions share one graphql-ws
 * connection per subgraph on the same URL. Timeouts and the circuit breaker
 * wrap either kind (resilience/guarded-transport.ts); the data source turns
 * their SubgraphUnavailableError into an error naming the subgraph.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { IDENTITY_HEADER, type Identity, requestBodyHash, type SubgraphRequest, type SubgraphRuntime, signIdentityHeader } from '@platform/core';
import type { FormattedExecutionResult } from 'graphql';
import type { GatewayContext } from './identity.js';
import type { SubgraphHealth } from './resilience/guarded-transport.js';
import { BadSubgraphResponse, SubgraphUnavailableError } from './resilience/subgraph-unavailable.js';
import { type SubgraphSocketOptions, subgraphSocket } from './subscriptions/subgraph-socket.js';
import { StartedSubscription } from './subscriptions/upstream.js';

export interface SubgraphCallOptions {
  /** When to abort an HTTP request (an in-process call cannot be aborted; its caller stops waiting instead). */
  timeoutMs?: number;
}

export interface SubgraphTransport {
  name: string;
  call(request: SubgraphRequest, identity: Identity, options?: SubgraphCallOptions): Promise<FormattedExecutionResult>;
  /**
   * Subscribes to a subscription operation of this subgraph. A refusal arrives
   * as one result with errors, then the end; `next()` throws if the subgraph
   * cannot be reached; `return()` unsubscribes.
   */
  subscribe(request: SubgraphRequest, identity: Identity): AsyncIterableIterator<FormattedExecutionResult>;
  ready(): Promise<void>;
  /** The circuit breaker's view of the subgraph, when the transport is guarded by one. */
  health?(): SubgraphHealth;
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
    async call(request, identity, options) {
      const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...signedHeaders(identity, request, secret) },
        body,
        signal: AbortSignal.timeout(options?.timeoutMs ?? timeoutMs),
      });
      const text = await response.text();
      if (response.status >= 500) throw new BadSubgraphResponse(name, response.status, text.slice(0, 200));
      const result = parseResult(text);
      if (!result) throw new BadSubgraphResponse(name, response.status, 'the body is not a GraphQL response');
      if (!response.ok && !result.errors) throw new BadSubgraphResponse(name, response.status, text.slice(0, 200));
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

function parseResult(text: string): FormattedExecutionResult | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as FormattedExecutionResult) : null;
  } catch {
    return null;
  }
}

type DataSourceResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * Adapts a transport to Apollo Gateway's data-source interface. An unavailable
 * subgraph answers as if it had returned its error and no data: the query
 * plan leaves that fetch's fields null, keeps what the other fetches
 * returned, and reports the error like any subgraph error (with `serviceName`).
 */
export class SignedDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly transport: SubgraphTransport) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<DataSourceResponse> {
    const identity = (options.context as GatewayContext).identity;
    const { query, variables, operationName } = options.request;
    try {
      return (await this.transport.call({ query, variables, operationName }, identity)) as DataSourceResponse;
    } catch (err) {
      if (err instanceof SubgraphUnavailableError) return { errors: [err.toJSON()] };
      throw err;
    }
  }
}

/**
 * Runs one subgraph. The same `execute` path serves both modes: the gateway's
 * in-process data source calls it directly (embedded mode) and the HTTP route
 * calls it for requests from a remote gateway (distributed mode). Either way a
 * request without a valid, fresh, body-bound identity header signed by the
 * gateway is refused before any resolver runs — `_entities` and `_service`
 * included. Subscriptions follow the same rule through `subscribe` (called
 * in process, or by the graphql-ws endpoint on the same port).
 */
import type { GraphQLRequest } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { EventConsumer } from '@platform/db';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ExecutionArgs } from 'graphql';
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionResult,
  execute as executeOperation,
  type FormattedExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { IDENTITY_HEADER, IdentityHeaderError, ReplayGuard, requestBodyHash, verifyIdentityHeader } from '../auth/index.js';
import type { Logger } from '../logger.js';
import type { BaseContext } from './context.js';
import { formatSubgraphError } from './format-error.js';
import { type HttpRoute, mountHttpRoutes } from './http-routes.js';
import type { PeriodicTask } from './periodic-tasks.js';

export interface SubgraphDefinition<C extends BaseContext> {
  name: string;
  schema: GraphQLSchema;
  /** Adds the subgraph's own per-request services (db, DataLoaders) to the base context. */
  createContext(base: BaseContext): C | Promise<C>;
  /** Extra readiness check (e.g. database ping). */
  ready?(): Promise<void>;
  /** Durable consumers of domain events; the platform's event bus delivers to them. */
  consumers?: EventConsumer[];
  /**
   * Plain HTTP routes beside GraphQL (webhooks), served by `listenSubgraph` or,
   * in embedded mode, by the gateway. They bypass the identity check: each
   * route authenticates its caller itself.
   */
  routes?: HttpRoute[];
  /** Work repeated on a timer, started by whoever hosts the subgraph (gateway or own process). */
  tasks?: PeriodicTask[];
}

export interface SubgraphRuntimeOptions {
  internalSecret: string;
  logger: Logger;
}

export type SubgraphRequest = Pick<GraphQLRequest, 'query' | 'variables' | 'operationName' | 'extensions'>;
type Headers = Record<string, string | string[] | undefined>;

/** A running subscription (one result per source event), or the errors that refused it. */
export type SubscriptionResult = AsyncIterableIterator<FormattedExecutionResult> | FormattedExecutionResult;

export interface SubgraphRuntime {
  name: string;
  schema: GraphQLSchema;
  execute(request: SubgraphRequest, headers: Headers): Promise<FormattedExecutionResult>;
  /**
   * Starts a subscription after the same identity check as `execute`. Each
   * source event is executed with a fresh context (new DataLoaders); calling
   * `return()` on the iterator ends the source stream.
   */
  subscribe(request: SubgraphRequest, headers: Headers): Promise<SubscriptionResult>;
  /** The definition's HTTP routes, for whichever server hosts this runtime. */
  routes: HttpRoute[];
  ready(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSubgraphRuntime<C extends BaseContext>(def: SubgraphDefinition<C>, options: SubgraphRuntimeOptions): Promise<SubgraphRuntime> {
  const logger = options.logger.child({ subgraph: def.name });
  const replayGuard = new ReplayGuard();
  const running = new Set<EventStream>();
  const documents = new DocumentCache(def.schema);
  /** The caller's context, or the response refusing a request without a valid identity header. */
  function authenticate(request: SubgraphRequest, headers: Headers): BaseContext | FormattedExecutionResult {
    const header = headers[IDENTITY_HEADER];
    try {
      const identity = verifyIdentityHeader(Array.isArray(header) ? header[0] : header, {
        secret: options.internalSecret,
        bodyHash: requestBodyHash({ query: request.query ?? '', variables: request.variables, operationName: request.operationName }),
        replayGuard,
      });
      return { identity, requestId: identity.requestId, logger: logger.child({ requestId: identity.requestId }) };
    } catch (err) {
      const code = err instanceof IdentityHeaderError ? err.code : 'IDENTITY_INVALID';
      logger.warn({ code }, 'refused request without a valid identity header');
      return { errors: [new GraphQLError('Requests must come through the gateway', { extensions: { code } }).toJSON()] };
    }
  }

  async function execute(request: SubgraphRequest, headers: Headers): Promise<FormattedExecutionResult> {
    const base = authenticate(request, headers);
    if (!('identity' in base)) return base;
    const document = documents.get(request.query ?? '');
    if (!('kind' in document)) return document;
    const contextValue = await def.createContext(base);
    const result = await executeOperation({ schema: def.schema, document, operationName: request.operationName, variableValues: request.variables, contextValue });
    // Without `data` the request itself was refused (variables that do not coerce, an unknown operation name).
    if (!('data' in result) && result.errors) return { errors: result.errors.map((err) => coded(err, requestErrorCode(err))) };
    return formatResult(result, base);
  }

  async function subscribe(request: SubgraphRequest, headers: Headers): Promise<SubscriptionResult> {
    const base = authenticate(request, headers);
    if (!('identity' in base)) return base;
    const document = documents.get(request.query ?? '');
    if (!('kind' in document)) return document;
    if (getOperationAST(document, request.operationName)?.operation !== 'subscription') {
      return { errors: [coded(new GraphQLError('Only subscription operations can be subscribed to'), 'BAD_REQUEST')] };
    }
    const args: ExecutionArgs = { schema: def.schema, document, operationName: request.operationName, variableValues: request.variables };
    const source = await createSourceEventStream({ ...args, contextValue: await def.createContext(base) });
    if (!(Symbol.asyncIterator in source)) return formatResult(source, base);
    const stream = new EventStream(
      source,
      // A fresh context per event: DataLoaders never serve an earlier event's data.
      async (event) => formatResult(await executeOperation({ ...args, rootValue: event, contextValue: await def.createContext(base) }), base),
      (err) => formatResult({ errors: [new GraphQLError('Subscription source failed', { originalError: err as Error })] }, base),
      () => running.delete(stream),
    );
    running.add(stream);
    return stream;
  }

  return {
    name: def.name,
    schema: def.schema,
    execute,
    subscribe,
    routes: def.routes ?? [],
    ready: async () => {
      await def.ready?.();
    },
    stop: async () => {
      await Promise.all([...running].map((stream) => stream.return()));
    },
  };
}

/**
 * Parsed and validated documents by query text. The gateway sends the same few
 * hundred query shapes over and over (its query plans are cached), so each is
 * parsed and validated once; refusals are cached too. Bounded: the oldest
 * entry goes first once `max` are held.
 */
class DocumentCache {
  private readonly entries = new Map<string, DocumentNode | FormattedExecutionResult>();
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly max = 1_000,
  ) {}

  get(query: string): DocumentNode | FormattedExecutionResult {
    const cached = this.entries.get(query);
    if (cached) return cached;
    const prepared = this.prepare(query);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(query, prepared);
    return prepared;
  }

  private prepare(query: string): DocumentNode | FormattedExecutionResult {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (err) {
      return { errors: [coded(err as GraphQLError, 'GRAPHQL_PARSE_FAILED')] };
    }
    const invalid = validate(this.schema, document);
    if (invalid.length > 0) return { errors: invalid.map((err) => coded(err, 'GRAPHQL_VALIDATION_FAILED')) };
    return document;
  }
}

/** Apollo Server's codes for a request graphql-js refuses before executing it. */
function requestErrorCode(err: GraphQLError): string {
  return err.message.startsWith('Variable ') ? 'BAD_USER_INPUT' : 'OPERATION_RESOLUTION_FAILURE';
}

function coded(err: GraphQLError, code: string): GraphQLFormattedError {
  const formatted = err.toJSON();
  return { ...formatted, extensions: { ...formatted.extensions, code } };
}

/** Masks and logs errors as the Apollo Server path does (formatSubgraphError + unexpectedErrorPlugin). */
function formatResult(result: ExecutionResult, base: BaseContext): FormattedExecutionResult {
  if (!result.errors) return result as FormattedExecutionResult;
  const errors = result.errors.map((err) => {
    const formatted = formatSubgraphError(err.toJSON(), err);
    if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
    base.logger.error({ err: unwrapResolverError(err), requestId: base.requestId, path: err.path }, 'unexpected error');
    return { ...formatted, extensions: { ...formatted.extensions, requestId: base.requestId } };
  });
  return 'data' in result ? { data: result.data, errors } : { errors };
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Maps a source event stream to execution results. `return()` ends at once,
 * even while a `next()` waits, and passes the return on to the source; a
 * source that fails yields one masked error and ends.
 */
class EventStream implements AsyncIterableIterator<FormattedExecutionResult> {
  private readonly source: AsyncIterator<unknown>;
  private done = false;
  private readonly stopped: Promise<IteratorReturnResult<undefined>>;
  private stop!: (result: IteratorReturnResult<undefined>) => void;

  constructor(
    source: AsyncIterable<unknown>,
    private readonly map: (event: unknown) => Promise<FormattedExecutionResult>,
    private readonly fail: (err: unknown) => FormattedExecutionResult,
    private readonly onEnd: () => void,
  ) {
    this.source = source[Symbol.asyncIterator]();
    this.stopped = new Promise((resolve) => {
      this.stop = resolve;
    });
  }

  async next(): Promise<IteratorResult<FormattedExecutionResult, undefined>> {
    if (this.done) return DONE;
    try {
      const step = await Promise.race([this.source.next(), this.stopped]);
      if (step.done || this.done) {
        this.end(false);
        return DONE;
      }
      return { done: false, value: await this.map(step.value) };
    } catch (err) {
      if (this.done) return DONE;
      this.end(true);
      return { done: false, value: this.fail(err) };
    }
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.end(true);
    return DONE;
  }

  async throw(): Promise<IteratorReturnResult<undefined>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private end(endSource: boolean): void {
    if (this.done) return;
    this.done = true;
    this.stop(DONE);
    this.onEnd();
    // Not awaited: an `async function*` source only settles its return at its next event.
    if (endSource) Promise.resolve(this.source.return?.()).catch(() => {});
  }
}

/**
 * Serves a subgraph runtime (distributed mode): POST /graphql, GET /health,
 * GET /ready, graphql-ws (`graphql-transport-ws`) on /graphql, where the
 * signed identity header travels in each subscribe message's
 * `extensions["x-platform-identity"]`, and the runtime's own HTTP routes.
 */
export async function listenSubgraph(
  runtime: SubgraphRuntime,
  options: { port: number; host?: string; logger: Logger; bodyLimit?: number },
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ loggerInstance: options.logger, bodyLimit: options.bodyLimit ?? 1_048_576, keepAliveTimeout: 65_000 }) as unknown as FastifyInstance;
  app.post('/graphql', async (req, reply) => {
    const body = (req.body ?? {}) as SubgraphRequest;
    if (typeof body.query !== 'string') {
      return reply.code(400).send({ errors: [{ message: 'POST body must be JSON with a "query" string', extensions: { code: 'BAD_REQUEST' } }] });
    }
    const result = await runtime.execute(body, req.headers);
    const refused = result.errors?.[0]?.extensions?.code;
    if (!result.data && typeof refused === 'string' && refused.startsWith('IDENTITY_')) reply.code(401);
    return reply.send(result);
  });
  app.get('/health', async () => ({ status: 'ok', subgraph: runtime.name }));
  app.get('/ready', async (_req, reply) => {
    try {
      await runtime.ready();
      return { status: 'ready', subgraph: runtime.name };
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', subgraph: runtime.name, reason: (err as Error).message });
    }
  });
  await mountHttpRoutes(app, runtime.routes, options.logger);
  const closeWebSocket = serveSubscriptions(app, runtime, options.bodyLimit ?? 1_048_576);
  // Before the HTTP server closes: it waits for the upgraded sockets.
  app.addHook('preClose', closeWebSocket);
  app.addHook('onClose', () => runtime.stop());
  const url = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  return { app, url: `${url}/graphql` };
}

function serveSubscriptions(app: FastifyInstance, runtime: SubgraphRuntime, maxPayload: number): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true, maxPayload });
  const server = useServer(
    {
      // The whole check (identity, parse, validation) happens here, so a refusal is a graphql-ws `error` message.
      onSubscribe: async (_ctx, _id, payload) => {
        const header = payload.extensions?.[IDENTITY_HEADER];
        const request = { query: payload.query, variables: payload.variables ?? undefined, operationName: payload.operationName ?? undefined };
        const started = await runtime.subscribe(request, { [IDENTITY_HEADER]: typeof header === 'string' ? header : undefined });
        if (!(Symbol.asyncIterator in started)) {
          return (started.errors ?? []).map((e) => new GraphQLError(e.message, { extensions: e.extensions, path: e.path }));
        }
        const document = parse(payload.query);
        return { schema: runtime.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: started };
      },
      subscribe: (args) => args.contextValue as AsyncIterableIterator<ExecutionResult>,
      // Results are already formatted (masked) by the runtime.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
    },
    wss,
  );
  app.server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/graphql') return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (client) => wss.emit('connection', client, req));
  });
  return async () => {
    const clients = [...wss.clients];
    const disposed = server.dispose(); // closes every client with 1001 "Going away"
    const grace = setTimeout(() => {
      for (const client of clients) client.terminate();
    }, 1_000);
    await Promise.all(clients.map((client) => client.readyState === client.CLOSED || new Promise((resolve) => client.once('close', resolve))));
    clearTimeout(grace);
    await disposed;
  };
}

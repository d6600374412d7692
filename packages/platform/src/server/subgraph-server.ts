/**
 * Runs one subgraph. The same `execute` path serves both modes: the gateway's
 * in-process data source calls it directly (embedded mode) and the HTTP route
 * calls it for requests from a remote gateway (distributed mode). Either way a
 * request without a valid, fresh, body-bound identity header signed by the
 * gateway is refused before any resolver runs — `_entities` and `_service`
 * included.
 */
import { ApolloServer, type GraphQLRequest } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { EventConsumer } from '@platform/db';
import Fastify, { type FastifyInstance } from 'fastify';
import { GraphQLError, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import { IDENTITY_HEADER, IdentityHeaderError, ReplayGuard, requestBodyHash, verifyIdentityHeader } from '../auth/index.js';
import type { Logger } from '../logger.js';
import type { BaseContext } from './context.js';
import { formatSubgraphError, unexpectedErrorPlugin } from './format-error.js';

export interface SubgraphDefinition<C extends BaseContext> {
  name: string;
  schema: GraphQLSchema;
  /** Adds the subgraph's own per-request services (db, DataLoaders) to the base context. */
  createContext(base: BaseContext): C | Promise<C>;
  /** Extra readiness check (e.g. database ping). */
  ready?(): Promise<void>;
  /** Durable consumers of domain events; the platform's event bus delivers to them. */
  consumers?: EventConsumer[];
}

export interface SubgraphRuntimeOptions {
  internalSecret: string;
  logger: Logger;
}

export type SubgraphRequest = Pick<GraphQLRequest, 'query' | 'variables' | 'operationName' | 'extensions'>;

export interface SubgraphRuntime {
  name: string;
  execute(request: SubgraphRequest, headers: Record<string, string | string[] | undefined>): Promise<FormattedExecutionResult>;
  ready(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSubgraphRuntime<C extends BaseContext>(def: SubgraphDefinition<C>, options: SubgraphRuntimeOptions): Promise<SubgraphRuntime> {
  const logger = options.logger.child({ subgraph: def.name });
  const replayGuard = new ReplayGuard();
  const apollo = new ApolloServer<C>({
    schema: def.schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatSubgraphError,
    plugins: [ApolloServerPluginInlineTraceDisabled(), unexpectedErrorPlugin<C>({ requestOf: (ctx) => ctx })],
  });
  await apollo.start();

  async function execute(request: SubgraphRequest, headers: Record<string, string | string[] | undefined>): Promise<FormattedExecutionResult> {
    const header = headers[IDENTITY_HEADER];
    let identity: BaseContext['identity'];
    try {
      identity = verifyIdentityHeader(Array.isArray(header) ? header[0] : header, {
        secret: options.internalSecret,
        bodyHash: requestBodyHash({ query: request.query ?? '', variables: request.variables, operationName: request.operationName }),
        replayGuard,
      });
    } catch (err) {
      const code = err instanceof IdentityHeaderError ? err.code : 'IDENTITY_INVALID';
      logger.warn({ code }, 'refused request without a valid identity header');
      return { errors: [new GraphQLError('Requests must come through the gateway', { extensions: { code } }).toJSON()] };
    }
    const base: BaseContext = { identity, requestId: identity.requestId, logger: logger.child({ requestId: identity.requestId }) };
    const contextValue = await def.createContext(base);
    const response = await apollo.executeOperation(request as GraphQLRequest, { contextValue });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported between gateway and subgraphs');
    return response.body.singleResult;
  }

  return {
    name: def.name,
    execute,
    ready: async () => {
      await def.ready?.();
    },
    stop: () => apollo.stop(),
  };
}

/** Serves a subgraph runtime over HTTP (distributed mode): POST /graphql, GET /health, GET /ready. */
export async function listenSubgraph(runtime: SubgraphRuntime, options: { port: number; host?: string; logger: Logger; bodyLimit?: number }): Promise<{ app: FastifyInstance; url: string }> {
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
  app.addHook('onClose', () => runtime.stop());
  const url = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  return { app, url: `${url}/graphql` };
}

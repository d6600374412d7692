/**
 * What both subscription endpoints (graphql-ws and graphql-sse) share:
 * admitting an operation (plan, variables, API-call quota) and joining it to
 * its shared group. The supergraph's planner is built on first use, so a
 * gateway that never serves a subscription never pays for it.
 */
import type { Identity, Logger } from '@platform/core';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema, getVariableValues } from 'graphql';
import type { ApiQuota } from '../api-quota.js';
import type { SubgraphTransport } from '../subgraph-transport.js';
import { EventExecutor } from './event-executor.js';
import { type Admitted, SubscriptionHub } from './hub.js';
import type { Member } from './members.js';
import { SubscriptionPlanner } from './planner.js';

export interface SubscriptionServiceOptions {
  supergraphSdl: string;
  transports: Map<string, SubgraphTransport>;
  quota: ApiQuota | null;
  logger: Logger;
  /** The HTTP path's error formatter (masks unclassified errors). */
  formatError: (error: GraphQLFormattedError) => GraphQLFormattedError;
  /** The request guard's operation limits and cost bucket (protection/request-guard.ts); errors refuse the operation before it is planned. */
  screen?: (identity: Identity, request: OperationRequest & { query: string }) => Promise<GraphQLError[] | null>;
}

export interface OperationRequest {
  query?: unknown;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

export class SubscriptionService {
  private built: { planner: SubscriptionPlanner; hub: SubscriptionHub } | null = null;

  constructor(private readonly options: SubscriptionServiceOptions) {}

  get api(): GraphQLSchema {
    return this.parts().planner.api;
  }

  /** Screens the operation (limits, cost bucket), plans it, checks its variables and counts one API call; errors refuse it. */
  async admit(identity: Identity, request: OperationRequest): Promise<Admitted | GraphQLError[]> {
    if (typeof request.query !== 'string') return [new GraphQLError('The request must carry a "query" string', { extensions: { code: 'BAD_REQUEST' } })];
    const refused = await this.options.screen?.(identity, { ...request, query: request.query });
    if (refused) return refused;
    let prepared: ReturnType<SubscriptionPlanner['prepare']>;
    try {
      prepared = this.parts().planner.prepare(request.query, request.operationName);
    } catch (err) {
      this.options.logger.error({ err, requestId: identity.requestId }, 'subscription could not be planned');
      return [new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: identity.requestId } })];
    }
    if (Array.isArray(prepared)) return prepared;
    const variables = request.variables ?? {};
    const coerced = getVariableValues(this.api, prepared.variableDefinitions, variables);
    if (coerced.errors) return coerced.errors.map((err) => new GraphQLError(err.message, { nodes: err.nodes, extensions: { code: 'BAD_USER_INPUT' } }));
    try {
      await this.options.quota?.consume(identity);
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      const { http: _status, ...extensions } = err.extensions; // an HTTP status means nothing on these transports
      return [new GraphQLError(err.message, { extensions })];
    }
    return { prepared, variables };
  }

  join(identity: Identity, admitted: Admitted, member: Member): void {
    this.parts().hub.join(identity, admitted, member);
  }

  stats(): { groups: number; subscribers: number } {
    return this.built?.hub.stats() ?? { groups: 0, subscribers: 0 };
  }

  /** Ends every group and returns every upstream subscription. */
  close(): void {
    this.built?.hub.close();
  }

  private parts(): { planner: SubscriptionPlanner; hub: SubscriptionHub } {
    if (!this.built) {
      const { supergraphSdl, transports, logger, formatError } = this.options;
      const planner = new SubscriptionPlanner(supergraphSdl);
      this.built = { planner, hub: new SubscriptionHub(new EventExecutor(planner, transports, logger, formatError), transports, logger) };
    }
    return this.built;
  }
}

/**
 * Completes one subscription event with @apollo/gateway's own query-plan
 * executor. The plan is `Sequence[primary, rest]`; the data source of
 * `primary`'s subgraph answers that one fetch with the event already received
 * (instead of fetching), and every other fetch goes to its subgraph signed
 * with the group's identity. `executeQueryPlan` then merges the entity
 * results, reports their errors like it does for queries, and shapes the
 * result to exactly the client's selection.
 */
import { executeQueryPlan, type GraphQLDataSource, type GraphQLDataSourceProcessOptions, type ServiceMap } from '@apollo/gateway';
import type { Identity, Logger } from '@platform/core';
import type { FormattedExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../identity.js';
import { SignedDataSource, type SubgraphTransport } from '../subgraph-transport.js';
import type { PreparedSubscription, SubscriptionPlanner } from './planner.js';

interface EventContext extends GatewayContext {
  /** The upstream event, consumed by the primary fetch. */
  event: FormattedExecutionResult | undefined;
  primaryOperation: string;
}

type RequestContext = Parameters<typeof executeQueryPlan>[2];
type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;

class EventOrSubgraphSource implements GraphQLDataSource<EventContext> {
  constructor(private readonly subgraph: SignedDataSource) {}

  process(options: GraphQLDataSourceProcessOptions<EventContext>): Promise<Response> {
    const context = options.context as EventContext;
    // The same string object as the plan's primary operation: a pointer comparison.
    if (context.event && options.request.query === context.primaryOperation) {
      const event = context.event;
      context.event = undefined;
      return Promise.resolve(event as Response);
    }
    return this.subgraph.process(options as GraphQLDataSourceProcessOptions<GatewayContext>);
  }
}

export class EventExecutor {
  private readonly services: ServiceMap = Object.create(null);

  constructor(
    private readonly planner: SubscriptionPlanner,
    transports: Map<string, SubgraphTransport>,
    private readonly logger: Logger,
    private readonly formatError: (error: GraphQLFormattedError) => GraphQLFormattedError,
  ) {
    for (const [name, transport] of transports) this.services[name] = new EventOrSubgraphSource(new SignedDataSource(transport));
  }

  async run(prepared: PreparedSubscription, identity: Identity, variables: Record<string, unknown>, event: FormattedExecutionResult): Promise<FormattedExecutionResult> {
    // An event without data (the subgraph refused or failed) has nothing to complete.
    if (event.data == null) return { ...event, errors: event.errors?.map(this.formatError) };
    const context: EventContext = { identity, event, primaryOperation: prepared.primary.operation };
    const requestContext = {
      request: { variables, operationName: prepared.operationName },
      document: prepared.document,
      operationName: prepared.operationName ?? null,
      context,
      metrics: {},
      logger: this.logger,
    } as unknown as RequestContext;
    try {
      const result = await executeQueryPlan(prepared.plan, this.services, requestContext, prepared.operationContext, this.planner.supergraphSchema, this.planner.apiSchema);
      if (!result.errors) return { data: result.data };
      return { data: result.data, errors: result.errors.map((err) => this.formatError(this.logged(err, identity))) };
    } catch (err) {
      this.logger.error({ err, requestId: identity.requestId }, 'subscription event could not be completed');
      return { data: null, errors: [this.formatError({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
    }
  }

  /** Errors without a code were not classified (nor logged) by a subgraph: log them here, as the HTTP path does. */
  private logged(err: GraphQLError, identity: Identity): GraphQLFormattedError {
    if (!err.extensions?.code) this.logger.error({ err, requestId: identity.requestId, path: err.path }, 'unexpected error');
    return err.toJSON();
  }
}

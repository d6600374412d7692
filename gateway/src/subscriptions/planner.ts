/**
 * Plans subscription operations with the supergraph's query planner. A plan's
 * root is a `Subscription` node: `primary`, the fetch that subscribes to the
 * owning subgraph, and optional `rest`, the fetches (entity lookups in other
 * subgraphs) that complete each event. Documents are parsed, validated against
 * the API schema and planned once, then cached by (query, operation name).
 */

import { operationFromDocument, type Schema, Supergraph } from '@apollo/federation-internals';
import { buildOperationContext } from '@apollo/gateway';
import { type FetchNode, type QueryPlan, QueryPlanner } from '@apollo/query-planner';
import { type DocumentNode, GraphQLError, type GraphQLSchema, getOperationAST, parse, stripIgnoredCharacters, type VariableDefinitionNode, validate } from 'graphql';

export interface PreparedSubscription {
  /** The normalised document and operation name: part of the key under which identical subscriptions share one upstream. */
  key: string;
  document: DocumentNode;
  operationName: string | undefined;
  variableDefinitions: readonly VariableDefinitionNode[];
  primary: FetchNode;
  /** `Sequence[primary, rest]`, run per event with the event standing in for `primary`'s result. */
  plan: QueryPlan;
  operationContext: ReturnType<typeof buildOperationContext>;
}

const CACHE_SIZE = 1_000;

export class SubscriptionPlanner {
  readonly supergraphSchema: GraphQLSchema;
  readonly apiSchema: Schema;
  readonly api: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly cache = new Map<string, PreparedSubscription | GraphQLError[]>();

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.apiSchema = supergraph.apiSchema();
    this.api = this.apiSchema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** The planned subscription, or the errors that refuse it (codes as on the HTTP path). */
  prepare(query: string, operationName?: string | null): PreparedSubscription | GraphQLError[] {
    const cacheKey = `${operationName ?? ''}\n${query}`;
    const cached = this.cache.get(cacheKey);
    if (cached) {
      // Least recently used goes first: re-insert on every hit.
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, cached);
      return cached;
    }
    const prepared = this.plan(query, operationName ?? undefined);
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(cacheKey, prepared);
    return prepared;
  }

  private plan(query: string, operationName: string | undefined): PreparedSubscription | GraphQLError[] {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (err) {
      return [withCode(err as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
    }
    const invalid = validate(this.api, document);
    if (invalid.length > 0) return invalid.map((err) => withCode(err, 'GRAPHQL_VALIDATION_FAILED'));
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      return [badRequest(operationName ? `Unknown operation named "${operationName}"` : 'Must provide an operation name when the document holds several')];
    }
    if (operation.operation !== 'subscription') {
      return [badRequest('Only subscriptions are served on this endpoint; send queries and mutations to POST /graphql')];
    }
    const root = this.planner.buildQueryPlan(operationFromDocument(this.apiSchema, document, { operationName, validate: false })).node;
    if (root?.kind !== 'Subscription') throw new Error(`expected a Subscription plan, got ${root?.kind ?? 'an empty plan'}`);
    return {
      key: `${operationName ?? ''}\n${stripIgnoredCharacters(query)}`,
      document,
      operationName,
      variableDefinitions: operation.variableDefinitions ?? [],
      primary: root.primary,
      plan: { kind: 'QueryPlan', node: root.rest ? { kind: 'Sequence', nodes: [root.primary, root.rest] } : root.primary },
      operationContext: buildOperationContext({ schema: this.api, operationDocument: document, operationName }),
    };
  }
}

function withCode(err: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(err.message, { nodes: err.nodes, source: err.source, positions: err.positions, extensions: { ...err.extensions, code } });
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });
}

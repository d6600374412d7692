/**
 * The operation guard: static analysis of a GraphQL request before Apollo
 * validates and plans it, so abusive documents are refused cheaply.
 *
 * A document is parsed and measured once (analyse.ts), its cost plan built
 * once per operation (plan.ts), and both kept in an LRU by text and by
 * persisted-query hash (cache.ts). A request whose document is cached costs a
 * few comparisons and, if its page sizes come from variables, a walk over the
 * plan's few variable-dependent nodes (estimate.ts). docs/operation-limits.md
 * lists every limit and code.
 */
import { type GraphQLSchema, Lexer, parse, Source, TokenKind } from 'graphql';
import type { OperationLimits } from '../protection/tier-policies.js';
import { analyseDocument, selectOperation } from './analyse.js';
import { type AnalysedDocument, DocumentCache, type DocumentCacheOptions } from './cache.js';
import { CostModel } from './cost-model.js';
import { refuse } from './errors.js';
import { checkPageSizes, estimate, type Totals } from './estimate.js';
import { buildCostPlan } from './plan.js';
import { checkVariables } from './variables.js';

export { costSchemaOf } from './cost-model.js';
export { OperationLimitError } from './errors.js';

/** The parts of a GraphQL-over-HTTP request the guard reads (POST body or GET query string, already decoded). */
export interface OperationRequest {
  query?: string | null;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: { persistedQuery?: { sha256Hash?: string } } & Record<string, unknown>;
}

/** What the analysis found; `cost` feeds the rate limiter and `extensions.cost`. */
export interface OperationEstimate {
  cost: number;
  nodes: number;
  depth: number;
  aliases: number;
  rootFields: number;
  tokens: number;
  /** Mutations and subscriptions are charged differently from queries by some limiters. */
  operationType: 'query' | 'mutation' | 'subscription';
}

export interface OperationGuard {
  /**
   * Throws OperationLimitError when the request breaks a limit. Returns null
   * when there is nothing to analyse yet (an automatic persisted query whose
   * hash this gateway has not seen: Apollo answers PERSISTED_QUERY_NOT_FOUND,
   * or a document that does not parse: Apollo answers GRAPHQL_PARSE_FAILED).
   */
  check(request: OperationRequest, limits: OperationLimits): OperationEstimate | null;
}

export interface OperationGuardOptions {
  /**
   * The supergraph schema, `costSchemaOf(supergraphSdl)`: its field
   * definitions carry the @cost and @listSize the subgraphs declared. (The API
   * schema has the same fields without those directives: given it, every field
   * gets the default weights.)
   */
  schema: GraphQLSchema;
  /** Whether introspection is allowed at all (off in production unless enabled). */
  introspection: boolean;
  cache?: DocumentCacheOptions;
}

const TOKEN_CAP_MESSAGE = /^Syntax Error: Document contains more that \d+ tokens/;

export function createOperationGuard(options: OperationGuardOptions): OperationGuard {
  const model = new CostModel(options.schema);
  const cache = new DocumentCache(options.cache);
  const totals: Totals = { cost: 0, nodes: 0 };

  function documentOf(request: OperationRequest, limits: OperationLimits): AnalysedDocument | null {
    const { query } = request;
    const hash = request.extensions?.persistedQuery?.sha256Hash;
    if (typeof query !== 'string' || query.length === 0) return typeof hash === 'string' ? (cache.byPersistedHash(hash) ?? null) : null;
    let document = cache.byQuery(query);
    if (!document) {
      // The tier's own token limit stops a token flood inside the lexer. A
      // document parsed for a larger limit is cached with its count, which
      // the smaller limits compare against.
      const parsed = parseWithin(query, limits);
      if (!parsed) return null;
      document = { shape: analyseDocument(parsed, parsed.tokenCount ?? 0), operations: new Map() };
      cache.add(query, document);
    }
    if (typeof hash === 'string') cache.rememberHash(hash, query, document);
    return document;
  }

  return {
    check(request, limits) {
      checkVariables(request.variables);
      const document = documentOf(request, limits);
      if (!document) return null;
      const { shape } = document;
      if (shape.tokens > limits.maxTokens) throw refuse.tokens(limits.maxTokens, shape.tokens, false);
      if (shape.cycle) throw refuse.fragmentCycle(shape.cycle);
      if (shape.expandedFields > limits.maxTokens) throw refuse.fragmentExpansion(limits.maxTokens, shape.expandedFields);
      const op = selectOperation(shape, request.operationName);
      if (!op) return null;
      if (op.introspection && !options.introspection) throw refuse.introspection();
      if (op.depth > limits.maxDepth) throw refuse.depth(limits.maxDepth, op.depth);
      if (op.aliases > limits.maxAliases) throw refuse.aliases(limits.maxAliases, op.aliases);
      if (op.rootFields > limits.maxRootFields) throw refuse.rootFields(limits.maxRootFields, op.rootFields);

      let analysed = document.operations.get(op.operation);
      if (!analysed) {
        analysed = { shape: op, plan: null };
        document.operations.set(op.operation, analysed);
      }
      // Built only now, once the expanded size is known to be within the limit.
      analysed.plan ??= buildCostPlan(model, op.operation, shape.fragments);
      const { plan } = analysed;
      if (plan.refusal) throw plan.refusal;
      checkPageSizes(plan, request.variables, limits.maxPageSize);
      estimate(plan, request.variables, totals);
      if (totals.cost > limits.maxCost) throw refuse.cost(limits.maxCost, totals.cost);
      if (totals.nodes > limits.maxNodes) throw refuse.nodes(limits.maxNodes, totals.nodes);
      return { cost: totals.cost, nodes: totals.nodes, depth: op.depth, aliases: op.aliases, rootFields: op.rootFields, tokens: shape.tokens, operationType: op.type };
    },
  };
}

/** The parsed document with its token count, or null when it does not parse (Apollo reports GRAPHQL_PARSE_FAILED). */
function parseWithin(query: string, { maxTokens, maxDepth }: OperationLimits): ReturnType<typeof parse> | null {
  try {
    return parse(query, { maxTokens, noLocation: true });
  } catch (err) {
    if (err instanceof Error && TOKEN_CAP_MESSAGE.test(err.message)) throw refuse.tokens(maxTokens, maxTokens + 1, true);
    // graphql-js parses recursively: a few thousand nested selections
    // overflow its stack within the token limit. Measure the nesting with the
    // (iterative) lexer instead and refuse the depth bomb for what it is.
    if (err instanceof RangeError) {
      const nesting = braceNesting(query, maxTokens);
      if (nesting > maxDepth) throw refuse.depth(maxDepth, nesting);
    }
    return null;
  }
}

/** The deepest `{` nesting within the first `maxTokens` tokens (up to a lexical error, if any). */
function braceNesting(query: string, maxTokens: number): number {
  const lexer = new Lexer(new Source(query));
  let depth = 0;
  let deepest = 0;
  try {
    for (let token = lexer.advance(), n = 0; token.kind !== TokenKind.EOF && n < maxTokens; token = lexer.advance(), n++) {
      if (token.kind === TokenKind.BRACE_L && ++depth > deepest) deepest = depth;
      else if (token.kind === TokenKind.BRACE_R) depth--;
    }
  } catch {
    // A lexical error further on: the nesting up to it is what counts.
  }
  return deepest;
}

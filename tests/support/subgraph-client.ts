/**
 * A GraphQL client for one subgraph runtime that signs each request the way
 * the gateway does (identity header bound to the body), for subgraph-level
 * tests that skip the gateway.
 */
import { IDENTITY_HEADER, type Identity, requestBodyHash, type SubgraphRuntime, signIdentityHeader } from '@platform/core';

// biome-ignore lint/suspicious/noExplicitAny: tests read GraphQL JSON loosely; each assertion states the shape it expects.
type Loose = any;
export type GraphQLResponse<T = Record<string, Loose>> = { data?: T | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] };

export function signedSubgraphClient(runtime: SubgraphRuntime, internalSecret: string) {
  /** Sends a GraphQL request the way the gateway does: signed identity header bound to the body. */
  async function gql<T = Record<string, Loose>>(identity: Identity, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    const bodyHash = requestBodyHash({ query, variables });
    const header = signIdentityHeader({ ...identity, requestId: crypto.randomUUID() }, { secret: internalSecret, bodyHash });
    return (await runtime.execute({ query, variables }, { [IDENTITY_HEADER]: header })) as GraphQLResponse<T>;
  }

  /** Like gql, but fails the test on any GraphQL error. */
  async function ok<T = Record<string, Loose>>(identity: Identity, query: string, variables?: Record<string, unknown>): Promise<T> {
    const result = await gql<T>(identity, query, variables);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data as T;
  }

  return { gql, ok };
}

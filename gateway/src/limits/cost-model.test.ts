// The directive route end to end: subgraphs declare @cost and @listSize
// (Federation 2.9), composition carries them into the supergraph, and the
// guard prices fields from the supergraph schema.
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CostModel, costSchemaOf, DEFAULT_LIST_SIZE } from './cost-model.js';
import { createOperationGuard } from './index.js';
import { GENEROUS } from './test-schema.js';

const customers = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])
  type Query {
    customers(first: Int, after: String): CustomerConnection!
      @listSize(assumedSize: 50, slicingArguments: ["first"], sizedFields: ["nodes"], requireOneSlicingArgument: false)
    report: Report! @cost(weight: 20)
  }
  type CustomerConnection { nodes: [Customer!]! }
  type Customer @key(fields: "id") { id: ID! name: String! }
  type Report { points: [Point!]! @listSize(assumedSize: 365) }
  type Point @cost(weight: 0) { day: String! value: Float! }
`;
const billing = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@listSize"])
  type Customer @key(fields: "id") { id: ID! subscriptions: [Subscription_!]! @listSize(assumedSize: 3) invoices: [Invoice!]! }
  type Subscription_ { id: ID! }
  type Invoice { id: ID! }
  type Mutation { cancel(id: ID!): Subscription_ }
`;

function supergraph(): string {
  const result = composeServices([
    { name: 'customers', url: 'http://customers', typeDefs: parse(customers) },
    { name: 'billing', url: 'http://billing', typeDefs: parse(billing) },
  ]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

describe('cost directives through composition', () => {
  const schema = costSchemaOf(supergraph());
  const model = new CostModel(schema);

  it('reads @listSize and @cost from the supergraph, whichever subgraph declared them', () => {
    expect(model.field('Query', 'customers')?.listSize).toMatchObject({ assumedSize: 50, slicingArguments: ['first'], sizedFields: ['nodes'], requireOneSlicingArgument: false });
    expect(model.field('Query', 'report')?.weight).toBe(20);
    expect(model.field('Customer', 'subscriptions')?.listSize?.assumedSize).toBe(3);
    expect(model.field('Report', 'points')?.weight).toBe(0);
  });

  it('falls back to the defaults where nothing is declared', () => {
    expect(model.field('Customer', 'invoices')).toMatchObject({ weight: 1, list: true, listSize: null });
    expect(model.field('Customer', 'name')).toMatchObject({ weight: 0, list: false });
    expect(model.field('Mutation', 'cancel')?.weight).toBe(10);
    expect(model.field('Customer', 'missing')).toBeUndefined();
  });

  it('prices an operation across both subgraphs', () => {
    const guard = createOperationGuard({ schema, introspection: false });
    const estimate = guard.check({ query: '{ customers(first: 20) { nodes { name subscriptions { id } invoices { id } } } report { points { value } } }' }, GENEROUS);
    // customers 1 + 20 × (1 + 3 × 1 + 10 × 1); report 20 + 365 × 0
    expect(estimate).toMatchObject({ cost: 1 + 20 * (1 + 3 + DEFAULT_LIST_SIZE) + 20, nodes: 20 + 20 * 3 + 20 * DEFAULT_LIST_SIZE + 365 });
  });
});

/** A small schema with cost directives for the guard's unit tests: each weight and size is chosen so expected costs can be worked out by hand. */
import { buildSchema } from 'graphql';
import type { OperationLimits } from '../protection/tier-policies.js';

export const TEST_SDL = /* GraphQL */ `
  directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION

  type Query {
    customers(first: Int, last: Int, after: String): CustomerConnection!
      @listSize(assumedSize: 50, slicingArguments: ["first", "last"], sizedFields: ["nodes"], requireOneSlicingArgument: false)
    customer(id: ID!): Customer
    tags: [Tag!]! @listSize(assumedSize: 20)
    plans: [Plan!]!
    report: Report @cost(weight: 25)
    strict(first: Int, last: Int): [Tag!]! @listSize(slicingArguments: ["first", "last"])
    experiments(first: Int = 20, after: String): ExperimentConnection!
    node: Named
  }

  type Mutation {
    createCustomer(name: String!): Customer
    renameCustomer(id: ID!, name: String!): Customer @cost(weight: 3)
  }

  interface Named { name: String! }

  type CustomerConnection { nodes: [Customer!]! pageInfo: PageInfo! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Customer implements Named {
    id: ID!
    name: String!
    owner: User
    invoices(first: Int, after: String): InvoiceConnection!
      @listSize(assumedSize: 50, slicingArguments: ["first"], sizedFields: ["nodes"], requireOneSlicingArgument: false)
    subscriptions: [BillingSubscription!] @listSize(assumedSize: 3)
  }
  type User implements Named { id: ID! name: String! }
  type InvoiceConnection { nodes: [Invoice!]! pageInfo: PageInfo! }
  type Invoice {
    id: ID!
    lines(first: Int): LineConnection! @listSize(assumedSize: 50, slicingArguments: ["first"], sizedFields: ["nodes"], requireOneSlicingArgument: false)
  }
  type LineConnection { nodes: [Line!]! }
  type Line { id: ID! amount: Int! }
  type BillingSubscription { id: ID! status: String! }
  type Tag { id: ID! label: String! }
  type Plan { id: ID! name: String! }
  type Report { points: [Point!]! @listSize(assumedSize: 400) }
  type Point @cost(weight: 0) { x: Int! y: Float! }
  type ExperimentConnection { nodes: [Experiment!]! }
  type Experiment { id: ID! }
`;

export const testSchema = buildSchema(TEST_SDL);

/** Limits large enough that only the one a test is about can be broken. */
export const GENEROUS: OperationLimits = {
  maxDepth: 50,
  maxAliases: 1_000,
  maxRootFields: 1_000,
  maxTokens: 100_000,
  maxCost: 1e12,
  maxNodes: 1e12,
  maxPageSize: 100,
};

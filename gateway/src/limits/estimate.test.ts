// The cost and node estimates on hand-computed documents (test-schema.ts says
// what each field weighs), and the page-size rule on literals and variables.
import { describe, expect, it } from 'vitest';
import { createOperationGuard, type OperationLimitError, type OperationRequest } from './index.js';
import { GENEROUS, testSchema } from './test-schema.js';

const guard = createOperationGuard({ schema: testSchema, introspection: true });

function estimateOf(query: string, variables?: Record<string, unknown>, limits = GENEROUS) {
  const estimate = guard.check({ query, variables }, limits);
  if (!estimate) throw new Error('the guard did not analyse the document');
  return estimate;
}

function refusalOf(request: OperationRequest, limits = GENEROUS): OperationLimitError {
  try {
    guard.check(request, limits);
  } catch (err) {
    return err as OperationLimitError;
  }
  throw new Error('expected a refusal');
}

describe('cost', () => {
  it('a connection costs 1, each node its type and selections, times the page size', () => {
    // customers 1 + 10 × (Customer 1 + owner 1) + pageInfo 1
    const e = estimateOf('{ customers(first: 10) { nodes { name owner { name } } pageInfo { hasNextPage } } }');
    expect(e).toMatchObject({ cost: 22, nodes: 10, operationType: 'query' });
  });

  it('a page size from a variable is read per request; without it the assumed size applies', () => {
    const q = 'query Page($n: Int) { customers(first: $n) { nodes { id } } }';
    expect(estimateOf(q, { n: 30 })).toMatchObject({ cost: 31, nodes: 30 });
    expect(estimateOf(q, { n: 2 })).toMatchObject({ cost: 3, nodes: 2 });
    expect(estimateOf(q, {})).toMatchObject({ cost: 51, nodes: 50 });
    expect(estimateOf(q, { n: null })).toMatchObject({ cost: 51, nodes: 50 });
  });

  it("a variable's default in the operation sizes the list when the request omits it", () => {
    const q = 'query Page($n: Int = 7) { customers(first: $n) { nodes { id } } }';
    expect(estimateOf(q)).toMatchObject({ cost: 8, nodes: 7 });
    expect(estimateOf(q, { n: 9 })).toMatchObject({ cost: 10, nodes: 9 });
  });

  it('with first and last both given, the larger sizes the list', () => {
    expect(estimateOf('{ customers(first: 5, last: 8) { nodes { id } } }').cost).toBe(9);
  });

  it('nested connections multiply: 100 × 100 × 100 lines are 1,010,100 nodes', () => {
    const e = estimateOf('{ customers(first: 100) { nodes { invoices(first: 100) { nodes { lines(first: 100) { nodes { id } } } } } } }');
    // lines 1 + 100·1 = 101; invoice 1 + 101; invoices 1 + 100·102; customer 1 + 10,201; customers 1 + 100·10,202
    expect(e.cost).toBe(1_020_201);
    expect(e.nodes).toBe(100 + 100 * 100 + 100 * 100 * 100);
  });

  it('a plain list without @listSize is assumed to hold 10 items; with one, its assumedSize', () => {
    expect(estimateOf('{ plans { id name } }')).toMatchObject({ cost: 10, nodes: 10 });
    expect(estimateOf('{ tags { id } }')).toMatchObject({ cost: 20, nodes: 20 });
    expect(estimateOf('{ customer(id: "c") { subscriptions { id } } }')).toMatchObject({ cost: 4, nodes: 3 });
  });

  it('@cost on a field replaces its weight; @cost(weight: 0) on a type makes its items free but still nodes', () => {
    expect(estimateOf('{ report { points { x y } } }')).toMatchObject({ cost: 25, nodes: 400 });
  });

  it('scalars, enums and __typename cost nothing', () => {
    expect(estimateOf('{ __typename customer(id: "c") { id name __typename } }').cost).toBe(1);
  });

  it('a mutation root field costs 10 unless it declares @cost', () => {
    const e = estimateOf('mutation { createCustomer(name: "a") { id owner { id } } renameCustomer(id: "c", name: "b") { id } }');
    // createCustomer 10 + owner 1; renameCustomer 3
    expect(e).toMatchObject({ cost: 14, operationType: 'mutation' });
  });

  it('a connection field without @listSize is sized by first/last by convention, its schema default included', () => {
    expect(estimateOf('{ experiments { nodes { id } } }').cost).toBe(21);
    expect(estimateOf('{ experiments(first: 3) { nodes { id } } }').cost).toBe(4);
  });

  it('fields on an interface or behind fragments are priced like any other, the connection sizing its nodes through fragments', () => {
    const q = `{ customers(first: 10) { ...Page } node { name ... on Customer { owner { id } } } }
      fragment Page on CustomerConnection { nodes { ...Row } }
      fragment Row on Customer { name owner { name } }`;
    // customers 1 + 10 × 2; node 1 + owner 1
    expect(estimateOf(q).cost).toBe(23);
  });

  it('@include and @skip on variables count a field only when it is selected; literal ones are folded', () => {
    const q = 'query Rows($owner: Boolean!) { customers(first: 10) { nodes { id owner @include(if: $owner) { name } } } }';
    expect(estimateOf(q, { owner: true }).cost).toBe(21);
    expect(estimateOf(q, { owner: false }).cost).toBe(11);
    expect(estimateOf('{ customers(first: 10) { nodes { id owner @skip(if: true) { name } } } }').cost).toBe(11);
    expect(estimateOf('query S($n: Int, $skip: Boolean = false) { customers(first: $n) @skip(if: $skip) { nodes { id } } }', { n: 4 }).cost).toBe(5);
    expect(estimateOf('query S($n: Int, $skip: Boolean = false) { customers(first: $n) @skip(if: $skip) { nodes { id } } }', { n: 4, skip: true }).cost).toBe(0);
  });

  it('refuses an operation over maxCost with COST_LIMIT_EXCEEDED naming the estimate', () => {
    const err = refusalOf({ query: '{ customers(first: 100) { nodes { invoices(first: 100) { nodes { id } } } } }' }, { ...GENEROUS, maxCost: 1_000 });
    // invoices 1 + 100 × 1 = 101; customer 1 + 101; customers 1 + 100 × 102
    expect(err).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', limit: 'maxCost', maximum: 1_000, actual: 10_201, status: 400 });
    expect(err.message).toContain('10,201');
  });

  it('refuses more than maxNodes with NODE_LIMIT_EXCEEDED (GitHub: 500,000)', () => {
    const q = '{ customers(first: 100) { nodes { invoices(first: 100) { nodes { lines(first: 100) { nodes { id } } } } } } }';
    expect(refusalOf({ query: q }, { ...GENEROUS, maxNodes: 500_000 })).toMatchObject({ code: 'NODE_LIMIT_EXCEEDED', limit: 'maxNodes', maximum: 500_000, actual: 1_010_100 });
  });
});

describe('page sizes', () => {
  it.each([0, -1, 101])('first: %i as a literal is PAGE_SIZE_OUT_OF_RANGE', (first) => {
    const err = refusalOf({ query: `{ customers(first: ${first}) { nodes { id } } }` });
    expect(err).toMatchObject({ code: 'PAGE_SIZE_OUT_OF_RANGE', limit: 'maxPageSize', maximum: 100, actual: first });
    expect(err.message).toContain('Query.customers');
  });

  it('applies to every connection, nested ones and last included', () => {
    expect(refusalOf({ query: '{ customer(id: "c") { invoices(first: 500) { nodes { id } } } }' })).toMatchObject({ code: 'PAGE_SIZE_OUT_OF_RANGE', actual: 500 });
    expect(refusalOf({ query: '{ customers(last: 101) { nodes { id } } }' })).toMatchObject({ code: 'PAGE_SIZE_OUT_OF_RANGE', actual: 101 });
    expect(refusalOf({ query: '{ experiments(first: 101) { nodes { id } } }' })).toMatchObject({ code: 'PAGE_SIZE_OUT_OF_RANGE', actual: 101 });
  });

  it('checks values given as variables, and variable defaults, per request', () => {
    const q = 'query Page($n: Int = 100) { customers(first: $n) { nodes { id } } }';
    expect(estimateOf(q)).toMatchObject({ nodes: 100 });
    expect(refusalOf({ query: q, variables: { n: 1_000 } })).toMatchObject({ code: 'PAGE_SIZE_OUT_OF_RANGE', actual: 1_000 });
    expect(refusalOf({ query: 'query Page($n: Int = 0) { customers(first: $n) { nodes { id } } }' })).toMatchObject({ code: 'PAGE_SIZE_OUT_OF_RANGE', actual: 0 });
  });

  it('follows the tier: a larger maxPageSize lets a larger page through', () => {
    expect(estimateOf('{ customers(first: 150) { nodes { id } } }', undefined, { ...GENEROUS, maxPageSize: 200 }).nodes).toBe(150);
  });

  it('a connection called without first or last is allowed (unlike GitHub): the assumed page size applies', () => {
    expect(estimateOf('{ customers { nodes { id } } }').nodes).toBe(50);
  });

  it('a list declaring requireOneSlicingArgument needs exactly one of its slicing arguments', () => {
    expect(estimateOf('{ strict(first: 3) { id } }').cost).toBe(3);
    expect(refusalOf({ query: '{ strict { id } }' })).toMatchObject({ code: 'SLICING_ARGUMENT_REQUIRED', actual: 0 });
    expect(refusalOf({ query: '{ strict(first: 1, last: 2) { id } }' })).toMatchObject({ code: 'SLICING_ARGUMENT_REQUIRED', actual: 2 });
    const q = 'query S($a: Int, $b: Int) { strict(first: $a, last: $b) { id } }';
    expect(estimateOf(q, { a: 3 }).cost).toBe(3);
    expect(refusalOf({ query: q, variables: {} })).toMatchObject({ code: 'SLICING_ARGUMENT_REQUIRED', actual: 0 });
    expect(refusalOf({ query: q, variables: { a: 1, b: 2 } })).toMatchObject({ code: 'SLICING_ARGUMENT_REQUIRED', actual: 2 });
  });
});

// The structural limits (depth, aliases, root fields, tokens, fragment cycles
// and fan-out, introspection) and how the guard finds a request's document:
// by text, by persisted-query hash, or not at all.
import { createHash } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIER_POLICIES } from '../protection/tier-policies.js';
import { createOperationGuard, type OperationLimitError, type OperationRequest } from './index.js';
import { GENEROUS, testSchema } from './test-schema.js';

const open = createOperationGuard({ schema: testSchema, introspection: true });
const closed = createOperationGuard({ schema: testSchema, introspection: false });

function refusalOf(request: OperationRequest, limits = GENEROUS, guard = open): OperationLimitError {
  try {
    guard.check(request, limits);
  } catch (err) {
    return err as OperationLimitError;
  }
  throw new Error('expected a refusal');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('depth', () => {
  it('counts nested fields, fragments expanded', () => {
    expect(open.check({ query: '{ customer(id: "c") { owner { name } } }' }, GENEROUS)?.depth).toBe(3);
    expect(open.check({ query: '{ customers { ...P } } fragment P on CustomerConnection { nodes { owner { name } } }' }, GENEROUS)?.depth).toBe(4);
  });

  it('refuses a depth bomb with DEPTH_LIMIT_EXCEEDED', () => {
    const q = '{ customers { nodes { invoices { nodes { lines { nodes { id } } } } } } }';
    expect(refusalOf({ query: q }, { ...GENEROUS, maxDepth: 6 })).toMatchObject({ code: 'DEPTH_LIMIT_EXCEEDED', limit: 'maxDepth', maximum: 6, actual: 7, status: 400 });
  });

  it('refuses a document nested too deep for the parser itself (thousands of levels) as a depth bomb', () => {
    const levels = 10_000;
    const q = `{ ${'a { '.repeat(levels)}b${' }'.repeat(levels)} }`;
    const err = refusalOf({ query: q }, { ...GENEROUS, maxDepth: 15 });
    expect(err).toMatchObject({ code: 'DEPTH_LIMIT_EXCEEDED', maximum: 15, actual: levels + 1 });
  });
});

describe('aliases', () => {
  it('counts every aliased field, once per place its fragment is spread', () => {
    const q = '{ a: customer(id: "1") { ...F } b: customer(id: "2") { ...F } } fragment F on Customer { x: name y: name }';
    expect(open.check({ query: q }, GENEROUS)?.aliases).toBe(6);
    expect(refusalOf({ query: q }, { ...GENEROUS, maxAliases: 5 })).toMatchObject({ code: 'ALIAS_LIMIT_EXCEEDED', limit: 'maxAliases', maximum: 5, actual: 6 });
  });

  it('refuses an alias bomb on a mutation before anything runs', () => {
    const bomb = `mutation { ${Array.from({ length: 31 }, (_, i) => `c${i}: createCustomer(name: "x") { id }`).join(' ')} }`;
    expect(refusalOf({ query: bomb }, DEFAULT_TIER_POLICIES.FREE.limits)).toMatchObject({ code: 'ALIAS_LIMIT_EXCEEDED', maximum: 30, actual: 31 });
  });
});

describe('root fields', () => {
  it('counts distinct response keys on the root type, through fragments', () => {
    const q = '{ a: customer(id: "1") { id } b: customer(id: "2") { id } ...R plans { name } } fragment R on Query { plans { id } tags { id } }';
    expect(open.check({ query: q }, GENEROUS)?.rootFields).toBe(4);
    expect(refusalOf({ query: q }, { ...GENEROUS, maxRootFields: 3 })).toMatchObject({ code: 'ROOT_FIELD_LIMIT_EXCEEDED', limit: 'maxRootFields', maximum: 3, actual: 4 });
  });
});

describe('tokens', () => {
  it('counts the lexical tokens of the document', () => {
    expect(open.check({ query: '{ plans { id } }' }, GENEROUS)?.tokens).toBe(6);
  });

  it('stops reading a token flood at the limit with TOKEN_LIMIT_EXCEEDED', () => {
    const flood = `{ ${'__typename '.repeat(20_000)}}`;
    const err = refusalOf({ query: flood }, { ...GENEROUS, maxTokens: 10_000 });
    expect(err).toMatchObject({ code: 'TOKEN_LIMIT_EXCEEDED', limit: 'maxTokens', maximum: 10_000, actual: 10_001 });
    expect(err.message).toContain('more than 10,000');
  });

  it('compares a document analysed for a larger limit with the exact count', () => {
    const guard = createOperationGuard({ schema: testSchema, introspection: true });
    const q = `{ ${'__typename '.repeat(998)}}`;
    expect(guard.check({ query: q }, GENEROUS)?.tokens).toBe(1_000);
    expect(refusalOf({ query: q }, { ...GENEROUS, maxTokens: 500 }, guard)).toMatchObject({ code: 'TOKEN_LIMIT_EXCEEDED', maximum: 500, actual: 1_000 });
  });
});

describe('fragments', () => {
  it.each([
    ['two fragments spreading each other', '{ ...A } fragment A on Query { plans { id } ...B } fragment B on Query { ...A }', ['A', 'B', 'A']],
    ['a fragment spreading itself', '{ customer(id: "c") { ...C } } fragment C on Customer { owner { name } ...C }', ['C', 'C']],
    ['a cycle among fragments the operation does not use', '{ plans { id } } fragment A on Query { ...B } fragment B on Query { ...A }', ['A', 'B', 'A']],
  ])('refuses %s with FRAGMENT_CYCLE', (_label, query, path) => {
    const err = refusalOf({ query });
    expect(err).toMatchObject({ code: 'FRAGMENT_CYCLE', limit: 'fragmentCycles' });
    expect(err.message).toContain(path.join(' → '));
  });

  it('measures a fragment fan-out bomb without expanding it and refuses it with FRAGMENT_EXPANSION_LIMIT_EXCEEDED', () => {
    // F0 spreads F1 ten times, F1 spreads F2 ten times, … F8 spreads F9 (one field): 10^9 fields once expanded.
    const fragments = Array.from({ length: 9 }, (_, i) => `fragment F${i} on Query { ${`...F${i + 1} `.repeat(10)}}`).join('\n');
    const q = `{ ...F0 }\n${fragments}\nfragment F9 on Query { __typename }`;
    const err = refusalOf({ query: q }, { ...GENEROUS, maxTokens: 10_000 });
    expect(err).toMatchObject({ code: 'FRAGMENT_EXPANSION_LIMIT_EXCEEDED', limit: 'maxTokens', maximum: 10_000, actual: 1e9 });
  });

  it('lets a fragment spread in a few places through', () => {
    const q = '{ a: customer(id: "1") { ...C } b: customer(id: "2") { ...C } } fragment C on Customer { name owner { name } }';
    expect(open.check({ query: q }, DEFAULT_TIER_POLICIES.FREE.limits)).toMatchObject({ cost: 4, aliases: 2 });
  });
});

describe('introspection', () => {
  it('when disabled, refuses __schema and __type anywhere with INTROSPECTION_DISABLED', () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Customer") { name } }', '{ ...I } fragment I on Query { plans { id } __type(name: "Plan") { name } }']) {
      expect(refusalOf({ query }, GENEROUS, closed)).toMatchObject({ code: 'INTROSPECTION_DISABLED', status: 400 });
    }
  });

  it('when disabled, still allows __typename', () => {
    expect(closed.check({ query: '{ __typename plans { __typename id } }' }, DEFAULT_TIER_POLICIES.ANONYMOUS.limits)).toMatchObject({ cost: 10 });
  });

  it("when enabled, the explorer's introspection query passes the anonymous limits at a flat cost", () => {
    for (const query of [getIntrospectionQuery(), getIntrospectionQuery({ descriptions: true, schemaDescription: true, inputValueDeprecation: true, directiveIsRepeatable: true, specifiedByUrl: true })]) {
      expect(open.check({ query, operationName: 'IntrospectionQuery' }, DEFAULT_TIER_POLICIES.ANONYMOUS.limits)).toMatchObject({ cost: 100, nodes: 0 });
    }
  });
});

describe('finding the document', () => {
  it('returns null for a document that does not parse, an unknown operation, or an ambiguous one (Apollo answers those)', () => {
    expect(open.check({ query: '{ plans { id ' }, GENEROUS)).toBeNull();
    expect(open.check({ query: 'query A { plans { id } }', operationName: 'B' }, GENEROUS)).toBeNull();
    expect(open.check({ query: 'query A { plans { id } } query B { tags { id } }' }, GENEROUS)).toBeNull();
    expect(open.check({}, GENEROUS)).toBeNull();
  });

  it('analyses the operation the request names', () => {
    const q = 'query A { plans { id } } query B { tags { id } }';
    expect(open.check({ query: q, operationName: 'A' }, GENEROUS)?.cost).toBe(10);
    expect(open.check({ query: q, operationName: 'B' }, GENEROUS)?.cost).toBe(20);
  });

  it('finds a persisted query by its hash once a request has carried its text, and not before', () => {
    const guard = createOperationGuard({ schema: testSchema, introspection: true });
    const query = 'query Tags { tags { id } }';
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    expect(guard.check({ extensions: { persistedQuery } }, GENEROUS)).toBeNull();
    expect(guard.check({ query, extensions: { persistedQuery } }, GENEROUS)?.cost).toBe(20);
    expect(guard.check({ extensions: { persistedQuery } }, GENEROUS)?.cost).toBe(20);
    expect(refusalOf({ extensions: { persistedQuery } }, { ...GENEROUS, maxCost: 10 }, guard)).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', actual: 20 });
  });

  it('does not file a text under a hash that is not its own', () => {
    const guard = createOperationGuard({ schema: testSchema, introspection: true });
    const expensive = '{ customers(first: 100) { nodes { invoices(first: 100) { nodes { id } } } } }';
    const persistedQuery = { version: 1, sha256Hash: sha256(expensive) };
    expect(guard.check({ query: '{ plans { id } }', extensions: { persistedQuery } }, GENEROUS)?.cost).toBe(10);
    expect(guard.check({ extensions: { persistedQuery } }, GENEROUS)).toBeNull();
  });
});

describe('huge variables', () => {
  it('are refused before the document is looked at', () => {
    const deep = JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`);
    expect(refusalOf({ query: '{ plans { id } }', variables: { deep } })).toMatchObject({ code: 'VARIABLES_TOO_LARGE', limit: 'maxVariableDepth' });
    expect(refusalOf({ extensions: { persistedQuery: { sha256Hash: 'unknown' } }, variables: { deep } })).toMatchObject({ code: 'VARIABLES_TOO_LARGE' });
  });
});

/**
 * Subscription planning: a `primary` fetch to the owning subgraph and the
 * entity fetches of `rest`, planned once per document and operation name.
 */
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PreparedSubscription, SubscriptionPlanner } from './planner.js';

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
let planner: SubscriptionPlanner;

beforeAll(() => {
  const composed = composeServices([
    {
      name: 'ticks',
      url: 'http://ticks.invalid',
      typeDefs: parse(`${FEDERATION}
        type Query { tickCount: Int }
        type Subscription { ticked(channel: String): Tick! }
        type Tick { n: Int! owner: User! }
        type User @key(fields: "id", resolvable: false) { id: ID! }`),
    },
    { name: 'users', url: 'http://users.invalid', typeDefs: parse(`${FEDERATION} type Query { me: User } type User @key(fields: "id") { id: ID! email: String! }`) },
  ]);
  if (composed.errors) throw composed.errors[0];
  planner = new SubscriptionPlanner(composed.supergraphSdl);
});

function prepared(query: string, operationName?: string): PreparedSubscription {
  const result = planner.prepare(query, operationName);
  if (Array.isArray(result)) throw result[0];
  return result;
}

describe('subscription planner', () => {
  it('subscribes at the owning subgraph and fetches fields of other subgraphs per event', () => {
    const plan = prepared('subscription S($c: String) { ticked(channel: $c) { n owner { email } } }');
    expect(plan.primary).toMatchObject({ kind: 'Fetch', serviceName: 'ticks', operationKind: 'subscription', variableUsages: ['c'] });
    expect(plan.primary.operation).toContain('owner{__typename id}');
    expect(plan.plan.node).toMatchObject({ kind: 'Sequence', nodes: [plan.primary, { kind: 'Sequence', nodes: [{ kind: 'Flatten', path: ['ticked', 'owner'], node: { serviceName: 'users' } }] }] });
  });

  it('plans a subscription that stays in one subgraph as the primary fetch alone', () => {
    expect(prepared('subscription { ticked { n } }').plan.node).toMatchObject({ kind: 'Fetch', serviceName: 'ticks' });
  });

  it('plans a document once, and gives the same sharing key to the same document written differently', () => {
    const query = 'subscription { ticked { n } }';
    expect(prepared(query)).toBe(prepared(query));
    expect(prepared('subscription {\n  ticked {\n    n\n  }\n}').key).toBe(prepared(query).key);
    expect(prepared('subscription A { ticked { n } }', 'A').key).not.toBe(prepared(query).key);
  });

  it.each([
    ['{ tickCount }', 'BAD_REQUEST'],
    ['subscription { ticked { nope } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['subscription {', 'GRAPHQL_PARSE_FAILED'],
  ])('refuses %s with %s', (query, code) => {
    const result = planner.prepare(query);
    expect(Array.isArray(result) && result[0]?.extensions.code).toBe(code);
  });
});

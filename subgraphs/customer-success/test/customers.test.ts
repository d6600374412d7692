/**
 * Customers through GraphQL: create, update, archive, get and list, each change
 * with its domain event in the outbox (valid against the event catalogue) and
 * its journey entry; typed errors for bad input, unknown ids and duplicates;
 * permissions checked on every field.
 */
import { BUILT_IN_ROLES } from '@platform/core';
import { parseEventPayload } from '@platform/core/events/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, startCustomerSuccess, type TestSubgraph } from './support.js';

let env: TestSubgraph;

beforeAll(async () => {
  env = await startCustomerSuccess();
});
afterAll(async () => {
  await env?.close();
});

const CREATE = `mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    __typename
    ... on Customer { id name domain segment lifecycleStage owner { id } createdAt archivedAt healthScore { score } }
    ... on ValidationError { fieldErrors { path message } }
    ... on ConflictError { field message }
  }
}`;
const UPDATE = `mutation($id: ID!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, input: $input) {
    __typename
    ... on Customer { id name domain segment lifecycleStage owner { id } }
    ... on Error { message code }
  }
}`;
const ARCHIVE = `mutation($id: ID!) { archiveCustomer(id: $id) { __typename ... on Customer { id archivedAt } ... on Error { message code } } }`;
const GET = `query($id: ID!) { customer(id: $id) { id name segment archivedAt journey { nodes { kind title } } } }`;
const LIST = `query($filter: CustomerFilter, $first: Int, $after: String) {
  customers(filter: $filter, first: $first, after: $after) { nodes { id name } pageInfo { hasNextPage endCursor } }
}`;

describe('creating a customer', () => {
  it('stores it, emits customer.created@1 and starts its journey', async () => {
    const t = env.tenant();
    const owner = crypto.randomUUID();
    const data = await env.ok(t.owner, CREATE, {
      input: { name: '  Globex  ', domain: 'https://Globex.example/about', segment: 'ENTERPRISE', ownerUserId: owner },
    });
    expect(data.createCustomer).toMatchObject({
      __typename: 'Customer',
      name: 'Globex',
      domain: 'globex.example',
      segment: 'ENTERPRISE',
      lifecycleStage: 'ONBOARDING',
      owner: { id: owner },
      archivedAt: null,
      healthScore: null,
    });
    const id = data.createCustomer.id as string;
    const events = await env.outbox(t.tenantId);
    expect(events.map((e) => e.type)).toEqual(['customer.created@1']);
    expect(parseEventPayload('customer.created@1', events[0]!.payload)).toEqual({
      customerId: id,
      name: 'Globex',
      domain: 'globex.example',
      segment: 'ENTERPRISE',
      lifecycleStage: 'ONBOARDING',
      ownerUserId: owner,
    });
    expect(events[0]).toMatchObject({ aggregateType: 'customer', aggregateId: id, tenantId: t.tenantId });
    const read = await env.ok(t.owner, GET, { id });
    expect(read.customer.journey.nodes).toEqual([{ kind: 'CUSTOMER_CREATED', title: 'Globex became a customer' }]);
  });

  it('refuses bad input with a ValidationError naming each field, and stores nothing', async () => {
    const t = env.tenant();
    const data = await env.ok(t.owner, CREATE, { input: { name: '   ', domain: 'not a domain', segment: 'SMB', ownerUserId: 'nobody' } });
    expect(data.createCustomer.__typename).toBe('ValidationError');
    expect(data.createCustomer.fieldErrors.map((e: { path: string }) => e.path).sort()).toEqual(['input.domain', 'input.name', 'input.ownerUserId']);
    expect(await env.outbox(t.tenantId)).toEqual([]);
    expect((await env.ok(t.owner, LIST, {})).customers.nodes).toEqual([]);
  });

  it('refuses a domain another active customer of the tenant has (ConflictError), but not one of another tenant', async () => {
    const a = env.tenant();
    const b = env.tenant();
    await createCustomer(env, a.owner, { domain: 'initech.example' });
    const dup = await env.ok(a.owner, CREATE, { input: { name: 'Initech again', domain: 'INITECH.example', segment: 'SMB' } });
    expect(dup.createCustomer).toMatchObject({ __typename: 'ConflictError', field: 'input.domain' });
    const other = await env.ok(b.owner, CREATE, { input: { name: 'Initech', domain: 'initech.example', segment: 'SMB' } });
    expect(other.createCustomer.__typename).toBe('Customer');
  });

  it('needs data:write: a viewer gets FORBIDDEN and nothing is stored', async () => {
    const t = env.tenant();
    const viewer = t.user(BUILT_IN_ROLES.viewer);
    const result = await env.gql(viewer, CREATE, { input: { name: 'Nope', segment: 'SMB' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await env.outbox(t.tenantId)).toEqual([]);
  });

  it('is refused without the gateway’s signed identity header, before any resolver runs', async () => {
    const t = env.tenant();
    const result = await env.runtime.execute({ query: LIST }, {});
    expect(result.errors?.[0]?.extensions?.code).toBe('IDENTITY_MISSING');
    expect(result.data ?? null).toBeNull();
    expect((await env.ok(t.owner, LIST, {})).customers.nodes).toEqual([]);
  });

  it('needs a tenant member: a signed-in account without a tenant is refused', async () => {
    const t = env.tenant();
    const result = await env.gql({ ...t.owner, tenantId: null, userId: null }, LIST, {});
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('updating a customer', () => {
  it('changes only the given fields and emits customer.updated@1 listing them', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner, { name: 'Umbrella', segment: 'SMB' });
    const owner = crypto.randomUUID();
    const data = await env.ok(t.owner, UPDATE, { id, input: { segment: 'MID_MARKET', lifecycleStage: 'ACTIVE', ownerUserId: owner } });
    expect(data.updateCustomer).toMatchObject({ __typename: 'Customer', name: 'Umbrella', segment: 'MID_MARKET', lifecycleStage: 'ACTIVE', owner: { id: owner } });
    const [updated] = await env.outbox(t.tenantId, 'customer.updated@1');
    expect(parseEventPayload('customer.updated@1', updated!.payload)).toMatchObject({
      customerId: id,
      segment: 'MID_MARKET',
      lifecycleStage: 'ACTIVE',
      ownerUserId: owner,
      changed: ['segment', 'lifecycleStage', 'ownerUserId'],
    });
    const journey = (await env.ok(t.owner, GET, { id })).customer.journey.nodes.map((n: { kind: string }) => n.kind);
    expect(journey).toEqual(['OWNER_CHANGED', 'LIFECYCLE_CHANGED', 'CUSTOMER_CREATED']);
  });

  it('an update that changes nothing records no event', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner, { name: 'Same', segment: 'SMB' });
    await env.ok(t.owner, UPDATE, { id, input: { name: 'Same', segment: 'SMB' } });
    expect(await env.outbox(t.tenantId, 'customer.updated@1')).toEqual([]);
  });

  it('an unknown or malformed id is a NotFoundError', async () => {
    const t = env.tenant();
    for (const id of [crypto.randomUUID(), 'not-a-uuid']) {
      const data = await env.ok(t.owner, UPDATE, { id, input: { name: 'X' } });
      expect(data.updateCustomer).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    }
  });
});

describe('archiving a customer', () => {
  it('sets archivedAt, emits customer.archived@1, hides it from the list and refuses further changes', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    const data = await env.ok(t.owner, ARCHIVE, { id });
    expect(data.archiveCustomer).toMatchObject({ __typename: 'Customer', id, archivedAt: env.clock.now.toISOString() });
    const [archived] = await env.outbox(t.tenantId, 'customer.archived@1');
    expect(parseEventPayload('customer.archived@1', archived!.payload)).toEqual({ customerId: id });
    expect((await env.ok(t.owner, LIST, {})).customers.nodes).toEqual([]);
    expect((await env.ok(t.owner, LIST, { filter: { includeArchived: true } })).customers.nodes.map((n: { id: string }) => n.id)).toEqual([id]);
    expect((await env.ok(t.owner, ARCHIVE, { id })).archiveCustomer).toMatchObject({ __typename: 'InvalidStateError' });
    expect((await env.ok(t.owner, UPDATE, { id, input: { name: 'Back' } })).updateCustomer).toMatchObject({ __typename: 'InvalidStateError' });
    expect((await env.ok(t.owner, GET, { id })).customer.archivedAt).not.toBeNull();
  });
});

describe('reading customers', () => {
  it('customer(id) with an unknown id answers NOT_FOUND', async () => {
    const t = env.tenant();
    const result = await env.gql(t.owner, GET, { id: crypto.randomUUID() });
    expect(result.data?.customer).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('lists oldest first with cursor pagination and filters by segment, lifecycle stage, owner, band and name', async () => {
    const t = env.tenant();
    const csm = crypto.randomUUID();
    const ids: string[] = [];
    for (const [i, segment] of ['SMB', 'ENTERPRISE', 'SMB', 'MID_MARKET', 'SMB'].entries()) {
      ids.push(await createCustomer(env, t.owner, { name: `Customer ${i}`, segment, ownerUserId: i % 2 === 0 ? csm : null }));
      env.clock.advance(1000);
    }
    const first = await env.ok(t.owner, LIST, { first: 2 });
    expect(first.customers.nodes.map((n: { id: string }) => n.id)).toEqual(ids.slice(0, 2));
    expect(first.customers.pageInfo.hasNextPage).toBe(true);
    const second = await env.ok(t.owner, LIST, { first: 2, after: first.customers.pageInfo.endCursor });
    expect(second.customers.nodes.map((n: { id: string }) => n.id)).toEqual(ids.slice(2, 4));
    const third = await env.ok(t.owner, LIST, { first: 2, after: second.customers.pageInfo.endCursor });
    expect(third.customers).toMatchObject({ nodes: [{ id: ids[4] }], pageInfo: { hasNextPage: false } });

    const smb = await env.ok(t.owner, LIST, { filter: { segment: 'SMB' } });
    expect(smb.customers.nodes.map((n: { id: string }) => n.id)).toEqual([ids[0], ids[2], ids[4]]);
    const owned = await env.ok(t.owner, LIST, { filter: { ownerUserId: csm } });
    expect(owned.customers.nodes.map((n: { id: string }) => n.id)).toEqual([ids[0], ids[2], ids[4]]);
    await env.ok(t.owner, UPDATE, { id: ids[1], input: { lifecycleStage: 'RENEWAL' } });
    const renewal = await env.ok(t.owner, LIST, { filter: { lifecycleStage: 'RENEWAL' } });
    expect(renewal.customers.nodes.map((n: { id: string }) => n.id)).toEqual([ids[1]]);
    await env.ok(t.owner, `mutation($input: RecordNpsResponseInput!) { recordNpsResponse(input: $input) { __typename } }`, { input: { customerId: ids[3], score: 2 } });
    const red = await env.ok(t.owner, LIST, { filter: { band: 'RED' } });
    expect(red.customers.nodes.map((n: { id: string }) => n.id)).toEqual([ids[3]]);
    const search = await env.ok(t.owner, LIST, { filter: { search: 'customer 3' } });
    expect(search.customers.nodes.map((n: { id: string }) => n.id)).toEqual([ids[3]]);
  });

  it('a cursor that was not issued by the API is a validation error', async () => {
    const t = env.tenant();
    const result = await env.gql(t.owner, LIST, { after: 'garbage' });
    expect(result.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
  });

  it('resolves Customer references (_entities) through the loader, under RLS', async () => {
    const a = env.tenant();
    const b = env.tenant();
    const id = await createCustomer(env, a.owner, { name: 'Referenced' });
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }`;
    const reps = { r: [{ __typename: 'Customer', id }, { __typename: 'Customer', id: crypto.randomUUID() }] };
    expect((await env.ok(a.owner, query, reps))._entities).toEqual([{ id, name: 'Referenced' }, null]);
    expect((await env.ok(b.owner, query, reps))._entities).toEqual([null, null]);
  });
});

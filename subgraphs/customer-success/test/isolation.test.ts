/**
 * Tenant isolation: tenant B cannot read, change or act on tenant A's customers
 * and their data through any mutation (each answers NotFound as for an id that
 * does not exist), and PostgreSQL's row-level security hides A's rows from B's
 * transactions in every customer_success table even when the query asks for A's
 * tenant_id explicitly.
 */
import { customerSuccessTables as cs, inScope, rowsOf, type Tx } from '@platform/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, startCustomerSuccess, type TestSubgraph, type TestTenant, usagePayload } from './support.js';

let env: TestSubgraph;
let a: TestTenant;
let b: TestTenant;
let customerA: string;
const ids: Record<string, string> = {};

async function query<R>(tx: Pick<Tx, 'execute'>, statement: ReturnType<typeof sql>): Promise<R[]> {
  return rowsOf<R>(await tx.execute(statement));
}

function sqlState(err: unknown): string | undefined {
  for (let e = err; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

beforeAll(async () => {
  env = await startCustomerSuccess();
  a = env.tenant();
  b = env.tenant();
  // Tenant A gets a row in every table of the schema.
  customerA = await createCustomer(env, a.owner, { name: 'A Corp', domain: 'a-corp.example', ownerUserId: a.owner.userId });
  await env.ok(a.owner, `mutation { updateHealthWeights(weights: { usage: 40, engagement: 20, support: 20, financial: 20 }) { __typename } }`);
  await env.deliver(a.tenantId, 'usage.recorded@1', usagePayload(customerA, env.clock.now));
  await env.deliver(a.tenantId, 'payment.failed@1', {
    customerId: customerA,
    invoiceId: crypto.randomUUID(),
    paymentId: 'pi_a',
    amountMinor: 500,
    currency: 'USD',
    attempt: 1,
    failureCode: null,
    failedAt: env.clock.now.toISOString(),
    nextRetryAt: null,
  });
  ids.ticket = (
    await env.ok(a.owner, `mutation { recordSupportTicket(input: { customerId: "${customerA}", subject: "Help" }) { ... on SupportTicket { id } } }`)
  ).recordSupportTicket.id;
  await env.ok(a.owner, `mutation { recordNpsResponse(input: { customerId: "${customerA}", score: 2, comment: "bad" }) { __typename } }`);
  await env.ok(a.owner, `mutation { retrainChurnModel { __typename } }`);
  const plan = (await env.ok(a.owner, `mutation { startOnboarding(customerId: "${customerA}") { ... on OnboardingPlan { milestones { id } } } }`)).startOnboarding;
  ids.milestone = plan.milestones[0].id;
  ids.task = (await env.ok(a.owner, `mutation { addOnboardingTask(input: { customerId: "${customerA}", title: "t" }) { ... on OnboardingTask { id } } }`)).addOnboardingTask.id;
  ids.blocker = (await env.ok(a.owner, `mutation { addOnboardingBlocker(input: { customerId: "${customerA}", description: "b" }) { ... on OnboardingBlocker { id } } }`))
    .addOnboardingBlocker.id;
  ids.playbook = (await env.ok(a.owner, `{ playbooks { id } }`)).playbooks[0].id;
  const run = (await env.ok(a.owner, `mutation { startPlaybook(playbookId: "${ids.playbook}", customerId: "${customerA}") { ... on PlaybookRun { id steps { id } } } }`))
    .startPlaybook;
  ids.run = run.id;
  ids.runStep = run.steps[0].id;
  ids.csmTask = (await env.ok(a.owner, `mutation { createCsmTask(input: { title: "call", customerId: "${customerA}" }) { ... on CsmTask { id } } }`)).createCsmTask.id;
  // The event bus writes checkpoints; seed one as it would.
  await inScope(env.database.db, { tenantId: a.tenantId, accountId: null }, (tx) =>
    tx.insert(cs.eventCheckpoints).values({ tenantId: a.tenantId, consumer: 'customer-success', source: 'analytics', aggregateKey: `customer:${customerA}`, lastPosition: 1 }),
  );
});
afterAll(async () => {
  await env?.close();
});

describe('through GraphQL, tenant B', () => {
  it('cannot read A’s customer, its reference or its data', async () => {
    const read = await env.gql(b.owner, `{ customer(id: "${customerA}") { id name } }`);
    expect(read.data?.customer).toBeNull();
    expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await env.ok(b.owner, `{ customers(filter: { includeArchived: true }) { nodes { id } } }`)).customers.nodes).toEqual([]);
    expect((await env.ok(b.owner, `{ customers(filter: { ownerUserId: "${a.owner.userId}" }) { nodes { id } } }`)).customers.nodes).toEqual([]);
    expect((await env.ok(b.owner, `{ npsReport { totalResponses } }`)).npsReport.totalResponses).toBe(0);
    expect((await env.ok(b.owner, `{ churnModel { samples } healthWeights { usage } }`)).healthWeights.usage).toBe(35);
    const entities = await env.ok(b.owner, `{ _entities(representations: [{ __typename: "Customer", id: "${customerA}" }]) { ... on Customer { id } } }`);
    expect(entities._entities).toEqual([null]);
  });

  it.each([
    ['updateCustomer', () => `mutation { r: updateCustomer(id: "${customerA}", input: { name: "Stolen" }) { __typename } }`],
    ['archiveCustomer', () => `mutation { r: archiveCustomer(id: "${customerA}") { __typename } }`],
    ['recordSupportTicket', () => `mutation { r: recordSupportTicket(input: { customerId: "${customerA}", subject: "x" }) { __typename } }`],
    ['resolveSupportTicket', () => `mutation { r: resolveSupportTicket(id: "${ids.ticket}") { __typename } }`],
    ['recordNpsResponse', () => `mutation { r: recordNpsResponse(input: { customerId: "${customerA}", score: 10 }) { __typename } }`],
    ['startOnboarding', () => `mutation { r: startOnboarding(customerId: "${customerA}") { __typename } }`],
    ['completeOnboardingMilestone', () => `mutation { r: completeOnboardingMilestone(id: "${ids.milestone}") { __typename } }`],
    ['addOnboardingTask', () => `mutation { r: addOnboardingTask(input: { customerId: "${customerA}", title: "x" }) { __typename } }`],
    ['completeOnboardingTask', () => `mutation { r: completeOnboardingTask(id: "${ids.task}") { __typename } }`],
    ['addOnboardingBlocker', () => `mutation { r: addOnboardingBlocker(input: { customerId: "${customerA}", description: "x" }) { __typename } }`],
    ['resolveOnboardingBlocker', () => `mutation { r: resolveOnboardingBlocker(id: "${ids.blocker}") { __typename } }`],
    ['startPlaybook', () => `mutation { r: startPlaybook(playbookId: "${ids.playbook}", customerId: "${customerA}") { __typename } }`],
    ['completePlaybookStep', () => `mutation { r: completePlaybookStep(runStepId: "${ids.runStep}") { __typename } }`],
    ['cancelPlaybookRun', () => `mutation { r: cancelPlaybookRun(runId: "${ids.run}") { __typename } }`],
    ['createCsmTask', () => `mutation { r: createCsmTask(input: { title: "x", customerId: "${customerA}" }) { __typename } }`],
    ['completeCsmTask', () => `mutation { r: completeCsmTask(id: "${ids.csmTask}") { __typename } }`],
  ])('%s on A’s data is a NotFoundError and changes nothing', async (_name, mutation) => {
    const before = await env.outbox(a.tenantId);
    expect((await env.ok(b.owner, mutation())).r).toEqual({ __typename: 'NotFoundError' });
    expect(await env.outbox(a.tenantId)).toEqual(before);
    expect(await env.outbox(b.tenantId)).toEqual([]);
  });

  it('A’s customer is unchanged', async () => {
    const read = await env.ok(a.owner, `{ customer(id: "${customerA}") { name archivedAt supportTickets { nodes { status } } } }`);
    expect(read.customer).toEqual({ name: 'A Corp', archivedAt: null, supportTickets: { nodes: [{ status: 'OPEN' }] } });
  });
});

describe('row-level security on the customer_success tables', () => {
  const tables = Object.values(cs)
    .filter((v): v is typeof cs.customers => typeof v === 'object' && v !== null && Symbol.for('drizzle:Name') in v)
    .map((table) => `customer_success.${(table as unknown as Record<symbol, string>)[Symbol.for('drizzle:Name')]}`);

  it('covers every table of the schema, each with a tenant_id column and forced RLS', async () => {
    const catalogue = await query<{ name: string; rls: boolean; forced: boolean; tenant: boolean }>(
      env.database.db,
      sql`select n.nspname || '.' || c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
            exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as tenant
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'customer_success' and c.relkind = 'r' order by 1`,
    );
    expect(catalogue.map((r) => r.name)).toEqual([...tables].sort());
    expect(catalogue.filter((r) => !(r.rls && r.forced && r.tenant))).toEqual([]);
  });

  it('B’s transaction asking for A’s tenant_id explicitly sees no row of any table, and A sees its own', async () => {
    for (const table of tables) {
      const forged = await inScope(env.database.db, { tenantId: b.tenantId, accountId: null }, (tx) =>
        query<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.raw(table)} where tenant_id = ${a.tenantId}::uuid`),
      );
      expect({ table, n: forged[0]!.n }).toEqual({ table, n: 0 });
      const own = await inScope(env.database.db, { tenantId: a.tenantId, accountId: null }, (tx) => query<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.raw(table)}`));
      expect({ table, seeded: own[0]!.n > 0 }).toEqual({ table, seeded: true });
      const unscoped = await query<{ n: number }>(env.database.db, sql`select count(*)::int as n from ${sql.raw(table)}`);
      expect({ table, n: unscoped[0]!.n }).toEqual({ table, n: 0 });
    }
  });

  it('B cannot update, delete or insert A’s rows', async () => {
    const changed = await inScope(env.database.db, { tenantId: b.tenantId, accountId: null }, async (tx) => ({
      updated: await query(tx, sql`update customer_success.customers set name = 'Stolen' where id = ${customerA}::uuid returning 1 as one`),
      deleted: await query(tx, sql`delete from customer_success.health_scores where customer_id = ${customerA}::uuid returning 1 as one`),
    }));
    expect(changed).toEqual({ updated: [], deleted: [] });
    const err = await inScope(env.database.db, { tenantId: b.tenantId, accountId: null }, (tx) =>
      tx.insert(cs.customers).values({ tenantId: a.tenantId, name: 'Planted', segment: 'SMB' }),
    ).catch((e: unknown) => e);
    expect(sqlState(err)).toBe('42501');
  });
});

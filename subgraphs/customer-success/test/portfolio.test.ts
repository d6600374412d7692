/**
 * A CSM's portfolio: the accounts they own, their workload, and one prioritised
 * list of open work from onboarding tasks, active playbook steps and manual
 * tasks — on `myPortfolio` and on tenancy's `User` entity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, DAY, startCustomerSuccess, type TestSubgraph } from './support.js';

let env: TestSubgraph;

beforeAll(async () => {
  env = await startCustomerSuccess();
});
afterAll(async () => {
  await env?.close();
});

const PORTFOLIO_FIELDS = `
  customers { id name healthBand }
  workload { customers atRiskCustomers openTasks overdueTasks load loadPoints }
  prioritisedTasks { id source title priority reasons dueAt customer { id } }`;
const MINE = `{ myPortfolio { ${PORTFOLIO_FIELDS} } }`;
const NPS = `mutation($input: RecordNpsResponseInput!) { recordNpsResponse(input: $input) { __typename } }`;
const TASK = `mutation($input: AddOnboardingTaskInput!) { addOnboardingTask(input: $input) { __typename ... on OnboardingTask { id } } }`;
const CSM_TASK = `mutation($input: CreateCsmTaskInput!) { createCsmTask(input: $input) { __typename ... on CsmTask { id status owner { id } } ... on Error { code } } }`;

type Task = { id: string; source: string; title: string; priority: number; reasons: string[]; customer: { id: string } | null };

describe('a CSM portfolio', () => {
  it('lists owned accounts and orders open work by priority across the three sources', async () => {
    const t = env.tenant();
    const csm = t.user(undefined);
    const colleague = crypto.randomUUID();
    const red = await createCustomer(env, t.owner, { name: 'B Red', ownerUserId: csm.userId });
    const green = await createCustomer(env, t.owner, { name: 'A Green', ownerUserId: csm.userId });
    const notMine = await createCustomer(env, t.owner, { name: 'C Other', ownerUserId: colleague });
    // Health 10 (RED) starts the churn-prevention playbook on the red account: its steps become the CSM's work.
    await env.ok(t.owner, NPS, { input: { customerId: red, score: 1 } });
    await env.ok(t.owner, NPS, { input: { customerId: green, score: 10 } });
    await env.ok(t.owner, `mutation($c: ID!) { startOnboarding(customerId: $c) { __typename } }`, { c: green });
    await env.ok(t.owner, `mutation($c: ID!) { startOnboarding(customerId: $c) { __typename } }`, { c: notMine });
    const overdue = (await env.ok(t.owner, TASK, { input: { customerId: green, title: 'Chase the SSO metadata', dueAt: new Date(env.clock.now.getTime() - 3 * DAY).toISOString() } }))
      .addOnboardingTask.id;
    const assignedElsewhere = (await env.ok(t.owner, TASK, { input: { customerId: green, title: 'Colleague task', assigneeUserId: colleague } })).addOnboardingTask.id;
    const assignedToMe = (await env.ok(t.owner, TASK, { input: { customerId: notMine, title: 'Help a colleague', assigneeUserId: csm.userId } })).addOnboardingTask.id;
    const manual = (await env.ok(csm, CSM_TASK, { input: { title: 'Prepare QBR deck', dueAt: new Date(env.clock.now.getTime() + 2 * DAY).toISOString(), customerId: green } }))
      .createCsmTask;
    expect(manual).toMatchObject({ status: 'OPEN', owner: { id: csm.userId } });

    const portfolio = (await env.ok(csm, MINE)).myPortfolio;
    expect(portfolio.customers.map((c: { name: string }) => c.name)).toEqual(['A Green', 'B Red']);
    const tasks = portfolio.prioritisedTasks as Task[];
    const ids = tasks.map((x) => x.id);
    expect(ids).toContain(overdue);
    expect(ids).toContain(assignedToMe);
    expect(ids).toContain(manual.id);
    expect(ids).not.toContain(assignedElsewhere);
    const playbookSteps = tasks.filter((x) => x.source === 'PLAYBOOK');
    expect(playbookSteps.length).toBeGreaterThan(0);
    expect(playbookSteps.every((x) => x.customer?.id === red)).toBe(true);
    // Highest priority first: the red, very-high-risk account's rescue comes before a 3-day-overdue onboarding task.
    expect(tasks.map((x) => x.priority)).toEqual([...tasks.map((x) => x.priority)].sort((a, b) => b - a));
    expect(tasks[0]).toMatchObject({ source: 'PLAYBOOK', customer: { id: red } });
    expect(tasks[0]!.reasons).toEqual(expect.arrayContaining(['Customer health is RED', 'Churn risk is VERY_HIGH', 'Step of a running playbook']));
    expect(tasks.find((x) => x.id === overdue)!.reasons).toEqual(expect.arrayContaining(['Overdue by 3 day(s)', 'Onboarding task']));
    expect(portfolio.workload).toMatchObject({ customers: 2, atRiskCustomers: 1, openTasks: tasks.length, overdueTasks: 1, load: 'LIGHT' });
    // 2 customers + 1 at risk × 2 + open tasks × 0.5 + 1 overdue.
    expect(portfolio.workload.loadPoints).toBe(2 + 2 + tasks.length * 0.5 + 1);

    const done = await env.ok(csm, `mutation($id: ID!) { completeCsmTask(id: $id) { __typename ... on CsmTask { status } } }`, { id: manual.id });
    expect(done.completeCsmTask).toEqual({ __typename: 'CsmTask', status: 'DONE' });
    expect(((await env.ok(csm, MINE)).myPortfolio.prioritisedTasks as Task[]).map((x) => x.id)).not.toContain(manual.id);
  });

  it('is the same on the User entity, resolved by reference like the gateway does', async () => {
    const t = env.tenant();
    const csm = t.user();
    await createCustomer(env, t.owner, { name: 'Owned', ownerUserId: csm.userId });
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id csmPortfolio { customers { name } workload { customers } } } } }`;
    const data = await env.ok(t.owner, query, { r: [{ __typename: 'User', id: csm.userId }] });
    expect(data._entities).toEqual([{ id: csm.userId, csmPortfolio: { customers: [{ name: 'Owned' }], workload: { customers: 1 } } }]);
    // Another tenant's member asking about this user sees nothing of this tenant's accounts.
    const other = env.tenant();
    const theirs = await env.ok(other.owner, query, { r: [{ __typename: 'User', id: csm.userId }] });
    expect(theirs._entities[0].csmPortfolio.customers).toEqual([]);
  });

  it('manual tasks about an unknown customer are a NotFoundError', async () => {
    const t = env.tenant();
    const data = await env.ok(t.owner, CSM_TASK, { input: { title: 'Call', customerId: crypto.randomUUID() } });
    expect(data.createCsmTask).toMatchObject({ __typename: 'NotFoundError' });
  });
});

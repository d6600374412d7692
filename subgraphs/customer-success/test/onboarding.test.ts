/**
 * Onboarding: the five-stage default plan, milestone completion with progress,
 * overdue milestones and time to value, tasks and blockers; and the customer
 * journey that records it all, newest first and paginated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MILESTONE_SCHEDULE } from '../src/domain/index.js';
import { createCustomer, DAY, startCustomerSuccess, type TestSubgraph } from './support.js';

let env: TestSubgraph;

beforeAll(async () => {
  env = await startCustomerSuccess();
});
afterAll(async () => {
  await env?.close();
});

const START = `mutation($c: ID!, $at: DateTime) {
  startOnboarding(customerId: $c, startedAt: $at) {
    __typename
    ... on OnboardingPlan { id startedAt milestones { id stage title status dueAt isValueMilestone } progress { percentComplete currentStage overdueMilestones timeToValueDays onTrack } }
    ... on Error { code }
  }
}`;
const PLAN = `query($c: ID!) {
  customer(id: $c) {
    onboarding {
      completedAt
      milestones { id status completedAt }
      tasks { id title status assignee { id } dueAt milestoneId }
      blockers { id status resolution }
      progress { percentComplete currentStage overdueMilestones timeToValueDays onTrack }
    }
  }
}`;
const MILESTONE = `mutation($id: ID!) { completeOnboardingMilestone(id: $id) { __typename ... on OnboardingMilestone { status completedAt plan { progress { percentComplete } } } ... on Error { code } } }`;
const TASK = `mutation($input: AddOnboardingTaskInput!) { addOnboardingTask(input: $input) { __typename ... on OnboardingTask { id status assignee { id } } ... on ValidationError { fieldErrors { path } } ... on Error { code } } }`;
const COMPLETE_TASK = `mutation($id: ID!) { completeOnboardingTask(id: $id) { __typename ... on OnboardingTask { status completedAt } ... on Error { code } } }`;
const BLOCKER = `mutation($input: AddOnboardingBlockerInput!) { addOnboardingBlocker(input: $input) { __typename ... on OnboardingBlocker { id status } ... on Error { code } } }`;
const RESOLVE_BLOCKER = `mutation($id: ID!, $r: String) { resolveOnboardingBlocker(id: $id, resolution: $r) { __typename ... on OnboardingBlocker { status resolution } ... on Error { code } } }`;
const JOURNEY = `query($c: ID!, $first: Int, $after: String) { customer(id: $c) { journey(first: $first, after: $after) { nodes { kind title relatedId occurredAt } pageInfo { hasNextPage endCursor } } } }`;

describe('an onboarding plan', () => {
  it('starts with the default five-stage milestones, the first one in progress', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    const data = await env.ok(t.owner, START, { c: id });
    const plan = data.startOnboarding;
    expect(plan.__typename).toBe('OnboardingPlan');
    expect(plan.milestones.map((m: { stage: string }) => m.stage)).toEqual(DEFAULT_MILESTONE_SCHEDULE.map((m) => m.stage));
    expect(new Set(plan.milestones.map((m: { stage: string }) => m.stage))).toEqual(new Set(['KICKOFF', 'SETUP', 'TRAINING', 'ADOPTION', 'VALUE_REALISATION']));
    expect(plan.milestones.map((m: { status: string }) => m.status)).toEqual(['IN_PROGRESS', ...Array(DEFAULT_MILESTONE_SCHEDULE.length - 1).fill('PENDING')]);
    expect(plan.milestones[0].dueAt).toBe(new Date(env.clock.now.getTime() + DEFAULT_MILESTONE_SCHEDULE[0]!.dueInDays * DAY).toISOString());
    expect(plan.progress).toEqual({ percentComplete: 0, currentStage: 'KICKOFF', overdueMilestones: 0, timeToValueDays: null, onTrack: true });
    expect((await env.ok(t.owner, START, { c: id })).startOnboarding).toEqual({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect((await env.ok(t.owner, START, { c: crypto.randomUUID() })).startOnboarding.__typename).toBe('NotFoundError');
  });

  it('tracks progress, overdue milestones, blockers and time to value', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    const startedAt = new Date(env.clock.now.getTime() - 10 * DAY);
    const plan = (await env.ok(t.owner, START, { c: id, at: startedAt.toISOString() })).startOnboarding;
    // Ten days in, the milestones due on days 3 and 7 are overdue.
    expect(plan.progress).toMatchObject({ percentComplete: 0, overdueMilestones: 2, onTrack: false });

    const milestones = plan.milestones as { id: string; isValueMilestone: boolean }[];
    const valueIndex = milestones.findIndex((m) => m.isValueMilestone);
    for (const m of milestones.slice(0, valueIndex)) await env.ok(t.owner, MILESTONE, { id: m.id });
    env.clock.advance(40 * DAY);
    const value = await env.ok(t.owner, MILESTONE, { id: milestones[valueIndex]!.id });
    expect(value.completeOnboardingMilestone).toMatchObject({ status: 'DONE', completedAt: env.clock.now.toISOString() });
    const done = valueIndex + 1;
    const progress = (await env.ok(t.owner, PLAN, { c: id })).customer.onboarding.progress;
    expect(progress).toEqual({
      percentComplete: Math.round((done / milestones.length) * 100),
      currentStage: 'VALUE_REALISATION',
      overdueMilestones: 0,
      // Started 10 days before the clock, value reached 40 days later.
      timeToValueDays: 50,
      onTrack: true,
    });
    expect((await env.ok(t.owner, MILESTONE, { id: milestones[0]!.id })).completeOnboardingMilestone.__typename).toBe('InvalidStateError');

    const blocker = (await env.ok(t.owner, BLOCKER, { input: { customerId: id, description: 'Security review pending' } })).addOnboardingBlocker;
    expect((await env.ok(t.owner, PLAN, { c: id })).customer.onboarding.progress.onTrack).toBe(false);
    expect((await env.ok(t.owner, RESOLVE_BLOCKER, { id: blocker.id, r: 'Approved by CISO' })).resolveOnboardingBlocker).toEqual({
      __typename: 'OnboardingBlocker',
      status: 'RESOLVED',
      resolution: 'Approved by CISO',
    });
    expect((await env.ok(t.owner, PLAN, { c: id })).customer.onboarding.progress.onTrack).toBe(true);

    for (const m of milestones.slice(done)) await env.ok(t.owner, MILESTONE, { id: m.id });
    const finished = (await env.ok(t.owner, PLAN, { c: id })).customer.onboarding;
    expect(finished.completedAt).toBe(env.clock.now.toISOString());
    expect(finished.progress).toMatchObject({ percentComplete: 100, currentStage: null });
  });

  it('has tasks with assignees and due dates; a milestone of another plan is refused', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    expect((await env.ok(t.owner, TASK, { input: { customerId: id, title: 'Send SSO guide' } })).addOnboardingTask).toMatchObject({
      __typename: 'NotFoundError',
    });
    const plan = (await env.ok(t.owner, START, { c: id })).startOnboarding;
    const other = await createCustomer(env, t.owner);
    const otherPlan = (await env.ok(t.owner, START, { c: other })).startOnboarding;
    const assignee = crypto.randomUUID();
    const task = (
      await env.ok(t.owner, TASK, {
        input: { customerId: id, title: 'Send SSO guide', assigneeUserId: assignee, dueAt: new Date(env.clock.now.getTime() + 2 * DAY).toISOString(), milestoneId: plan.milestones[2].id },
      })
    ).addOnboardingTask;
    expect(task).toMatchObject({ __typename: 'OnboardingTask', status: 'OPEN', assignee: { id: assignee } });
    const wrong = await env.ok(t.owner, TASK, { input: { customerId: id, title: 'x', milestoneId: otherPlan.milestones[0].id } });
    expect(wrong.addOnboardingTask).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: 'input.milestoneId' }] });
    expect((await env.ok(t.owner, COMPLETE_TASK, { id: task.id })).completeOnboardingTask).toMatchObject({ status: 'DONE' });
    expect((await env.ok(t.owner, COMPLETE_TASK, { id: task.id })).completeOnboardingTask.__typename).toBe('InvalidStateError');
    const read = (await env.ok(t.owner, PLAN, { c: id })).customer.onboarding;
    expect(read.tasks).toEqual([{ id: task.id, title: 'Send SSO guide', status: 'DONE', assignee: { id: assignee }, dueAt: expect.any(String), milestoneId: plan.milestones[2].id }]);
  });
});

describe('the customer journey', () => {
  it('records touchpoints, milestones and changes, newest first, across pages', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner, { name: 'Journey Co' });
    env.clock.advance(DAY);
    const plan = (await env.ok(t.owner, START, { c: id })).startOnboarding;
    env.clock.advance(DAY);
    await env.ok(t.owner, MILESTONE, { id: plan.milestones[0].id });
    env.clock.advance(DAY);
    await env.ok(t.owner, `mutation($input: RecordNpsResponseInput!) { recordNpsResponse(input: $input) { __typename } }`, { input: { customerId: id, score: 3 } });
    env.clock.advance(DAY);
    await env.ok(t.owner, `mutation($input: RecordSupportTicketInput!) { recordSupportTicket(input: $input) { __typename } }`, {
      input: { customerId: id, subject: 'Export fails', priority: 'URGENT' },
    });
    env.clock.advance(DAY);
    await env.ok(t.owner, `mutation($id: ID!) { updateCustomer(id: $id, input: { lifecycleStage: AT_RISK }) { __typename } }`, { id });

    const all: { kind: string }[] = [];
    let after: string | null = null;
    do {
      const page = (await env.ok(t.owner, JOURNEY, { c: id, first: 3, after })).customer.journey as { nodes: { kind: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      all.push(...page.nodes);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(all.map((e) => e.kind)).toEqual([
      'LIFECYCLE_CHANGED',
      // The urgent ticket lifted the support factor's mix to 51 (tickets 65 × 0.6 + NPS 30 × 0.4): RED → YELLOW.
      'HEALTH_BAND_CHANGED',
      'TICKET_OPENED',
      // The NPS answer of 3 made the first score RED, which started churn prevention (same instant, written after).
      'PLAYBOOK_STARTED',
      'HEALTH_BAND_CHANGED',
      'NPS_RESPONSE',
      'MILESTONE_COMPLETED',
      'ONBOARDING_STARTED',
      'CUSTOMER_CREATED',
    ]);
  });
});

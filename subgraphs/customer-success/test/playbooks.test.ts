/**
 * Playbooks: the built-in templates appear on first use; a customer entering the
 * red band starts the churn-prevention playbook once (when the tenant allows
 * it); steps complete with playbook.step_completed@1; a run ends with the last
 * step as SUCCESS when the band did not get worse, FAILURE otherwise; and the
 * success rate counts finished runs only.
 */
import { parseEventPayload } from '@platform/core/events/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYBOOK_TEMPLATES } from '../src/domain/index.js';
import { createCustomer, startCustomerSuccess, type TestSubgraph } from './support.js';

let env: TestSubgraph;

beforeAll(async () => {
  env = await startCustomerSuccess();
});
afterAll(async () => {
  await env?.close();
});

const PLAYBOOKS = `{ playbooks { id templateKey isTemplate category name steps { id index title dueInDays } successRate { finished succeeded rate } } }`;
const RUNS = `query($id: ID!) {
  customer(id: $id) {
    healthBand
    playbookRuns { id trigger status outcome bandAtStart bandAtCompletion playbook { category } steps { id index title status dueAt } }
    journey { nodes { kind title } }
  }
}`;
const NPS = `mutation($input: RecordNpsResponseInput!) { recordNpsResponse(input: $input) { __typename } }`;
const START = `mutation($p: ID!, $c: ID!) { startPlaybook(playbookId: $p, customerId: $c) { __typename ... on PlaybookRun { id status trigger steps { id } } ... on Error { code message } } }`;
const COMPLETE = `mutation($id: ID!) { completePlaybookStep(runStepId: $id) { __typename ... on PlaybookRunStep { status completedAt run { status outcome } } ... on Error { code } } }`;
const CANCEL = `mutation($id: ID!) { cancelPlaybookRun(runId: $id) { __typename ... on PlaybookRun { status cancelledAt } ... on Error { code } } }`;

type Playbook = { id: string; templateKey: string | null; category: string; steps: { id: string }[]; successRate: { finished: number; succeeded: number; rate: number | null } };

async function playbooks(identity: Parameters<TestSubgraph['ok']>[0]): Promise<Playbook[]> {
  return (await env.ok(identity, PLAYBOOKS)).playbooks;
}

describe('templates', () => {
  it('every tenant starts with the four built-in templates, created once', async () => {
    const t = env.tenant();
    const first = await playbooks(t.owner);
    expect(first.map((p) => p.templateKey)).toEqual(PLAYBOOK_TEMPLATES.map((p) => p.key));
    expect(new Set(first.map((p) => p.category))).toEqual(new Set(['ONBOARDING', 'RENEWAL', 'EXPANSION', 'CHURN_PREVENTION']));
    expect(first[0]!.steps.length).toBe(PLAYBOOK_TEMPLATES[0]!.steps.length);
    expect((await playbooks(t.owner)).map((p) => p.id)).toEqual(first.map((p) => p.id));
    expect((await playbooks(env.tenant().owner)).map((p) => p.id)).not.toEqual(first.map((p) => p.id));
  });

  it('a custom playbook is validated and listed after the templates', async () => {
    const t = env.tenant();
    const create = `mutation($input: CreatePlaybookInput!) { createPlaybook(input: $input) { __typename ... on Playbook { id isTemplate steps { index title dueInDays } } ... on ValidationError { fieldErrors { path } } } }`;
    const bad = await env.ok(t.owner, create, { input: { name: 'QBR', category: 'RENEWAL', steps: [] } });
    expect(bad.createPlaybook).toEqual({ __typename: 'ValidationError', fieldErrors: [{ path: 'input.steps' }] });
    const good = await env.ok(t.owner, create, {
      input: { name: 'QBR', category: 'RENEWAL', steps: [{ title: 'Prepare deck', dueInDays: 3 }, { title: 'Hold QBR', dueInDays: 10 }] },
    });
    expect(good.createPlaybook).toMatchObject({ __typename: 'Playbook', isTemplate: false, steps: [{ index: 0, title: 'Prepare deck', dueInDays: 3 }, { index: 1, title: 'Hold QBR', dueInDays: 10 }] });
    expect((await playbooks(t.owner)).at(-1)!.id).toBe(good.createPlaybook.id);
  });
});

describe('automatic churn prevention', () => {
  it('starts when the score enters RED, once, and emits playbook.triggered@1', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 2 } });
    const read = await env.ok(t.owner, RUNS, { id });
    expect(read.customer.healthBand).toBe('RED');
    expect(read.customer.playbookRuns).toHaveLength(1);
    expect(read.customer.playbookRuns[0]).toMatchObject({ trigger: 'HEALTH_ENTERED_RED', status: 'ACTIVE', bandAtStart: 'RED', playbook: { category: 'CHURN_PREVENTION' } });
    const [triggered] = await env.outbox(t.tenantId, 'playbook.triggered@1');
    expect(parseEventPayload('playbook.triggered@1', triggered!.payload)).toMatchObject({ customerId: id, trigger: 'HEALTH_ENTERED_RED', runId: read.customer.playbookRuns[0].id });
    expect(read.customer.journey.nodes.map((n: { kind: string }) => n.kind)).toContain('PLAYBOOK_STARTED');

    // Still red, or red again while the run is active: no second run.
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 1 } });
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 10 } });
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 0 } });
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 0 } });
    expect((await env.ok(t.owner, RUNS, { id })).customer.playbookRuns).toHaveLength(1);
    expect(await env.outbox(t.tenantId, 'playbook.triggered@1')).toHaveLength(1);
  });

  it('does not start when the tenant turned the trigger off', async () => {
    const t = env.tenant();
    const off = await env.ok(t.owner, `mutation { setPlaybookAutoTrigger(enabled: false) { ... on HealthSettings { autoTriggerPlaybookOnRed } } }`);
    expect(off.setPlaybookAutoTrigger.autoTriggerPlaybookOnRed).toBe(false);
    const id = await createCustomer(env, t.owner);
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 1 } });
    const read = await env.ok(t.owner, RUNS, { id });
    expect(read.customer).toMatchObject({ healthBand: 'RED', playbookRuns: [] });
  });
});

describe('running a playbook', () => {
  it('completes steps with playbook.step_completed@1, finishes with the last one and counts towards the success rate', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    await env.ok(t.owner, NPS, { input: { customerId: id, score: 9 } });
    const renewal = (await playbooks(t.owner)).find((p) => p.category === 'RENEWAL')!;
    const started = await env.ok(t.owner, START, { p: renewal.id, c: id });
    expect(started.startPlaybook).toMatchObject({ __typename: 'PlaybookRun', status: 'ACTIVE', trigger: 'MANUAL' });
    const again = await env.ok(t.owner, START, { p: renewal.id, c: id });
    expect(again.startPlaybook).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });

    const steps = started.startPlaybook.steps as { id: string }[];
    for (const [i, step] of steps.entries()) {
      const done = await env.ok(t.owner, COMPLETE, { id: step.id });
      const last = i === steps.length - 1;
      expect(done.completePlaybookStep).toMatchObject({ __typename: 'PlaybookRunStep', status: 'DONE', run: { status: last ? 'COMPLETED' : 'ACTIVE' } });
    }
    const events = (await env.outbox(t.tenantId, 'playbook.step_completed@1')).map((e) => parseEventPayload('playbook.step_completed@1', e.payload));
    expect(events.map((e) => [e.stepIndex, e.runCompleted])).toEqual(steps.map((_s, i) => [i, i === steps.length - 1]));
    expect(events[0]).toMatchObject({ runId: started.startPlaybook.id, playbookId: renewal.id, customerId: id, completedByUserId: t.owner.userId });
    const run = (await env.ok(t.owner, RUNS, { id })).customer.playbookRuns[0];
    expect(run).toMatchObject({ status: 'COMPLETED', outcome: 'SUCCESS', bandAtStart: 'GREEN', bandAtCompletion: 'GREEN' });
    expect((await env.ok(t.owner, COMPLETE, { id: steps[0]!.id })).completePlaybookStep.__typename).toBe('InvalidStateError');
    expect((await playbooks(t.owner)).find((p) => p.id === renewal.id)!.successRate).toEqual({ finished: 1, succeeded: 1, rate: 1 });
  });

  it('a run that ends with a worse band than it started with is a FAILURE; cancelled runs do not count', async () => {
    const t = env.tenant();
    const expansion = (await playbooks(t.owner)).find((p) => p.category === 'EXPANSION')!;
    const a = await createCustomer(env, t.owner);
    await env.ok(t.owner, NPS, { input: { customerId: a, score: 10 } });
    const run = (await env.ok(t.owner, START, { p: expansion.id, c: a })).startPlaybook;
    await env.ok(t.owner, NPS, { input: { customerId: a, score: 6 } });
    await env.ok(t.owner, NPS, { input: { customerId: a, score: 6 } });
    for (const step of run.steps) await env.ok(t.owner, COMPLETE, { id: step.id });
    const finished = (await env.ok(t.owner, RUNS, { id: a })).customer.playbookRuns.find((r: { id: string }) => r.id === run.id);
    expect(finished).toMatchObject({ status: 'COMPLETED', outcome: 'FAILURE', bandAtStart: 'GREEN', bandAtCompletion: 'YELLOW' });

    const b = await createCustomer(env, t.owner);
    const cancelled = (await env.ok(t.owner, START, { p: expansion.id, c: b })).startPlaybook;
    expect((await env.ok(t.owner, CANCEL, { id: cancelled.id })).cancelPlaybookRun).toMatchObject({ __typename: 'PlaybookRun', status: 'CANCELLED' });
    expect((await env.ok(t.owner, CANCEL, { id: cancelled.id })).cancelPlaybookRun.__typename).toBe('InvalidStateError');
    expect((await env.ok(t.owner, COMPLETE, { id: cancelled.steps[0].id })).completePlaybookStep.__typename).toBe('InvalidStateError');
    expect((await playbooks(t.owner)).find((p) => p.id === expansion.id)!.successRate).toEqual({ finished: 1, succeeded: 0, rate: 0 });
  });

  it('unknown playbooks, customers, steps and runs are NotFoundErrors', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    const [template] = await playbooks(t.owner);
    expect((await env.ok(t.owner, START, { p: crypto.randomUUID(), c: id })).startPlaybook.__typename).toBe('NotFoundError');
    expect((await env.ok(t.owner, START, { p: template!.id, c: crypto.randomUUID() })).startPlaybook.__typename).toBe('NotFoundError');
    expect((await env.ok(t.owner, COMPLETE, { id: crypto.randomUUID() })).completePlaybookStep.__typename).toBe('NotFoundError');
    expect((await env.ok(t.owner, CANCEL, { id: 'nope' })).cancelPlaybookRun.__typename).toBe('NotFoundError');
  });

  it('archiving a customer cancels its active runs', async () => {
    const t = env.tenant();
    const id = await createCustomer(env, t.owner);
    const [template] = await playbooks(t.owner);
    await env.ok(t.owner, START, { p: template!.id, c: id });
    await env.ok(t.owner, `mutation($id: ID!) { archiveCustomer(id: $id) { __typename } }`, { id });
    expect((await env.ok(t.owner, RUNS, { id })).customer.playbookRuns.map((r: { status: string }) => r.status)).toEqual(['CANCELLED']);
  });
});

/**
 * Per-request DataLoaders. Each batch runs in one transaction scoped to the
 * caller, so RLS decides what is visible: a reference to another tenant's
 * customer resolves to null, and its children to nothing.
 */
import type { Identity, Page } from '@platform/core';
import { customerSuccessTables as cs, type Tx } from '@platform/db';
import DataLoader from 'dataloader';
import { asc, desc, inArray } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { asActor, type CustomerSuccessDeps, isUuid } from '../services/deps.js';
import { type CustomerListRequest, customerListQuery, customerPage } from '../services/customer-list.js';
import type { CustomerRow } from '../services/customer-lookup.js';
import { type Portfolio, portfoliosOf } from '../services/portfolio.service.js';
import { customerPageLoaders } from './customer-pages.js';

export function createLoaders(deps: CustomerSuccessDeps, actor: Identity) {
  const run = <T>(work: (tx: Tx) => Promise<T>) => asActor(deps, actor, work);

  /** One row per key (or null), fetched with `where key in (...)`. */
  const one = <R>(fetch: (tx: Tx, keys: string[]) => Promise<R[]>, keyOf: (row: R) => string) =>
    new DataLoader<string, R | null>(async (keys) => {
      const valid = keys.filter(isUuid);
      const rows = valid.length === 0 ? [] : await run((tx) => fetch(tx, [...new Set(valid)]));
      const map = new Map(rows.map((r) => [keyOf(r), r]));
      return keys.map((k) => map.get(k) ?? null);
    });
  /** Every row per key, in the order the query returns them. */
  const many = <R>(fetch: (tx: Tx, keys: string[]) => Promise<R[]>, keyOf: (row: R) => string) =>
    new DataLoader<string, R[]>(async (keys) => {
      const valid = keys.filter(isUuid);
      const rows = valid.length === 0 ? [] : await run((tx) => fetch(tx, [...new Set(valid)]));
      const map = new Map<string, R[]>();
      for (const r of rows) map.set(keyOf(r), [...(map.get(keyOf(r)) ?? []), r]);
      return keys.map((k) => map.get(k) ?? []);
    });
  const where = (column: PgColumn, keys: string[]) => inArray(column, keys);

  return {
    ...customerPageLoaders(run),
    /**
     * The `customers` root field: the aliased lists of one operation in one
     * transaction, so they also complete together and what their customers
     * load next (health, owners, lists) is batched across all of them.
     */
    customerPages: new DataLoader<CustomerListRequest, Page<CustomerRow>, string>(
      async (requests) => {
        const queries = requests.map((request) => {
          try {
            return customerListQuery(request);
          } catch (err) {
            return err as Error;
          }
        });
        if (queries.every((query) => query instanceof Error)) return queries;
        return run(async (tx) => {
          const pages: (Page<CustomerRow> | Error)[] = [];
          for (const query of queries) pages.push(query instanceof Error ? query : await customerPage(tx, query));
          return pages;
        });
      },
      { cacheKeyFn: (request) => JSON.stringify(request) },
    ),
    /** User.csmPortfolio: the portfolios of every user of a list with one set of queries. */
    portfolioByUser: new DataLoader<string, Portfolio>(async (userIds) => {
      const portfolios = await run((tx) => portfoliosOf(tx, [...userIds], deps.now()));
      return userIds.map((id) => portfolios.get(id)!);
    }),
    customer: one((tx, ids) => tx.select().from(cs.customers).where(where(cs.customers.id, ids)), (r) => r.id),
    healthScore: one((tx, ids) => tx.select().from(cs.healthScores).where(where(cs.healthScores.id, ids)), (r) => r.id),
    churnPrediction: one((tx, ids) => tx.select().from(cs.churnPredictions).where(where(cs.churnPredictions.id, ids)), (r) => r.id),
    onboardingPlanByCustomer: one(
      (tx, ids) => tx.select().from(cs.onboardingPlans).where(where(cs.onboardingPlans.customerId, ids)),
      (r) => r.customerId,
    ),
    milestonesByPlan: many(
      (tx, ids) => tx.select().from(cs.onboardingMilestones).where(where(cs.onboardingMilestones.planId, ids)).orderBy(asc(cs.onboardingMilestones.position)),
      (r) => r.planId,
    ),
    tasksByPlan: many(
      (tx, ids) =>
        tx.select().from(cs.onboardingTasks).where(where(cs.onboardingTasks.planId, ids)).orderBy(asc(cs.onboardingTasks.createdAt), asc(cs.onboardingTasks.id)),
      (r) => r.planId,
    ),
    blockersByPlan: many(
      (tx, ids) =>
        tx
          .select()
          .from(cs.onboardingBlockers)
          .where(where(cs.onboardingBlockers.planId, ids))
          .orderBy(asc(cs.onboardingBlockers.createdAt), asc(cs.onboardingBlockers.id)),
      (r) => r.planId,
    ),
    playbook: one((tx, ids) => tx.select().from(cs.playbooks).where(where(cs.playbooks.id, ids)), (r) => r.id),
    stepsByPlaybook: many(
      (tx, ids) => tx.select().from(cs.playbookSteps).where(where(cs.playbookSteps.playbookId, ids)).orderBy(asc(cs.playbookSteps.position)),
      (r) => r.playbookId,
    ),
    playbookRun: one((tx, ids) => tx.select().from(cs.playbookRuns).where(where(cs.playbookRuns.id, ids)), (r) => r.id),
    runsByCustomer: many(
      (tx, ids) => tx.select().from(cs.playbookRuns).where(where(cs.playbookRuns.customerId, ids)).orderBy(desc(cs.playbookRuns.startedAt), desc(cs.playbookRuns.id)),
      (r) => r.customerId,
    ),
    runsByPlaybook: many(
      (tx, ids) =>
        tx
          .select({ playbookId: cs.playbookRuns.playbookId, status: cs.playbookRuns.status, outcome: cs.playbookRuns.outcome })
          .from(cs.playbookRuns)
          .where(where(cs.playbookRuns.playbookId, ids)),
      (r) => r.playbookId,
    ),
    runSteps: many(
      (tx, ids) =>
        tx.select().from(cs.playbookStepExecutions).where(where(cs.playbookStepExecutions.runId, ids)).orderBy(asc(cs.playbookStepExecutions.position)),
      (r) => r.runId,
    ),
  };
}
export type CustomerSuccessLoaders = ReturnType<typeof createLoaders>;

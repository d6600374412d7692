/**
 * A CSM's portfolio: which open task to do first, and how heavy the book is.
 * Both are additive point scores so the reasons can be listed next to the
 * figure. Points and thresholds: docs/customer-success-methods.md, "Portfolio".
 */
import type { ChurnRiskLevel } from './churn-model.js';
import type { HealthBand } from './health-score.js';
import { daysBetween, roundHalfUp } from './numbers.js';

export interface PortfolioTaskInput {
  id: string;
  dueAt: Date | null;
  status: 'OPEN' | 'DONE';
  customerBand: HealthBand | null;
  customerChurnLevel: ChurnRiskLevel | null;
  source: 'ONBOARDING' | 'PLAYBOOK' | 'MANUAL';
}
export interface PrioritisedTask {
  id: string;
  priority: number;
  reasons: string[];
}
export interface WorkloadSummary {
  customers: number;
  openTasks: number;
  overdueTasks: number;
  atRiskCustomers: number;
  load: 'LIGHT' | 'BALANCED' | 'HEAVY';
  /** The figure `load` is read from (see WORKLOAD_POINTS). */
  loadPoints: number;
}

export const TASK_POINTS = {
  overdue: 40,
  /** Added per whole day overdue, up to `overdueDaysCap` days, so older misses rise to the top. */
  perDayOverdue: 2,
  overdueDaysCap: 10,
  dueWithin3Days: 20,
  dueWithin7Days: 10,
  redCustomer: 30,
  yellowCustomer: 10,
  churnVeryHigh: 30,
  churnHigh: 20,
  // A playbook step is part of a running intervention (usually a rescue or a
  // renewal); an onboarding task delays time to value.
  playbookSource: 10,
  onboardingSource: 5,
};

// A typical mid-market book (40 customers, 4 red, 20 open tasks, 2 overdue)
// scores 40 + 8 + 10 + 2 = 60: BALANCED.
export const WORKLOAD_POINTS = { perCustomer: 1, perAtRiskCustomer: 2, perOpenTask: 0.5, perOverdueTask: 1 };
export const LIGHT_BELOW = 30;
export const HEAVY_ABOVE = 75;

/** Open tasks, highest priority first; ties by due date (undated last), then id. */
export function prioritiseTasks(tasks: PortfolioTaskInput[], now: Date): PrioritisedTask[] {
  const P = TASK_POINTS;
  const scored = tasks
    .filter((t) => t.status === 'OPEN')
    .map((task) => {
      let priority = 0;
      const reasons: string[] = [];
      const add = (points: number, reason: string) => {
        priority += points;
        reasons.push(reason);
      };
      if (task.dueAt) {
        const daysUntilDue = daysBetween(now, task.dueAt);
        if (daysUntilDue < 0) {
          const daysOverdue = Math.floor(-daysUntilDue);
          add(P.overdue + P.perDayOverdue * Math.min(daysOverdue, P.overdueDaysCap), daysOverdue === 0 ? 'Overdue (since today)' : `Overdue by ${daysOverdue} day(s)`);
        } else if (daysUntilDue <= 3) add(P.dueWithin3Days, 'Due within 3 days');
        else if (daysUntilDue <= 7) add(P.dueWithin7Days, 'Due within 7 days');
      }
      if (task.customerBand === 'RED') add(P.redCustomer, 'Customer health is RED');
      else if (task.customerBand === 'YELLOW') add(P.yellowCustomer, 'Customer health is YELLOW');
      if (task.customerChurnLevel === 'VERY_HIGH') add(P.churnVeryHigh, 'Churn risk is VERY_HIGH');
      else if (task.customerChurnLevel === 'HIGH') add(P.churnHigh, 'Churn risk is HIGH');
      if (task.source === 'PLAYBOOK') add(P.playbookSource, 'Step of a running playbook');
      else if (task.source === 'ONBOARDING') add(P.onboardingSource, 'Onboarding task');
      return { task, result: { id: task.id, priority, reasons } };
    });
  const due = (t: PortfolioTaskInput) => t.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  scored.sort((a, b) => b.result.priority - a.result.priority || due(a.task) - due(b.task) || (a.task.id < b.task.id ? -1 : a.task.id > b.task.id ? 1 : 0));
  return scored.map((s) => s.result);
}

export function workloadSummary(customers: { band: HealthBand | null }[], tasks: PortfolioTaskInput[], now: Date): WorkloadSummary {
  const open = tasks.filter((t) => t.status === 'OPEN');
  const overdueTasks = open.filter((t) => t.dueAt !== null && t.dueAt.getTime() < now.getTime()).length;
  const atRiskCustomers = customers.filter((c) => c.band === 'RED').length;
  const W = WORKLOAD_POINTS;
  const loadPoints = roundHalfUp(
    customers.length * W.perCustomer + atRiskCustomers * W.perAtRiskCustomer + open.length * W.perOpenTask + overdueTasks * W.perOverdueTask,
    1,
  );
  const load = loadPoints < LIGHT_BELOW ? 'LIGHT' : loadPoints > HEAVY_ABOVE ? 'HEAVY' : 'BALANCED';
  return { customers: customers.length, openTasks: open.length, overdueTasks, atRiskCustomers, load, loadPoints };
}

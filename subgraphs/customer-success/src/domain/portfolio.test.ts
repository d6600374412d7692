import { describe, expect, it } from 'vitest';
import { type PortfolioTaskInput, prioritiseTasks, workloadSummary } from './portfolio.js';

const NOW = new Date('2025-06-30T12:00:00Z');
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000);

function task(id: string, overrides: Partial<PortfolioTaskInput> = {}): PortfolioTaskInput {
  return { id, dueAt: null, status: 'OPEN', customerBand: null, customerChurnLevel: null, source: 'MANUAL', ...overrides };
}

describe('prioritiseTasks', () => {
  const tasks = [
    task('a', { dueAt: inDays(-5), customerBand: 'GREEN', customerChurnLevel: 'LOW' }), // 40 + 2×5 = 50
    task('b', { dueAt: inDays(2), customerBand: 'RED', customerChurnLevel: 'VERY_HIGH', source: 'PLAYBOOK' }), // 20 + 30 + 30 + 10 = 90
    task('c', { customerBand: 'YELLOW', customerChurnLevel: 'HIGH' }), // 10 + 20 = 30
    task('d', { dueAt: inDays(5), source: 'ONBOARDING' }), // 10 + 5 = 15
    task('e', { dueAt: inDays(-30), status: 'DONE', customerBand: 'RED' }), // done: left out
    task('f', { dueAt: inDays(-60) }), // 40 + 2×10 (capped) = 60
    task('g', { dueAt: inDays(-0.25) }), // six hours late: 40
    task('h', { customerBand: 'RED' }), // 30, undated
    task('i', { dueAt: inDays(20), customerBand: 'RED' }), // 30, dated: before the undated ties
  ];

  it('orders open tasks by their point total, ties by due date (undated last), then id', () => {
    expect(prioritiseTasks(tasks, NOW).map((t) => [t.id, t.priority])).toEqual([
      ['b', 90],
      ['f', 60],
      ['a', 50],
      ['g', 40],
      ['i', 30],
      ['c', 30],
      ['h', 30],
      ['d', 15],
    ]);
  });

  it('lists the reason for every point', () => {
    const byId = new Map(prioritiseTasks(tasks, NOW).map((t) => [t.id, t.reasons]));
    expect(byId.get('b')).toEqual(['Due within 3 days', 'Customer health is RED', 'Churn risk is VERY_HIGH', 'Step of a running playbook']);
    expect(byId.get('a')).toEqual(['Overdue by 5 day(s)']);
    expect(byId.get('g')).toEqual(['Overdue (since today)']);
    expect(byId.get('d')).toEqual(['Due within 7 days', 'Onboarding task']);
  });

  it.each([
    [3, 20],
    [3.01, 10],
    [7, 10],
    [7.5, 0],
  ])('a task due in %d days gets %d points', (days, points) => {
    expect(prioritiseTasks([task('x', { dueAt: inDays(days) })], NOW)[0]!.priority).toBe(points);
  });
});

describe('workloadSummary', () => {
  const customers = (red: number, other: number) => [...Array(red).fill({ band: 'RED' }), ...Array(other).fill({ band: null })];
  const openTasks = (open: number, overdue: number) => [
    ...Array.from({ length: overdue }, (_, i) => task(`o${i}`, { dueAt: inDays(-1) })),
    ...Array.from({ length: open - overdue }, (_, i) => task(`t${i}`, { dueAt: inDays(3) })),
  ];

  it('summarises a typical book as BALANCED', () => {
    const book = [...customers(4, 6), ...Array(20).fill({ band: 'GREEN' }), ...Array(10).fill({ band: 'YELLOW' })];
    const tasks = [...openTasks(20, 2), task('done', { status: 'DONE', dueAt: inDays(-10) })];
    // 40 customers + 2×4 red + 0.5×20 open + 1×2 overdue = 60
    expect(workloadSummary(book, tasks, NOW)).toEqual({ customers: 40, openTasks: 20, overdueTasks: 2, atRiskCustomers: 4, load: 'BALANCED', loadPoints: 60 });
  });

  it.each([
    [1, 19, 8, 0, 26, 'LIGHT'], // 20 + 2 + 4
    [0, 29, 1, 0, 29.5, 'LIGHT'],
    [0, 30, 0, 0, 30, 'BALANCED'],
    [0, 75, 0, 0, 75, 'BALANCED'],
    [0, 75, 1, 0, 75.5, 'HEAVY'],
    [8, 42, 30, 5, 86, 'HEAVY'], // 50 + 16 + 15 + 5
  ] as const)('%d red and %d other customers, %d open tasks (%d overdue): %d points, %s', (red, other, open, overdue, points, load) => {
    expect(workloadSummary(customers(red, other), openTasks(open, overdue), NOW)).toMatchObject({ loadPoints: points, load });
  });
});

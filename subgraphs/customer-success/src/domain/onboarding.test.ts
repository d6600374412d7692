import { ValidationError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import { defaultOnboardingMilestones, type MilestoneInput, ONBOARDING_STAGES, onboardingProgress } from './onboarding.js';

const START = new Date('2025-01-01T00:00:00Z');
const NOW = new Date('2025-02-15T00:00:00Z');
const at = (iso: string) => new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);

function milestone(stage: MilestoneInput['stage'], status: MilestoneInput['status'], dueAt: string | null, completedAt: string | null = null, isValueMilestone = false): MilestoneInput {
  return { stage, status, dueAt: dueAt ? at(dueAt) : null, completedAt: completedAt ? at(completedAt) : null, isValueMilestone };
}

const PLAN: MilestoneInput[] = [
  milestone('KICKOFF', 'DONE', '2025-01-04', '2025-01-03'),
  milestone('KICKOFF', 'DONE', '2025-01-08', '2025-01-10'), // late, but done: not overdue
  milestone('SETUP', 'DONE', '2025-01-15', '2025-01-14'),
  milestone('SETUP', 'IN_PROGRESS', '2025-01-22'), // overdue
  milestone('TRAINING', 'PENDING', '2025-01-29'), // overdue
  milestone('TRAINING', 'PENDING', '2025-02-20'),
  milestone('ADOPTION', 'PENDING', null),
  milestone('VALUE_REALISATION', 'PENDING', '2025-03-02', null, true),
];

describe('defaultOnboardingMilestones', () => {
  const plan = defaultOnboardingMilestones(START);

  it('covers every stage in order, with dates counted from the start', () => {
    expect([...new Set(plan.map((m) => m.stage))]).toEqual([...ONBOARDING_STAGES]);
    expect(plan[0]!.dueAt).toEqual(at('2025-01-04')); // kickoff call, day 3
    const dues = plan.map((m) => m.dueAt.getTime());
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
  });

  it('has exactly one value milestone, due at day 60', () => {
    const value = plan.filter((m) => m.isValueMilestone);
    expect(value).toHaveLength(1);
    expect(value[0]).toMatchObject({ stage: 'VALUE_REALISATION', dueAt: at('2025-03-02') }); // 1 Jan + 60 days
  });
});

describe('onboardingProgress', () => {
  it('reports progress, the current stage and overdue milestones', () => {
    // 3 of 8 done = 37.5% → 38; SETUP is the first stage with unfinished work;
    // overdue: the SETUP and the first TRAINING milestone (due before 15 Feb, not done)
    expect(onboardingProgress(START, PLAN, 0, NOW)).toEqual({
      percentComplete: 38,
      currentStage: 'SETUP',
      overdueMilestones: 2,
      timeToValueDays: null,
      onTrack: false,
    });
  });

  it('follows stage order, not the order of the list', () => {
    const shuffled = [milestone('VALUE_REALISATION', 'PENDING', null, null, true), milestone('TRAINING', 'DONE', null, '2025-01-20'), milestone('KICKOFF', 'IN_PROGRESS', null)];
    expect(onboardingProgress(START, shuffled, 0, NOW).currentStage).toBe('KICKOFF');
  });

  it('counts time to value in whole days to the first value milestone completed', () => {
    const plan = [
      milestone('VALUE_REALISATION', 'DONE', '2025-03-02', '2025-02-20', true),
      milestone('VALUE_REALISATION', 'DONE', '2025-03-02', '2025-02-14T12:00:00Z', true), // 44.5 days → 44
      milestone('ADOPTION', 'DONE', null, '2025-01-02'), // not a value milestone
    ];
    expect(onboardingProgress(START, plan, 0, NOW)).toEqual({
      percentComplete: 100,
      currentStage: null,
      overdueMilestones: 0,
      timeToValueDays: 44,
      onTrack: true,
    });
  });

  it('is off track with an open blocker even when nothing is overdue', () => {
    const plan = [milestone('KICKOFF', 'PENDING', '2025-03-01')];
    expect(onboardingProgress(START, plan, 0, NOW).onTrack).toBe(true);
    expect(onboardingProgress(START, plan, 1, NOW).onTrack).toBe(false);
  });

  it('is not overdue at the due instant itself', () => {
    expect(onboardingProgress(START, [milestone('KICKOFF', 'PENDING', '2025-02-15')], 0, NOW).overdueMilestones).toBe(0);
  });

  it('treats a plan without milestones as not started', () => {
    expect(onboardingProgress(START, [], 0, NOW)).toMatchObject({ percentComplete: 0, currentStage: 'KICKOFF', overdueMilestones: 0, timeToValueDays: null });
  });

  it('refuses a negative or fractional blocker count', () => {
    expect(() => onboardingProgress(START, PLAN, -1, NOW)).toThrow(ValidationError);
    expect(() => onboardingProgress(START, PLAN, 1.5, NOW)).toThrow(ValidationError);
  });
});

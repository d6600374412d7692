/**
 * Onboarding plans: five stages of milestones, progress, overdue count and
 * time to value. Default schedule and rules: docs/customer-success-methods.md,
 * "Onboarding".
 */
import { ValidationError } from '@platform/core';
import { addDays, MS_PER_DAY, roundHalfUp } from './numbers.js';

export const ONBOARDING_STAGES = ['KICKOFF', 'SETUP', 'TRAINING', 'ADOPTION', 'VALUE_REALISATION'] as const;
export type OnboardingStage = (typeof ONBOARDING_STAGES)[number];
export interface MilestoneInput {
  stage: OnboardingStage;
  status: 'PENDING' | 'IN_PROGRESS' | 'DONE';
  dueAt: Date | null;
  completedAt: Date | null;
  isValueMilestone: boolean;
}
export interface OnboardingProgress {
  percentComplete: number;
  currentStage: OnboardingStage | null;
  overdueMilestones: number;
  timeToValueDays: number | null;
  onTrack: boolean;
}

/**
 * The default plan, in days after the start. First value is due at day 60: a
 * mid-market customer that has seen no outcome two months in is already
 * doubting the purchase; the value review at day 90 falls before the first
 * quarterly business review.
 */
export const DEFAULT_MILESTONE_SCHEDULE: readonly { stage: OnboardingStage; title: string; dueInDays: number; isValueMilestone: boolean }[] = [
  { stage: 'KICKOFF', title: 'Kickoff call held with the sponsor and project lead', dueInDays: 3, isValueMilestone: false },
  { stage: 'KICKOFF', title: 'Success plan agreed: goals, success criteria and dates', dueInDays: 7, isValueMilestone: false },
  { stage: 'SETUP', title: 'Workspace configured and single sign-on connected', dueInDays: 14, isValueMilestone: false },
  { stage: 'SETUP', title: 'Data imported and key integrations live', dueInDays: 21, isValueMilestone: false },
  { stage: 'TRAINING', title: 'Administrators trained', dueInDays: 28, isValueMilestone: false },
  { stage: 'TRAINING', title: 'End users trained', dueInDays: 35, isValueMilestone: false },
  { stage: 'ADOPTION', title: 'Half of the licensed seats active in a week', dueInDays: 45, isValueMilestone: false },
  { stage: 'VALUE_REALISATION', title: 'First success criterion met (first value)', dueInDays: 60, isValueMilestone: true },
  { stage: 'VALUE_REALISATION', title: 'Value review held with the sponsor', dueInDays: 90, isValueMilestone: false },
];

export function defaultOnboardingMilestones(startedAt: Date): { stage: OnboardingStage; title: string; dueAt: Date; isValueMilestone: boolean }[] {
  return DEFAULT_MILESTONE_SCHEDULE.map(({ stage, title, dueInDays, isValueMilestone }) => ({
    stage,
    title,
    dueAt: addDays(startedAt, dueInDays),
    isValueMilestone,
  }));
}

/**
 * percentComplete: DONE milestones ÷ all milestones, whole percent (0 for a
 * plan without milestones). currentStage: the earliest stage with a milestone
 * not DONE. Overdue: not DONE and due before now. On track: nothing overdue
 * and no open blocker.
 */
export function onboardingProgress(startedAt: Date, milestones: MilestoneInput[], openBlockers: number, now: Date): OnboardingProgress {
  if (!Number.isInteger(openBlockers) || openBlockers < 0) throw ValidationError.single('openBlockers', 'must be a whole number of 0 or more');
  const done = milestones.filter((m) => m.status === 'DONE');
  const percentComplete = milestones.length === 0 ? 0 : roundHalfUp((done.length / milestones.length) * 100);
  const currentStage =
    milestones.length === 0 ? ONBOARDING_STAGES[0] : (ONBOARDING_STAGES.find((stage) => milestones.some((m) => m.stage === stage && m.status !== 'DONE')) ?? null);
  const overdueMilestones = milestones.filter((m) => m.status !== 'DONE' && m.dueAt !== null && m.dueAt.getTime() < now.getTime()).length;
  return {
    percentComplete,
    currentStage,
    overdueMilestones,
    timeToValueDays: timeToValueDays(startedAt, done),
    onTrack: overdueMilestones === 0 && openBlockers === 0,
  };
}

/** Whole days (elapsed 24-hour periods, rounded down) from the start to the first completed value milestone. */
function timeToValueDays(startedAt: Date, done: MilestoneInput[]): number | null {
  const completions = done.filter((m) => m.isValueMilestone && m.completedAt !== null).map((m) => m.completedAt!.getTime());
  if (completions.length === 0) return null;
  // A completion recorded before the plan's start (back-filled data) counts as day 0.
  return Math.max(0, Math.floor((Math.min(...completions) - startedAt.getTime()) / MS_PER_DAY));
}

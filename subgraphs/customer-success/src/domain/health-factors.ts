/**
 * The four health factors, each scored 0–100 from its own evidence, or null
 * when there is none. Constants are the documented method
 * (docs/customer-success-methods.md, "Health factors"); change them there too.
 */
import type { FactorName, HealthInputs, NpsInput, PaymentInput, SupportTicketInput, UsageSnapshot } from './health-score.js';
import { clamp, daysBetween, decayWeight, roundHalfUp, weightedMeanOfPresent } from './numbers.js';

// Usage: seat activation matters most because unused seats are what a buyer
// cuts at renewal; adoption breadth is the second signal of entrenchment.
export const USAGE_COMPONENT_WEIGHTS = { seatActivation: 0.6, featureAdoption: 0.4 };

// Engagement. Full marks at DAU/MAU 0.5 (the average user is in on about half
// the days of a month, i.e. most working days) and at 12 sessions per active
// user per 30 days (about three a week). Recency: a week's grace, since weekly
// users are healthy, then 1/30 lost per day, reaching 0 at 37 days.
export const ENGAGEMENT_COMPONENT_WEIGHTS = { stickiness: 0.4, sessions: 0.3, recency: 0.3 };
export const STICKINESS_TARGET = 0.5;
export const SESSIONS_PER_USER_TARGET = 12;
export const RECENCY_GRACE_DAYS = 7;
export const RECENCY_DECAY_DAYS = 30;

// Support. An open ticket costs points by priority, and up to twice as much
// as it ages (×1 when opened today, ×2 at 30 days or older): a month-old
// urgent ticket is a relationship problem, not a queue item.
export const SUPPORT_COMPONENT_WEIGHTS = { tickets: 0.6, nps: 0.4 };
export const TICKET_PRIORITY_PENALTY: Record<SupportTicketInput['priority'], number> = { LOW: 5, NORMAL: 10, HIGH: 20, URGENT: 35 };
export const TICKET_AGE_CAP_DAYS = 30;
export const NPS_HALF_LIFE_DAYS = 90;

// Financial. A failed payment costs 40 points, a late one up to 20 (by how
// late, capped at 30 days), each fading with a 90-day half-life so a failure
// last week counts twice as much as one a quarter ago.
export const PAYMENT_FAILURE_PENALTY = 40;
export const LATE_PAYMENT_PENALTY = 20;
export const LATE_PAYMENT_CAP_DAYS = 30;
export const PAYMENT_HALF_LIFE_DAYS = 90;
/** Window for the "recent" counts that risk factors and the churn model use. */
export const RECENT_WINDOW_DAYS = 90;

export interface FactorDetail {
  seatActivation: number | null;
  featureAdoption: number | null;
  stickiness: number | null;
  sessionsPerActiveUser: number | null;
  daysSinceLastActivity: number | null;
  openTickets: number;
  openHighPriorityTickets: number;
  openUrgentTickets: number;
  latestNps: number | null;
  paymentFailures90d: number;
  latePayments90d: number;
  maxDaysLate90d: number;
}
export interface FactorEvaluation {
  /** 0–100, one decimal, or null without evidence. */
  score: number | null;
  explanation: string;
}
export type FactorEvaluations = Record<FactorName, FactorEvaluation> & { detail: FactorDetail };

const pct = (ratio: number) => `${roundHalfUp(ratio * 100)}%`;
const toScore = (fraction: number | null) => (fraction === null ? null : roundHalfUp(clamp(fraction, 0, 1) * 100, 1));

export function evaluateFactors(inputs: HealthInputs, now: Date): FactorEvaluations {
  const detail: FactorDetail = {
    seatActivation: null, featureAdoption: null, stickiness: null, sessionsPerActiveUser: null, daysSinceLastActivity: null,
    openTickets: 0, openHighPriorityTickets: 0, openUrgentTickets: 0, latestNps: null,
    paymentFailures90d: 0, latePayments90d: 0, maxDaysLate90d: 0,
  };
  return {
    usage: usageFactor(inputs.usage, detail),
    engagement: engagementFactor(inputs.usage, now, detail),
    support: supportFactor(inputs.tickets, inputs.nps, now, detail),
    financial: financialFactor(inputs.payments, now, detail),
    detail,
  };
}

function usageFactor(usage: UsageSnapshot | null, detail: FactorDetail): FactorEvaluation {
  if (!usage) return { score: null, explanation: 'No usage data yet.' };
  const mau = Math.max(0, usage.monthlyActiveUsers);
  const seats = usage.licensedSeats;
  const available = usage.featuresAvailable;
  detail.seatActivation = seats !== null && seats > 0 ? Math.min(1, mau / seats) : null;
  detail.featureAdoption = available !== null && available > 0 ? Math.min(1, Math.max(0, usage.featuresUsed) / available) : null;
  const parts: string[] = [];
  if (detail.seatActivation !== null) parts.push(`seat activation ${pct(detail.seatActivation)} (${mau} monthly active of ${seats} licensed seats)`);
  if (detail.featureAdoption !== null) parts.push(`feature adoption ${pct(detail.featureAdoption)} (${usage.featuresUsed} of ${available} features used)`);
  const fraction = weightedMeanOfPresent([
    { value: detail.seatActivation, weight: USAGE_COMPONENT_WEIGHTS.seatActivation },
    { value: detail.featureAdoption, weight: USAGE_COMPONENT_WEIGHTS.featureAdoption },
  ]);
  if (fraction === null) return { score: null, explanation: 'Usage data has neither licensed seats nor a feature count, so activation and adoption cannot be measured.' };
  return { score: toScore(fraction), explanation: `${capitalise(parts.join('; '))}.` };
}

function engagementFactor(usage: UsageSnapshot | null, now: Date, detail: FactorDetail): FactorEvaluation {
  if (!usage) return { score: null, explanation: 'No usage data yet.' };
  const mau = Math.max(0, usage.monthlyActiveUsers);
  const periodDays = Math.max(1, daysBetween(usage.periodStart, usage.periodEnd));
  // With nobody active, stickiness and sessions per user are zero, not unknown.
  detail.stickiness = mau > 0 ? Math.min(1, Math.max(0, usage.dailyActiveUsers) / mau) : 0;
  detail.sessionsPerActiveUser = mau > 0 ? (Math.max(0, usage.sessionCount) / mau) * (30 / periodDays) : 0;
  detail.daysSinceLastActivity = usage.lastActivityAt ? Math.max(0, Math.floor(daysBetween(usage.lastActivityAt, now))) : null;
  const recency =
    detail.daysSinceLastActivity === null
      ? null
      : clamp(1 - (detail.daysSinceLastActivity - RECENCY_GRACE_DAYS) / RECENCY_DECAY_DAYS, 0, 1);
  const fraction = weightedMeanOfPresent([
    { value: Math.min(1, detail.stickiness / STICKINESS_TARGET), weight: ENGAGEMENT_COMPONENT_WEIGHTS.stickiness },
    { value: Math.min(1, detail.sessionsPerActiveUser / SESSIONS_PER_USER_TARGET), weight: ENGAGEMENT_COMPONENT_WEIGHTS.sessions },
    { value: recency, weight: ENGAGEMENT_COMPONENT_WEIGHTS.recency },
  ]);
  const parts = [
    `DAU/MAU ${pct(detail.stickiness)}`,
    `${roundHalfUp(detail.sessionsPerActiveUser, 1)} sessions per active user per 30 days`,
    detail.daysSinceLastActivity === null ? 'last activity unknown' : `last activity ${detail.daysSinceLastActivity} days ago`,
  ];
  return { score: toScore(fraction), explanation: `${parts.join('; ')}.` };
}

function supportFactor(tickets: SupportTicketInput[], nps: NpsInput[], now: Date, detail: FactorDetail): FactorEvaluation {
  // No tickets and no survey answers: we cannot tell a quiet customer from a
  // helpdesk that is not connected, so there is no evidence either way.
  if (tickets.length === 0 && nps.length === 0) return { score: null, explanation: 'No support tickets in the last 90 days and no NPS responses in the last 180 days.' };
  let penalty = 0;
  for (const t of tickets) {
    if (t.status !== 'OPEN') continue;
    detail.openTickets += 1;
    if (t.priority === 'HIGH') detail.openHighPriorityTickets += 1;
    if (t.priority === 'URGENT') detail.openUrgentTickets += 1;
    const ageDays = clamp(daysBetween(t.openedAt, now), 0, TICKET_AGE_CAP_DAYS);
    penalty += TICKET_PRIORITY_PENALTY[t.priority] * (1 + ageDays / TICKET_AGE_CAP_DAYS);
  }
  const ticketFraction = tickets.length > 0 ? Math.max(0, 100 - penalty) / 100 : null;
  const latest = latestNps(nps);
  detail.latestNps = latest?.score ?? null;
  const npsFraction = nps.length > 0 ? recencyWeightedNps(nps, now) / 10 : null;
  const fraction = weightedMeanOfPresent([
    { value: ticketFraction, weight: SUPPORT_COMPONENT_WEIGHTS.tickets },
    { value: npsFraction, weight: SUPPORT_COMPONENT_WEIGHTS.nps },
  ]);
  const parts: string[] = [];
  if (ticketFraction !== null) parts.push(`${detail.openTickets} open of ${tickets.length} tickets in 90 days (penalty ${roundHalfUp(penalty, 1)} points)`);
  if (npsFraction !== null) parts.push(`recency-weighted NPS answer ${roundHalfUp(npsFraction * 10, 1)}/10 from ${nps.length} responses (latest ${latest?.score})`);
  return { score: toScore(fraction), explanation: `${capitalise(parts.join('; '))}.` };
}

function financialFactor(payments: PaymentInput[], now: Date, detail: FactorDetail): FactorEvaluation {
  if (payments.length === 0) return { score: null, explanation: 'No payments recorded.' };
  let penalty = 0;
  for (const p of payments) {
    const ageDays = daysBetween(p.at, now);
    const weight = decayWeight(ageDays, PAYMENT_HALF_LIFE_DAYS);
    const recent = ageDays <= RECENT_WINDOW_DAYS;
    if (p.kind === 'FAILED') {
      penalty += PAYMENT_FAILURE_PENALTY * weight;
      if (recent) detail.paymentFailures90d += 1;
    } else if (p.daysLate !== null && p.daysLate > 0) {
      penalty += LATE_PAYMENT_PENALTY * (Math.min(p.daysLate, LATE_PAYMENT_CAP_DAYS) / LATE_PAYMENT_CAP_DAYS) * weight;
      if (recent) {
        detail.latePayments90d += 1;
        detail.maxDaysLate90d = Math.max(detail.maxDaysLate90d, p.daysLate);
      }
    }
  }
  const failed = payments.filter((p) => p.kind === 'FAILED').length;
  const late = payments.filter((p) => p.kind === 'PAID' && (p.daysLate ?? 0) > 0).length;
  const explanation = `${failed} failed and ${late} late of ${payments.length} payments (penalty ${roundHalfUp(penalty, 1)} points, recent ones weigh more).`;
  return { score: toScore(Math.max(0, 100 - penalty) / 100), explanation };
}

/** Mean 0–10 answer, each response weighted 0.5^(age / 90 days) so the latest opinion dominates. */
function recencyWeightedNps(nps: NpsInput[], now: Date): number {
  let sum = 0;
  let weights = 0;
  for (const r of nps) {
    const w = decayWeight(daysBetween(r.respondedAt, now), NPS_HALF_LIFE_DAYS);
    sum += clamp(r.score, 0, 10) * w;
    weights += w;
  }
  return sum / weights;
}

function latestNps(nps: NpsInput[]): NpsInput | null {
  let latest: NpsInput | null = null;
  for (const r of nps) if (!latest || r.respondedAt.getTime() > latest.respondedAt.getTime()) latest = r;
  return latest;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

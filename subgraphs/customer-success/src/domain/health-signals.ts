/**
 * Risk factors and recommendations read off the health factors, so a CSM sees
 * why a score is what it is and what to do next. Thresholds are documented in
 * docs/customer-success-methods.md, "Risk factors and recommendations".
 */
import type { FactorEvaluations } from './health-factors.js';
import type { HealthBand, HealthTrend, Recommendation, RiskFactor } from './health-score.js';
import { roundHalfUp } from './numbers.js';

export const RISK_THRESHOLDS = {
  /** Below this share of licensed seats active: MEDIUM; below `seatActivationHigh`: HIGH. */
  seatActivation: 0.5,
  seatActivationHigh: 0.25,
  featureAdoption: 0.3,
  engagementScore: 40,
  engagementScoreHigh: 20,
  inactiveDays: 14,
  inactiveDaysHigh: 30,
  openTicketBacklog: 5,
  /** Latest NPS answer at or below: MEDIUM (a detractor); at or below `detractorHigh`: HIGH. */
  detractor: 6,
  detractorHigh: 3,
  /** Late payments more than this many days late are MEDIUM, otherwise LOW. */
  latePaymentDays: 7,
  /** GREEN customers whose usage factor is at least this are expansion candidates. */
  expansionUsageScore: 80,
};

export interface SignalInputs {
  score: number | null;
  band: HealthBand | null;
  trend: HealthTrend;
  previousScore: number | null;
  evaluations: FactorEvaluations;
}

const SEVERITY_ORDER = { HIGH: 0, MEDIUM: 1, LOW: 2 } as const;
const pct = (ratio: number) => `${roundHalfUp(ratio * 100)}%`;

export function deriveSignals(input: SignalInputs): { riskFactors: RiskFactor[]; recommendations: Recommendation[] } {
  const { score, band, trend, previousScore, evaluations } = input;
  const d = evaluations.detail;
  const T = RISK_THRESHOLDS;
  const risks: RiskFactor[] = [];
  const add = (code: string, severity: RiskFactor['severity'], message: string) => risks.push({ code, severity, message });

  if (score === null) add('NO_HEALTH_DATA', 'LOW', 'No usage, support or payment data yet, so health cannot be scored.');
  if (band === 'RED') add('HEALTH_RED', 'HIGH', `Health score ${score} is in the red band (0–50).`);
  if (trend === 'DECLINING' && score !== null && previousScore !== null) {
    add('HEALTH_DECLINING', 'MEDIUM', `Health score fell ${previousScore - score} points since the previous score (${previousScore} → ${score}).`);
  }
  if (d.seatActivation !== null && d.seatActivation < T.seatActivation) {
    add('LOW_SEAT_ACTIVATION', d.seatActivation < T.seatActivationHigh ? 'HIGH' : 'MEDIUM', `Only ${pct(d.seatActivation)} of licensed seats are active.`);
  }
  if (d.featureAdoption !== null && d.featureAdoption < T.featureAdoption) {
    add('LOW_FEATURE_ADOPTION', 'MEDIUM', `Only ${pct(d.featureAdoption)} of available features are used.`);
  }
  const engagement = evaluations.engagement.score;
  if (engagement !== null && engagement < T.engagementScore) {
    add('LOW_ENGAGEMENT', engagement < T.engagementScoreHigh ? 'HIGH' : 'MEDIUM', `Engagement factor is ${engagement} of 100 (${evaluations.engagement.explanation.replace(/\.$/, '')}).`);
  }
  if (d.daysSinceLastActivity !== null && d.daysSinceLastActivity > T.inactiveDays) {
    add('INACTIVE', d.daysSinceLastActivity > T.inactiveDaysHigh ? 'HIGH' : 'MEDIUM', `No product activity for ${d.daysSinceLastActivity} days.`);
  }
  if (d.openUrgentTickets > 0) add('URGENT_TICKETS_OPEN', 'HIGH', `${d.openUrgentTickets} urgent support ticket(s) open.`);
  if (d.openHighPriorityTickets > 0) add('HIGH_PRIORITY_TICKETS_OPEN', 'MEDIUM', `${d.openHighPriorityTickets} high-priority support ticket(s) open.`);
  if (d.openTickets >= T.openTicketBacklog) add('TICKET_BACKLOG', 'MEDIUM', `${d.openTickets} support tickets open.`);
  if (d.latestNps !== null && d.latestNps <= T.detractor) {
    add('DETRACTOR', d.latestNps <= T.detractorHigh ? 'HIGH' : 'MEDIUM', `Latest NPS answer is ${d.latestNps}/10 (a detractor).`);
  }
  if (d.paymentFailures90d > 0) add('PAYMENT_FAILED', 'HIGH', `${d.paymentFailures90d} failed payment(s) in the last 90 days.`);
  if (d.latePayments90d > 0) {
    add('LATE_PAYMENTS', d.maxDaysLate90d > T.latePaymentDays ? 'MEDIUM' : 'LOW', `${d.latePayments90d} late payment(s) in the last 90 days, up to ${d.maxDaysLate90d} days late.`);
  }
  // Stable order: most severe first, then the order above (Array.sort is stable).
  risks.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);

  const has = (...codes: string[]) => risks.some((r) => codes.includes(r.code));
  const recommendations: Recommendation[] = [];
  const recommend = (code: string, playbookCategory: Recommendation['playbookCategory'], message: string) =>
    recommendations.push({ code, message, playbookCategory });
  // In order of urgency: saving the account comes before growing it.
  if (has('HEALTH_RED')) recommend('START_CHURN_PREVENTION', 'CHURN_PREVENTION', 'Start the churn-prevention playbook: health is in the red band.');
  if (has('PAYMENT_FAILED', 'LATE_PAYMENTS')) {
    recommend('FINANCIAL_FOLLOW_UP', 'RENEWAL', 'Follow up with the billing contact on failed or late payments before they put the renewal at risk.');
  }
  if (has('URGENT_TICKETS_OPEN', 'HIGH_PRIORITY_TICKETS_OPEN', 'TICKET_BACKLOG')) {
    recommend('ESCALATE_SUPPORT', null, 'Review the open support tickets with the support lead and agree resolution dates with the customer.');
  }
  if (has('DETRACTOR')) recommend('FOLLOW_UP_DETRACTOR', null, 'Call the respondent to close the loop on their low NPS answer.');
  if (has('INACTIVE', 'LOW_ENGAGEMENT')) recommend('RE_ENGAGE', null, "Schedule a check-in with the customer's champion to understand the drop in activity.");
  if (has('LOW_SEAT_ACTIVATION')) recommend('ACTIVATE_SEATS', 'ONBOARDING', 'Run the onboarding playbook to invite and train the users of unused seats.');
  if (has('LOW_FEATURE_ADOPTION')) recommend('DRIVE_FEATURE_ADOPTION', 'ONBOARDING', 'Run a training session on the features the customer has not adopted yet.');
  const usage = evaluations.usage.score;
  if (band === 'GREEN' && usage !== null && usage >= T.expansionUsageScore) {
    recommend('EXPLORE_EXPANSION', 'EXPANSION', 'Healthy and highly adopted: start the expansion playbook (more seats, higher tier or new teams).');
  }
  return { riskFactors: risks, recommendations };
}

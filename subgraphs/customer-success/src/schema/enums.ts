/** The subgraph's enumerations, shared by its type files. */

import { builder } from '../builder.js';
import { CHURN_FEATURES, ONBOARDING_STAGES } from '../domain/index.js';
import { LIFECYCLE_STAGES, SEGMENTS } from '../services/customer.service.js';
import { JOURNEY_KINDS } from '../services/journey.service.js';
import { PLAYBOOK_CATEGORIES } from '../services/playbook.service.js';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../services/support.service.js';

export const SegmentEnum = builder.enumType('CustomerSegment', { values: SEGMENTS });
export const LifecycleStageEnum = builder.enumType('LifecycleStage', { values: LIFECYCLE_STAGES });
export const HealthBandEnum = builder.enumType('HealthBand', {
  description: 'RED 0–50, YELLOW 51–75, GREEN 76–100.',
  values: ['RED', 'YELLOW', 'GREEN'] as const,
});
export const HealthTrendEnum = builder.enumType('HealthTrend', {
  description: 'Against the previous score: a move of 3 points or more is IMPROVING/DECLINING; NEW without a previous score.',
  values: ['IMPROVING', 'DECLINING', 'STABLE', 'NEW'] as const,
});
export const HealthFactorEnum = builder.enumType('HealthFactorName', { values: ['usage', 'engagement', 'support', 'financial'] as const });
export const SeverityEnum = builder.enumType('RiskSeverity', { values: ['LOW', 'MEDIUM', 'HIGH'] as const });
export const PlaybookCategoryEnum = builder.enumType('PlaybookCategory', { values: PLAYBOOK_CATEGORIES });
export const ChurnRiskLevelEnum = builder.enumType('ChurnRiskLevel', {
  description: 'Probability < 0.10 VERY_LOW, < 0.25 LOW, < 0.50 MEDIUM, < 0.75 HIGH, otherwise VERY_HIGH.',
  values: ['VERY_LOW', 'LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH'] as const,
});
export const ChurnMethodEnum = builder.enumType('ChurnMethod', {
  values: {
    LOGISTIC_REGRESSION: { description: "A logistic regression trained on the tenant's own churned and retained customers." },
    RULE_BASED: { description: 'A documented rule-based estimate, used while the history is too small to train a model.' },
  } as const,
});
export const ChurnFeatureEnum = builder.enumType('ChurnFeature', { values: CHURN_FEATURES });
export const TicketPriorityEnum = builder.enumType('TicketPriority', { values: TICKET_PRIORITIES });
export const TicketStatusEnum = builder.enumType('TicketStatus', { values: TICKET_STATUSES });
export const NpsCategoryEnum = builder.enumType('NpsCategory', { description: '9–10 PROMOTER, 7–8 PASSIVE, 0–6 DETRACTOR.', values: ['PROMOTER', 'PASSIVE', 'DETRACTOR'] as const });
export const SentimentEnum = builder.enumType('SentimentLabel', { values: ['POSITIVE', 'NEUTRAL', 'NEGATIVE'] as const });
export const GranularityEnum = builder.enumType('ReportGranularity', { values: ['MONTH', 'QUARTER'] as const });
export const OnboardingStageEnum = builder.enumType('OnboardingStage', { values: ONBOARDING_STAGES });
export const MilestoneStatusEnum = builder.enumType('MilestoneStatus', { values: ['PENDING', 'IN_PROGRESS', 'DONE'] as const });
export const TaskStatusEnum = builder.enumType('TaskStatus', { values: ['OPEN', 'DONE'] as const });
export const BlockerStatusEnum = builder.enumType('BlockerStatus', { values: ['OPEN', 'RESOLVED'] as const });
export const JourneyKindEnum = builder.enumType('JourneyEventKind', { values: JOURNEY_KINDS });
export const RunStatusEnum = builder.enumType('PlaybookRunStatus', { values: ['ACTIVE', 'COMPLETED', 'CANCELLED'] as const });
export const RunOutcomeEnum = builder.enumType('PlaybookRunOutcome', {
  description: 'SUCCESS when the customer’s health band at completion is not worse than at the start of the run.',
  values: ['SUCCESS', 'FAILURE'] as const,
});
export const RunStepStatusEnum = builder.enumType('PlaybookRunStepStatus', { values: ['PENDING', 'DONE'] as const });
export const TaskSourceEnum = builder.enumType('PortfolioTaskSource', { values: ['ONBOARDING', 'PLAYBOOK', 'MANUAL'] as const });
export const WorkloadLevelEnum = builder.enumType('WorkloadLevel', { values: ['LIGHT', 'BALANCED', 'HEAVY'] as const });

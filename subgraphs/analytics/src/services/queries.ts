/** The query services a dashboard widget can run (each an AnalyticsQuery, see query-service.ts). */
import type { AnomalyService } from './anomaly.service.js';
import type { AttributionService } from './attribution.service.js';
import type { ExperimentService } from './experiment.service.js';
import type { FunnelService } from './funnel.service.js';
import type { KpiService } from './kpi.service.js';
import type { RetentionService } from './retention.service.js';
import type { TrendService } from './trend.service.js';

export interface AnalyticsQueries {
  trends: TrendService;
  kpis: KpiService;
  funnels: FunnelService;
  retention: RetentionService;
  attribution: AttributionService;
  experiments: ExperimentService;
  anomalies: AnomalyService;
}

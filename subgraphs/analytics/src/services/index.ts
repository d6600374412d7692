/** The analytics services, built once per process around their dependencies. */
import { AnomalyService } from './anomaly.service.js';
import { AttributionService } from './attribution.service.js';
import { DashboardService } from './dashboard.service.js';
import type { AnalyticsDeps } from './deps.js';
import { ExperimentService } from './experiment.service.js';
import { FunnelService } from './funnel.service.js';
import { IngestService } from './ingest.service.js';
import { KpiService } from './kpi.service.js';
import { RetentionService } from './retention.service.js';
import { SettingsService } from './settings.service.js';
import { TrendService } from './trend.service.js';
import type { AnalyticsQueries } from './queries.js';
import { UsagePublisher } from './usage-publisher.js';

export type { AnalyticsDeps } from './deps.js';

export function createAnalyticsServices(deps: AnalyticsDeps) {
  const trends = new TrendService(deps);
  const queries: AnalyticsQueries = {
    trends,
    kpis: new KpiService(deps),
    funnels: new FunnelService(deps),
    retention: new RetentionService(deps),
    attribution: new AttributionService(deps),
    experiments: new ExperimentService(deps),
    anomalies: new AnomalyService(deps, trends),
  };
  return {
    deps,
    settings: new SettingsService(deps),
    ingest: new IngestService(deps),
    usagePublisher: new UsagePublisher(deps),
    ...queries,
    dashboards: new DashboardService(deps, queries),
  };
}
export type AnalyticsServices = ReturnType<typeof createAnalyticsServices>;

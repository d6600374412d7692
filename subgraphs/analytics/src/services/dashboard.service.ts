/** Placeholder: replaced by the DashboardService implementation. */
import type { AnalyticsDeps } from './deps.js';
import type { AnalyticsQueries } from './queries.js';

export class DashboardService {
  constructor(
    readonly deps: AnalyticsDeps,
    readonly queries: AnalyticsQueries,
  ) {}
}

/** Placeholder: replaced by the AnomalyService implementation. */
import type { AnalyticsDeps } from './deps.js';
import type { TrendService } from './trend.service.js';

export class AnomalyService {
  constructor(
    readonly deps: AnalyticsDeps,
    readonly trends: TrendService,
  ) {}
}

/** Placeholder: replaced by the KpiService implementation. */
import type { AnalyticsDeps } from './deps.js';

export class KpiService {
  constructor(readonly deps: AnalyticsDeps) {}
}

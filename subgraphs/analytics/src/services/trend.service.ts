/** Placeholder: replaced by the TrendService implementation. */
import type { AnalyticsDeps } from './deps.js';

export class TrendService {
  constructor(readonly deps: AnalyticsDeps) {}
}

/** Placeholder: replaced by the AttributionService implementation. */
import type { AnalyticsDeps } from './deps.js';

export class AttributionService {
  constructor(readonly deps: AnalyticsDeps) {}
}

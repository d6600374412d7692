/** Placeholder: replaced by the RetentionService implementation. */
import type { AnalyticsDeps } from './deps.js';

export class RetentionService {
  constructor(readonly deps: AnalyticsDeps) {}
}

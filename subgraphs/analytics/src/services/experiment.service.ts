/** Placeholder: replaced by the ExperimentService implementation. */
import type { AnalyticsDeps } from './deps.js';

export class ExperimentService {
  constructor(readonly deps: AnalyticsDeps) {}
}

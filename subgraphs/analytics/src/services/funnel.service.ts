/** Placeholder: replaced by the FunnelService implementation. */
import type { AnalyticsDeps } from './deps.js';

export class FunnelService {
  constructor(readonly deps: AnalyticsDeps) {}
}

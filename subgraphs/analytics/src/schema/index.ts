/** Builds the analytics subgraph schema from its type files. */
import { COST_DIRECTIVES, FEDERATION_LINK_URL } from '@platform/core';
import { builder } from '../builder.js';
import './scalars.js';
import './common.js';
import './page-info.js';
import './ingest.js';
import './settings.js';
import './trend.js';
import './kpi.js';
import './funnel.js';
import './retention.js';
import './attribution.js';
import './experiment.js';
import './anomaly.js';
import './dashboard.js';

export const analyticsSchema = builder.toSubGraphSchema({
  linkUrl: FEDERATION_LINK_URL,
  federationDirectives: ['@key', '@shareable', '@external', '@extends', ...COST_DIRECTIVES],
});

/** Builds the billing subgraph schema from its type files. */
import { COST_DIRECTIVES, FEDERATION_LINK_URL } from '@platform/core';
import { builder } from '../builder.js';
import './scalars.js';
import './page-info.js';
import './customer.js';
import './catalog.js';
import './subscription.js';
import './usage.js';
import './invoice.js';
import './settings.js';
import './live.js';
import './revenue.js';
import './platform-cost.js';

export const billingSchema = builder.toSubGraphSchema({
  linkUrl: FEDERATION_LINK_URL,
  federationDirectives: ['@key', '@shareable', '@external', '@extends', ...COST_DIRECTIVES],
});

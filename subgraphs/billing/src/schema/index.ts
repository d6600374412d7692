/** Builds the billing subgraph schema from its type files. */
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
  linkUrl: 'https://specs.apollo.dev/federation/v2.6',
  federationDirectives: ['@key', '@shareable', '@external', '@extends'],
});

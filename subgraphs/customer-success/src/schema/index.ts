/** Builds the customer-success subgraph schema from its type files. */
import { builder } from '../builder.js';
import './page-info.js';
import './user.js';
import './customer.js';
import './health-score.js';
import './health-score-change.js';
import './churn-risk.js';
import './churn-risk-change.js';
import './support-ticket.js';
import './nps.js';
import './onboarding.js';
import './journey.js';
import './playbook.js';
import './playbook-run.js';
import './playbook-step-completion.js';
import './portfolio.js';

export const customerSuccessSchema = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.6',
  federationDirectives: ['@key', '@shareable', '@external', '@extends'],
});

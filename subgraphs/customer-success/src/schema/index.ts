/** Builds the customer-success subgraph schema from its type files. */
import { COST_DIRECTIVES, FEDERATION_LINK_URL } from '@platform/core';
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
  linkUrl: FEDERATION_LINK_URL,
  federationDirectives: ['@key', '@shareable', '@external', '@extends', ...COST_DIRECTIVES],
});

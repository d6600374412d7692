/** Pure customer-success domain logic (no database, no GraphQL); methods in docs/customer-success-methods.md. */
export * from './churn-date.js';
export * from './churn-model.js';
export * from './churn-rules.js';
export * from './health-factors.js';
export * from './health-score.js';
export * from './health-signals.js';
export * from './nps.js';
export * from './onboarding.js';
export * from './playbooks.js';
export * from './portfolio.js';

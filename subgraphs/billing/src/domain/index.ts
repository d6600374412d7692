/** Pure billing domain logic (no database, no GraphQL): money, periods, prices, proration, invoices, lifecycle, dunning, revenue. */
export * from './dunning.js';
export * from './intervals.js';
export * from './invoice-totals.js';
export * from './lifecycle.js';
export * from './money.js';
export * from './pricing.js';
export * from './proration.js';
export * from './revenue.js';

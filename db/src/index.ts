export * from './client.js';
export * from './migrate.js';
export * from './outbox.js';
export * from './rows.js';
export * from './tenant-scope.js';
export * as tenancyTables from './tenancy/tables.js';
export * as customerSuccessTables from './customer-success/tables.js';
export * from './events/index.js';

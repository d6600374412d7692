export * from './ad-hoc-outbox.js';
export * from './checkpoints.js';
export * from './job-queue.js';
export * from './sql-executor.js';
export * from './types.js';

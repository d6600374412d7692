export * from './checkpoints.js';
export * from './types.js';

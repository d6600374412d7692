export * from './bus.js';
export * from './catalog.js';
export * from './consumer-worker.js';
export * from './live.js';
export * from './record.js';
export * from './relay.js';
export * from './routes.js';

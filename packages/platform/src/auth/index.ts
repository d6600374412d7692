/** Authentication primitives shared by the gateway and the subgraphs. */
export * from './access-tokens.js';
export * from './identity-header.js'; // also re-exports ReplayGuard
export * from './password.js';
export * from './refresh-tokens.js';
export * from './secrets.js';
export * from './totp.js';

/** What every subgraph resolver gets, before the subgraph adds its own services. */
import type { Identity } from '../auth/index.js';
import type { Logger } from '../logger.js';

export interface BaseContext {
  identity: Identity;
  requestId: string;
  logger: Logger;
}

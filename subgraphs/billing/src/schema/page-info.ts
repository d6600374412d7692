/** PageInfo and `<Name>Connection` types on this subgraph's builder (shared definition in @platform/core). */
import { registerConnections } from '@platform/core';
import { builder } from '../builder.js';

export const { PageInfo, connection } = registerConnections(builder);

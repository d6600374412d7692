import type { ObjectRef } from '@pothos/core';
import { builder } from '../builder.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

export const PageInfo = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo').implement({
  shareable: true,
  fields: (t) => ({ hasNextPage: t.exposeBoolean('hasNextPage'), endCursor: t.exposeString('endCursor', { nullable: true }) }),
});

/** A `<Name>Connection` type: one page of nodes and its PageInfo. */
export function connection<R>(name: string, node: ObjectRef<Types, R>) {
  return builder.objectRef<{ nodes: R[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>(name).implement({
    fields: (t) => ({
      nodes: t.field({ type: [node], resolve: (c) => c.nodes }),
      pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
    }),
  });
}

/**
 * The `PageInfo` type and `<Name>Connection` types every subgraph's lists use
 * (keyset pages from keyset-paging.ts). PageInfo is @shareable: each subgraph
 * declares the same type. Registered on a subgraph's own builder, like the
 * error types.
 */
import type { ObjectRef, SchemaTypes } from '@pothos/core';
import type { Page } from '../keyset-paging.js';

export type PageInfoShape = Page<unknown>['pageInfo'];

// biome-ignore lint/suspicious/noExplicitAny: the builder is generic over each subgraph's own types.
type AnyBuilder = PothosSchemaTypes.SchemaBuilder<any>;

export function registerConnections<T extends SchemaTypes>(b: PothosSchemaTypes.SchemaBuilder<T>) {
  const builder = b as unknown as AnyBuilder;
  const PageInfo = builder.objectRef<PageInfoShape>('PageInfo').implement({
    shareable: true,
    fields: (t) => ({ hasNextPage: t.exposeBoolean('hasNextPage'), endCursor: t.exposeString('endCursor', { nullable: true }) }),
  }) as unknown as ObjectRef<T, PageInfoShape>;

  /** A `<Name>Connection` type: one page of nodes and its PageInfo. */
  function connection<R>(name: string, node: ObjectRef<T, R>): ObjectRef<T, Page<R>> {
    return builder.objectRef<Page<R>>(name).implement({
      fields: (t) => ({
        nodes: t.field({ type: [node as unknown as ObjectRef<SchemaTypes, R>], resolve: (c: Page<R>) => c.nodes }),
        pageInfo: t.field({ type: PageInfo as unknown as ObjectRef<SchemaTypes, PageInfoShape>, resolve: (c: Page<R>) => c.pageInfo }),
      }),
    }) as unknown as ObjectRef<T, Page<R>>;
  }

  return { PageInfo, connection };
}

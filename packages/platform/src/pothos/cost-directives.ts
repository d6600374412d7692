/**
 * The cost directives of Apollo Federation 2.9 (IBM's GraphQL cost directive
 * specification): a subgraph declares on the fields it owns what they cost,
 * composition carries it into the supergraph, and the gateway's operation
 * limits price every request from it before planning (docs/operation-limits.md).
 *
 * - `@cost(weight)`: what one returned item costs, replacing the defaults
 *   (objects 1, scalars and enums 0, a mutation's root field 10).
 * - `@listSize(...)`: how many items a list returns: `assumedSize`, or the
 *   value of its `slicingArguments`; on a connection, `sizedFields` names the
 *   list inside it (`nodes`) that the slicing arguments size.
 */
import { DEFAULT_PAGE_SIZE } from '../pagination.js';

/** Federation 2.9 is the first version with @cost and @listSize. */
export const FEDERATION_LINK_URL = 'https://specs.apollo.dev/federation/v2.9';
export const COST_DIRECTIVES = ['@cost', '@listSize'] as const;

/** The directive types of every subgraph builder (SchemaTypes['Directives']; a type, not an interface, to fit its index signature). */
export type CostDirectives = {
  cost: { locations: 'FIELD_DEFINITION' | 'OBJECT' | 'SCALAR' | 'ENUM' | 'ARGUMENT_DEFINITION' | 'INPUT_FIELD_DEFINITION'; args: { weight: number } };
  listSize: {
    locations: 'FIELD_DEFINITION';
    args: { assumedSize?: number; slicingArguments?: string[]; sizedFields?: string[]; requireOneSlicingArgument?: boolean };
  };
};

/**
 * A field returning a `<Name>Connection`: `first` (1–100) sizes its `nodes`;
 * without it, the page size the service defaults to. `first` stays optional
 * (GitHub requires it; we default instead).
 */
export function connectionCost(defaultPageSize = DEFAULT_PAGE_SIZE) {
  return { listSize: { assumedSize: defaultPageSize, slicingArguments: ['first'], sizedFields: ['nodes'], requireOneSlicingArgument: false } };
}

/** An unpaginated list of about `items` entries (say why at the call). */
export function listCost(items: number) {
  return { listSize: { assumedSize: items } };
}

/**
 * For a type whose items are plain values computed with their parent (report
 * rows, points of a series): they add no work of their own, so they cost
 * nothing and the field that computes them carries the weight.
 */
export const VALUE_OBJECT_COST = { cost: { weight: 0 } };

/** A field whose work is not its item count (an SQL aggregate, a model run): what it costs, in objects' worth. */
export function fieldCost(weight: number) {
  return { cost: { weight } };
}

/**
 * What each schema field costs, in the terms of IBM's GraphQL cost directive
 * specification as Apollo Federation carries it (`@cost(weight)`,
 * `@listSize(assumedSize, slicingArguments, sizedFields,
 * requireOneSlicingArgument)`): the subgraph that owns a field declares them,
 * composition copies them into the supergraph, and this module reads them from
 * the supergraph schema's field definitions (the API schema drops them).
 *
 * Defaults where nothing is declared: objects, interfaces and unions cost 1,
 * scalars and enums 0, a mutation's root field 10 (Shopify's convention), and
 * a list returns DEFAULT_LIST_SIZE items.
 */
import { Supergraph } from '@apollo/federation-internals';
import {
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
} from 'graphql';

/** Items assumed in a list that declares no @listSize: our unpaginated lists hold a handful (roles, steps, series). */
export const DEFAULT_LIST_SIZE = 10;
/** Page size assumed for a connection called without `first` (the subgraphs' default page size, pagination.ts). */
export const DEFAULT_PAGE_SIZE = 50;
/** A mutation's root field, unless it declares @cost: mutations write, so they weigh more than a read (Shopify: 10). */
export const MUTATION_FIELD_WEIGHT = 10;
/**
 * Introspection is answered by the gateway from its in-memory schema, never by
 * a subgraph, and graphql-js's MaxIntrospectionDepthRule (part of the
 * validation Apollo runs) bounds how far `fields { type { fields … } }` may
 * nest, so it has a flat price whatever is selected inside: a full `__schema`
 * costs about as much gateway CPU as a page of 50 customers across three
 * subgraphs (measured in docs/operation-limits.md).
 */
export const INTROSPECTION_WEIGHTS = { __schema: 100, __type: 5 } as const;

export interface ListSize {
  assumedSize: number | null;
  slicingArguments: readonly string[];
  /** Default values of the slicing arguments in the schema (`first: Int = 20`), null where none. */
  slicingDefaults: readonly (number | null)[];
  /** Fields of the returned type that the slicing arguments size (a connection's `nodes`); empty: this field is the list. */
  sizedFields: readonly string[];
  requireOneSlicingArgument: boolean;
}

export interface FieldCost {
  /** Cost of one returned item before its selections: @cost on the field, else on its type, else the defaults. */
  weight: number;
  list: boolean;
  composite: boolean;
  listSize: ListSize | null;
  /** Named type the field returns. */
  type: GraphQLNamedType;
}

export class CostModel {
  private readonly fields = new Map<GraphQLField<unknown, unknown>, FieldCost>();

  constructor(readonly schema: GraphQLSchema) {}

  /** The cost of `parentTypeName.fieldName`, or undefined for a field the schema does not have (validation refuses it later). */
  field(parentTypeName: string, fieldName: string): FieldCost | undefined {
    const parent = this.schema.getType(parentTypeName);
    if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) return undefined;
    const field = parent.getFields()[fieldName];
    if (!field) return undefined;
    let cost = this.fields.get(field);
    if (!cost) {
      cost = fieldCostOf(field, parentTypeName === this.schema.getMutationType()?.name);
      this.fields.set(field, cost);
    }
    return cost;
  }
}

function fieldCostOf(field: GraphQLField<unknown, unknown>, mutationRoot: boolean): FieldCost {
  const type = getNamedType(field.type);
  const composite = isCompositeType(type);
  const declared = directiveArguments(field.astNode?.directives, 'cost')?.weight;
  const typeWeight = directiveArguments(type.astNode?.directives, 'cost')?.weight;
  const weight = numberOr(declared, mutationRoot ? MUTATION_FIELD_WEIGHT : numberOr(typeWeight, composite ? 1 : 0));
  return { weight, list: isListType(getNullableType(field.type)), composite, listSize: listSizeOf(field), type };
}

function listSizeOf(field: GraphQLField<unknown, unknown>): ListSize | null {
  const declared = directiveArguments(field.astNode?.directives, 'listSize');
  if (declared) {
    const slicingArguments = stringList(declared.slicingArguments);
    return {
      assumedSize: typeof declared.assumedSize === 'number' ? declared.assumedSize : null,
      slicingArguments,
      slicingDefaults: slicingArguments.map((name) => intOrNull(field.args.find((a) => a.name === name)?.defaultValue)),
      sizedFields: stringList(declared.sizedFields),
      // The directive's own default is true (the specification's).
      requireOneSlicingArgument: declared.requireOneSlicingArgument !== false,
    };
  }
  return connectionConvention(field);
}

/**
 * A `…Connection` field with `first`/`last` that declares no @listSize is
 * still a connection: sized by those arguments, its `nodes` and `edges` the
 * lists, so a forgotten directive cannot leave a page size unchecked.
 */
function connectionConvention(field: GraphQLField<unknown, unknown>): ListSize | null {
  if (!getNamedType(field.type).name.endsWith('Connection')) return null;
  const slicing = field.args.filter((a) => a.name === 'first' || a.name === 'last');
  if (slicing.length === 0) return null;
  return {
    assumedSize: DEFAULT_PAGE_SIZE,
    slicingArguments: slicing.map((a) => a.name),
    slicingDefaults: slicing.map((a) => intOrNull(a.defaultValue)),
    sizedFields: ['nodes', 'edges'],
    requireOneSlicingArgument: false,
  };
}

function directiveArguments(directives: readonly ConstDirectiveNode[] | undefined, name: string): Record<string, unknown> | undefined {
  const node = directives?.find((d) => d.name.value === name);
  if (!node) return undefined;
  return Object.fromEntries((node.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
}

const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
const intOrNull = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) ? value : null);
const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The supergraph schema as graphql-js, whose field definitions keep the @cost and @listSize the subgraphs declared. */
export function costSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).schema.toGraphQLJSSchema();
}

/**
 * The cost plan of one operation, built once per document and operation: the
 * operation's fields with fragments expanded, each with its weight and its
 * list multiplier, and every part that does not depend on the request's
 * variables folded into constants. What remains (page sizes given as
 * variables, `@skip`/`@include` on variables) is evaluated per request by
 * estimate.ts, usually a handful of nodes or none.
 *
 * Cost (IBM cost directive specification): a field costs its multiplier ×
 * (its weight + the cost of its selections); the multiplier is 1, or a list's
 * size: its slicing arguments' value (the largest given), else its
 * @listSize assumedSize, else the default. Nodes (GitHub's limit): every list
 * of objects adds its multiplier × the multipliers of the lists above it.
 */
import type { ArgumentNode, DirectiveNode, FieldNode, FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode, ValueNode } from 'graphql';
import { type CostModel, DEFAULT_LIST_SIZE, type FieldCost, INTROSPECTION_WEIGHTS } from './cost-model.js';
import { type OperationLimitError, refuse } from './errors.js';

/** Where one slicing argument's value comes from. */
export interface SlicingSource {
  argument: string;
  /** A literal in the document (null: written as `null` or not an Int). */
  literal: number | null;
  /** A variable; its value is read per request. */
  variable: string | null;
  /** The variable's default in the operation, used when the request omits it. */
  variableDefault: number | null;
  /** The argument's default in the schema, used when neither gives a value. */
  schemaDefault: number | null;
}

export interface Sizing {
  /** `Type.field`, for messages. */
  coordinate: string;
  sources: readonly SlicingSource[];
  /** Size when no slicing argument has a value. */
  fallback: number;
  requireOne: boolean;
}

export interface Condition {
  variable: string;
  /** True for @include, false for @skip. */
  include: boolean;
  variableDefault: boolean | null;
}

export interface PlanNode {
  /** Multiplier when `sizing` is null: 1, or a list's fixed size. */
  size: number;
  sizing: Sizing | null;
  conditions: readonly Condition[] | null;
  weight: number;
  /** 1 for a list of objects: each item is a node. */
  countsNode: number;
  /** Cost and nodes of the children that need no variables, already added up. */
  constCost: number;
  constNodes: number;
  dynamic: PlanNode[];
}

/** A page-size value the operation writes as a literal (checked against each tier's maxPageSize). */
export interface LiteralPageSize {
  coordinate: string;
  argument: string;
  value: number;
}

/** A page-size value given by a variable (checked per request). */
export interface VariablePageSize {
  coordinate: string;
  argument: string;
  variable: string;
  variableDefault: number | null;
}

export interface CostPlan {
  root: PlanNode;
  /** True when nothing depends on variables: `root.constCost` and `root.constNodes` are the estimate. */
  constant: boolean;
  literalPageSizes: readonly LiteralPageSize[];
  smallestLiteralPageSize: number;
  largestLiteralPageSize: number;
  variablePageSizes: readonly VariablePageSize[];
  /** Connections declared requireOneSlicingArgument whose arguments come from variables. */
  variableRequireOne: readonly Sizing[];
  /** A refusal that holds for every request (a requireOneSlicingArgument broken by literals). */
  refusal: OperationLimitError | null;
}

interface SizedChildren {
  fields: readonly string[];
  sizing: Sizing;
}

const node = (weight: number, size: number, countsNode: number): PlanNode => ({ size, sizing: null, conditions: null, weight, countsNode, constCost: 0, constNodes: 0, dynamic: [] });

export function buildCostPlan(model: CostModel, operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): CostPlan {
  const variableDefaults = new Map<string, unknown>();
  for (const v of operation.variableDefinitions ?? []) if (v.defaultValue) variableDefaults.set(v.variable.name.value, literalValue(v.defaultValue));
  const literalPageSizes: LiteralPageSize[] = [];
  const variablePageSizes: VariablePageSize[] = [];
  const variableRequireOne: Sizing[] = [];
  let refusal: OperationLimitError | null = null;

  const rootType = model.schema.getRootType(operation.operation);
  const root = node(0, 1, 0);
  if (rootType) addSelections(operation.selectionSet, rootType.name, null, root);
  const constant = root.dynamic.length === 0;
  return {
    root,
    constant,
    literalPageSizes,
    smallestLiteralPageSize: Math.min(Infinity, ...literalPageSizes.map((p) => p.value)),
    largestLiteralPageSize: Math.max(-Infinity, ...literalPageSizes.map((p) => p.value)),
    variablePageSizes,
    variableRequireOne,
    refusal,
  };

  // Fragments are expanded where they are spread; the caller has already
  // refused cycles and bounded the expanded size by the tier's maxTokens.
  function addSelections(set: SelectionSetNode, typeName: string, sized: SizedChildren | null, into: PlanNode): void {
    for (const s of set.selections) {
      const conditions = conditionsOf(s.directives);
      if (conditions === 'excluded') continue;
      const target = conditions ? { ...node(0, 1, 0), conditions } : into;
      if (s.kind === 'Field') addField(s, typeName, sized, target);
      else if (s.kind === 'InlineFragment') addSelections(s.selectionSet, s.typeCondition?.name.value ?? typeName, sized, target);
      else {
        const fragment = fragments.get(s.name.value);
        if (fragment) addSelections(fragment.selectionSet, fragment.typeCondition.name.value, sized, target);
      }
      if (target !== into) attach(into, target);
    }
  }

  function addField(field: FieldNode, typeName: string, sized: SizedChildren | null, into: PlanNode): void {
    const name = field.name.value;
    if (name === '__schema' || name === '__type') {
      // Answered by the gateway from its schema, never by a subgraph: a flat price, whatever is selected inside.
      into.constCost += INTROSPECTION_WEIGHTS[name];
      return;
    }
    const cost = model.field(typeName, name);
    // __typename, and fields the schema lacks (validation refuses those next), cost nothing.
    if (!cost) return;
    const own = cost.listSize ? sizingOf(field, typeName, cost) : null;
    const n = node(cost.weight, 1, 0);
    if (cost.list) {
      n.countsNode = cost.composite ? 1 : 0;
      const sizing = sized?.fields.includes(name) ? sized.sizing : cost.listSize?.sizedFields.length ? null : own;
      if (sizing) setSize(n, sizing);
      else n.size = cost.listSize?.assumedSize ?? DEFAULT_LIST_SIZE;
    }
    const childSized = own && cost.listSize?.sizedFields.length ? { fields: cost.listSize.sizedFields, sizing: own } : null;
    if (field.selectionSet) addSelections(field.selectionSet, cost.type.name, childSized, n);
    attach(into, n);
  }

  function sizingOf(field: FieldNode, typeName: string, cost: FieldCost): Sizing {
    const listSize = cost.listSize!;
    const coordinate = `${typeName}.${field.name.value}`;
    const sources = listSize.slicingArguments.map((argument, i) => sourceOf(field.arguments, argument, listSize.slicingDefaults[i] ?? null));
    for (const s of sources) {
      if (s.literal !== null) literalPageSizes.push({ coordinate, argument: s.argument, value: s.literal });
      else if (s.variable) variablePageSizes.push({ coordinate, argument: s.argument, variable: s.variable, variableDefault: s.variableDefault });
    }
    const requireOne = listSize.requireOneSlicingArgument && sources.length > 0;
    const sizing: Sizing = { coordinate, sources, fallback: listSize.assumedSize ?? DEFAULT_LIST_SIZE, requireOne };
    if (sizing.requireOne) {
      if (sources.some((s) => s.variable)) variableRequireOne.push(sizing);
      else {
        const given = sources.filter((s) => s.literal !== null).length;
        if (given !== 1) refusal ??= refuse.slicingArgument(given, coordinate, listSize.slicingArguments);
      }
    }
    return sizing;
  }

  function sourceOf(args: readonly ArgumentNode[] | undefined, argument: string, schemaDefault: number | null): SlicingSource {
    const value = args?.find((a) => a.name.value === argument)?.value;
    const source: SlicingSource = { argument, literal: null, variable: null, variableDefault: null, schemaDefault };
    if (!value) return source;
    // Given explicitly (even as null), the schema default no longer applies.
    source.schemaDefault = null;
    if (value.kind === 'Variable') {
      source.variable = value.name.value;
      source.variableDefault = intOrNull(variableDefaults.get(value.name.value));
      source.schemaDefault = schemaDefault;
    } else {
      source.literal = intOrNull(literalValue(value));
    }
    return source;
  }

  function conditionsOf(directives: readonly DirectiveNode[] | undefined): Condition[] | 'excluded' | null {
    let conditions: Condition[] | null = null;
    for (const d of directives ?? []) {
      const include = d.name.value === 'include' ? true : d.name.value === 'skip' ? false : null;
      const value = include === null ? undefined : d.arguments?.find((a) => a.name.value === 'if')?.value;
      if (!value) continue;
      if (value.kind === 'BooleanValue') {
        if (value.value !== include) return 'excluded';
      } else if (value.kind === 'Variable') {
        const fallback = variableDefaults.get(value.name.value);
        conditions ??= [];
        conditions.push({ variable: value.name.value, include: include!, variableDefault: typeof fallback === 'boolean' ? fallback : null });
      }
    }
    return conditions;
  }
}

/** A size fixed by literals is folded now; one that reads a variable stays dynamic. */
function setSize(n: PlanNode, sizing: Sizing): void {
  if (sizing.sources.some((s) => s.variable)) {
    n.sizing = sizing;
    return;
  }
  let size = -1;
  for (const s of sizing.sources) {
    const v = s.literal ?? s.schemaDefault;
    if (v !== null && v > size) size = v;
  }
  n.size = size >= 0 ? size : sizing.fallback;
}

/** Adds a child to its parent: as numbers when it is constant, else as a node evaluated per request. */
function attach(parent: PlanNode, child: PlanNode): void {
  if (child.sizing || child.conditions || child.dynamic.length > 0) {
    parent.dynamic.push(child);
    return;
  }
  parent.constCost += child.size * (child.weight + child.constCost);
  parent.constNodes += child.size * (child.countsNode + child.constNodes);
}

function literalValue(value: ValueNode): unknown {
  switch (value.kind) {
    case 'IntValue':
      return Number.parseInt(value.value, 10);
    case 'BooleanValue':
      return value.value;
    default:
      return null;
  }
}

const intOrNull = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) ? value : null);

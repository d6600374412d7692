/**
 * Per request, after the cached plan is found: the page-size checks and the
 * cost and node estimate. A plan with nothing depending on variables is two
 * numbers; otherwise only its dynamic nodes are walked. No allocation beyond
 * one accumulator.
 */
import { refuse } from './errors.js';
import type { Condition, CostPlan, PlanNode, Sizing } from './plan.js';

type Variables = Record<string, unknown> | null | undefined;

export interface Totals {
  cost: number;
  nodes: number;
}

/** Throws PAGE_SIZE_OUT_OF_RANGE (or SLICING_ARGUMENT_REQUIRED) for the first slicing argument out of bounds. */
export function checkPageSizes(plan: CostPlan, variables: Variables, maxPageSize: number): void {
  if (plan.smallestLiteralPageSize < 1 || plan.largestLiteralPageSize > maxPageSize) {
    const p = plan.literalPageSizes.find((l) => l.value < 1 || l.value > maxPageSize)!;
    throw refuse.pageSize(maxPageSize, p.value, p.coordinate, p.argument);
  }
  for (const p of plan.variablePageSizes) {
    const value = variableValue(variables, p.variable, p.variableDefault);
    if (typeof value === 'number' && Number.isInteger(value) && (value < 1 || value > maxPageSize)) throw refuse.pageSize(maxPageSize, value, p.coordinate, p.argument);
  }
  for (const sizing of plan.variableRequireOne) {
    let given = 0;
    for (const s of sizing.sources) if (sourceValue(s, variables, false) !== null) given++;
    if (given !== 1) throw refuse.slicingArgument(given, sizing.coordinate, sizing.sources.map((s) => s.argument));
  }
}

/** The operation's cost and nodes for these variables, written into `out`. */
export function estimate(plan: CostPlan, variables: Variables, out: Totals): Totals {
  if (plan.constant) {
    out.cost = plan.root.constCost;
    out.nodes = plan.root.constNodes;
  } else {
    evaluate(plan.root, variables, out);
  }
  return out;
}

function evaluate(node: PlanNode, variables: Variables, out: Totals): void {
  if (node.conditions && !holds(node.conditions, variables)) {
    out.cost = 0;
    out.nodes = 0;
    return;
  }
  const size = node.sizing ? sizeOf(node.sizing, variables) : node.size;
  let cost = node.weight + node.constCost;
  let nodes = node.countsNode + node.constNodes;
  for (const child of node.dynamic) {
    evaluate(child, variables, out);
    cost += out.cost;
    nodes += out.nodes;
  }
  out.cost = size * cost;
  out.nodes = size * nodes;
}

/** IBM: with several slicing arguments given, the largest sizes the list; with none, the assumed size. */
function sizeOf(sizing: Sizing, variables: Variables): number {
  let size = -1;
  for (const s of sizing.sources) {
    const v = sourceValue(s, variables, true);
    if (v !== null && v > size) size = v;
  }
  return size >= 0 ? size : sizing.fallback;
}

function sourceValue(s: Sizing['sources'][number], variables: Variables, withSchemaDefault: boolean): number | null {
  if (s.literal !== null) return s.literal;
  if (!s.variable) return withSchemaDefault ? s.schemaDefault : null;
  const value = variableValue(variables, s.variable, s.variableDefault);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  // An omitted variable leaves the argument unset, so the schema's default applies.
  return withSchemaDefault && value === undefined ? s.schemaDefault : null;
}

function variableValue(variables: Variables, name: string, fallback: unknown): unknown {
  return variables && Object.hasOwn(variables, name) ? variables[name] : (fallback ?? undefined);
}

function holds(conditions: readonly Condition[], variables: Variables): boolean {
  for (const c of conditions) {
    const value = variableValue(variables, c.variable, c.variableDefault);
    // A missing or non-boolean value fails coercion later; count the field meanwhile.
    if (typeof value === 'boolean' && value !== c.include) return false;
  }
  return true;
}

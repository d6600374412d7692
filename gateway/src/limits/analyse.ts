/**
 * The shape of a parsed document, computed once per document text: per
 * operation its depth, aliases, root fields and use of introspection, with
 * fragments expanded; for the whole document the number of field selections
 * once every fragment is expanded, and any fragment cycle.
 *
 * Each fragment is measured once and its measures reused wherever it is
 * spread, so the work is linear in the document even when fragments spread
 * each other exponentially many times (a "fan-out" bomb); the expanded count
 * it reports is what Apollo's validation and the query planner would face.
 */
import type { DocumentNode, FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode } from 'graphql';

export interface OperationShape {
  operation: OperationDefinitionNode;
  type: 'query' | 'mutation' | 'subscription';
  depth: number;
  aliases: number;
  /** Distinct response keys selected on the root type. */
  rootFields: number;
  /** Selects `__schema` or `__type` somewhere. */
  introspection: boolean;
}

export interface DocumentShape {
  document: DocumentNode;
  tokens: number;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** Field selections of all operations with fragments expanded (Apollo validates them all). */
  expandedFields: number;
  /** The fragments of a cycle (`A → B → A`), or null. */
  cycle: readonly string[] | null;
  operations: readonly OperationShape[];
}

interface Measures {
  depth: number;
  aliases: number;
  fields: number;
  introspection: boolean;
}

const EMPTY: Measures = { depth: 0, aliases: 0, fields: 0, introspection: false };

export function analyseDocument(document: DocumentNode, tokens: number): DocumentShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === 'FragmentDefinition' && !fragments.has(d.name.value)) fragments.set(d.name.value, d);

  const measured = new Map<string, Measures>();
  const inProgress: string[] = [];
  let cycle: string[] | null = null;

  function fragmentMeasures(name: string): Measures {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    // An unknown fragment is a validation error Apollo reports; it adds nothing here.
    if (!fragment) return EMPTY;
    const open = inProgress.indexOf(name);
    if (open >= 0) {
      cycle ??= [...inProgress.slice(open), name];
      return EMPTY;
    }
    inProgress.push(name);
    const m = measure(fragment.selectionSet);
    inProgress.pop();
    measured.set(name, m);
    return m;
  }

  function measure(set: SelectionSetNode): Measures {
    let depth = 0;
    let aliases = 0;
    let fields = 0;
    let introspection = false;
    for (const s of set.selections) {
      let m: Measures;
      if (s.kind === 'Field') {
        const child = s.selectionSet ? measure(s.selectionSet) : EMPTY;
        m = {
          depth: child.depth + 1,
          aliases: child.aliases + (s.alias ? 1 : 0),
          fields: child.fields + 1,
          introspection: child.introspection || s.name.value === '__schema' || s.name.value === '__type',
        };
      } else {
        m = s.kind === 'InlineFragment' ? measure(s.selectionSet) : fragmentMeasures(s.name.value);
      }
      if (m.depth > depth) depth = m.depth;
      aliases += m.aliases;
      fields += m.fields;
      introspection ||= m.introspection;
    }
    return { depth, aliases, fields, introspection };
  }

  // Every fragment, used or not: a cycle anywhere makes validation itself recurse.
  for (const name of fragments.keys()) fragmentMeasures(name);
  let expandedFields = 0;
  const operations: OperationShape[] = [];
  for (const d of document.definitions) {
    if (d.kind !== 'OperationDefinition') continue;
    const m = measure(d.selectionSet);
    expandedFields += m.fields;
    operations.push({ operation: d, type: d.operation, depth: m.depth, aliases: m.aliases, rootFields: rootFieldCount(d.selectionSet, fragments), introspection: m.introspection });
  }
  return { document, tokens, fragments, expandedFields, cycle, operations };
}

/** The operation a request runs: by name, or the only one; null when Apollo will refuse the choice. */
export function selectOperation(shape: DocumentShape, operationName: string | null | undefined): OperationShape | null {
  if (operationName) return shape.operations.find((o) => o.operation.name?.value === operationName) ?? null;
  return shape.operations.length === 1 ? shape.operations[0]! : null;
}

function rootFieldCount(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): number {
  const keys = new Set<string>();
  // A fragment adds the same keys wherever it is spread: visit each once.
  const visited = new Set<string>();
  const collect = (s: SelectionSetNode) => {
    for (const sel of s.selections) {
      if (sel.kind === 'Field') keys.add(sel.alias?.value ?? sel.name.value);
      else if (sel.kind === 'InlineFragment') collect(sel.selectionSet);
      else if (!visited.has(sel.name.value)) {
        visited.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(set);
  return keys.size;
}

/**
 * Bounds on a request's variables, checked with one walk before GraphQL
 * coerces them. The 2 MiB body limit already caps their bytes (413
 * PAYLOAD_TOO_LARGE); what bytes do not cap is shape: a deeply nested value
 * overflows the recursive coercion and the subgraphs' validators, and a
 * million tiny values cost more to coerce and forward than their bytes suggest.
 */
import { refuse } from './errors.js';

export const VARIABLE_BOUNDS = {
  /**
   * Every array element, object entry and scalar counts. The largest legitimate
   * input is a trackEvents batch: 5,000 events of about 8 fields each plus
   * their properties (≈ 100,000 values in ~2 MiB); twice that still fits.
   */
  maxVariableValues: 200_000,
  /** Input types nest at most 4 levels; event properties are free JSON, so leave room. */
  maxVariableDepth: 32,
  /** Branding images are at most 200 KiB as data URLs (≈ 270,000 characters) and email HTML 100 KiB. */
  maxVariableStringLength: 1_048_576,
} as const;

/** Throws VARIABLES_TOO_LARGE when the variables break a bound; stops at the first bound broken. */
export function checkVariables(variables: unknown): void {
  if (variables === null || typeof variables !== 'object') return;
  const counter = { values: 0 };
  walk(variables, 1, counter);
}

function walk(value: unknown, depth: number, counter: { values: number }): void {
  if (typeof value === 'string') {
    if (value.length > VARIABLE_BOUNDS.maxVariableStringLength) throw refuse.variables('maxVariableStringLength', VARIABLE_BOUNDS.maxVariableStringLength, value.length);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  // Recursion stops here, so a hostile depth never reaches the stack's limit.
  if (depth > VARIABLE_BOUNDS.maxVariableDepth) throw refuse.variables('maxVariableDepth', VARIABLE_BOUNDS.maxVariableDepth, depth);
  if (Array.isArray(value)) {
    counter.values += value.length;
    if (counter.values > VARIABLE_BOUNDS.maxVariableValues) throw refuse.variables('maxVariableValues', VARIABLE_BOUNDS.maxVariableValues, counter.values);
    for (const item of value) walk(item, depth + 1, counter);
    return;
  }
  for (const key in value) {
    counter.values++;
    if (counter.values > VARIABLE_BOUNDS.maxVariableValues) throw refuse.variables('maxVariableValues', VARIABLE_BOUNDS.maxVariableValues, counter.values);
    walk((value as Record<string, unknown>)[key], depth + 1, counter);
  }
}

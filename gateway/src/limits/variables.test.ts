// The bounds on variables: nesting, number of values, string length, and the
// largest legitimate inputs (a full trackEvents batch, a branding update) inside them.
import { describe, expect, it } from 'vitest';
import type { OperationLimitError } from './errors.js';
import { checkVariables, VARIABLE_BOUNDS } from './variables.js';

function refusalOf(variables: unknown): OperationLimitError {
  try {
    checkVariables(variables);
  } catch (err) {
    return err as OperationLimitError;
  }
  throw new Error('expected a refusal');
}

const nested = (levels: number): unknown => JSON.parse(`${'{"a":'.repeat(levels - 1)}[]${'}'.repeat(levels - 1)}`);

describe('checkVariables', () => {
  it('accepts nesting up to 32 levels and refuses the 33rd with VARIABLES_TOO_LARGE', () => {
    expect(() => checkVariables({ v: nested(31) })).not.toThrow();
    expect(refusalOf({ v: nested(32) })).toMatchObject({ code: 'VARIABLES_TOO_LARGE', limit: 'maxVariableDepth', maximum: 32, actual: 33 });
  });

  it('refuses a nesting far beyond the stack without overflowing it', () => {
    expect(refusalOf({ v: nested(100_000) })).toMatchObject({ limit: 'maxVariableDepth' });
  });

  it('refuses more than 200,000 values, counting array items and object entries', () => {
    expect(() => checkVariables({ ids: new Array(VARIABLE_BOUNDS.maxVariableValues - 1).fill(0) })).not.toThrow();
    expect(refusalOf({ ids: new Array(VARIABLE_BOUNDS.maxVariableValues).fill(0) })).toMatchObject({ limit: 'maxVariableValues', maximum: 200_000 });
    const wide = Object.fromEntries(Array.from({ length: 200_001 }, (_, i) => [`k${i}`, i]));
    expect(refusalOf(wide)).toMatchObject({ limit: 'maxVariableValues' });
  });

  it('refuses a string over 1 MiB and accepts one at the bound', () => {
    expect(() => checkVariables({ s: 'x'.repeat(1_048_576) })).not.toThrow();
    expect(refusalOf({ input: { name: 'x'.repeat(1_048_577) } })).toMatchObject({ limit: 'maxVariableStringLength', maximum: 1_048_576, actual: 1_048_577 });
  });

  it('lets the largest legitimate inputs through: 5,000 tracked events, a branding update with ~1 MB of images', () => {
    const events = Array.from({ length: 5_000 }, (_, i) => ({
      id: crypto.randomUUID(),
      event: 'report_exported',
      distinctId: `user-${i}`,
      customerId: 'c',
      timestamp: new Date().toISOString(),
      properties: { plan: 'pro', format: 'pdf', pages: 12, $session_id: 's', nested: { a: 1, b: [1, 2, 3] } },
    }));
    expect(() => checkVariables({ events })).not.toThrow();
    const image = `data:image/png;base64,${'A'.repeat(270_000)}`;
    expect(() => checkVariables({ input: { logoLightUrl: image, logoDarkUrl: image, faviconUrl: image, emailTemplates: { invitation: { html: 'x'.repeat(100 * 1024) } } } })).not.toThrow();
  });

  it('ignores absent and non-object variables (GraphQL refuses those itself)', () => {
    expect(() => checkVariables(undefined)).not.toThrow();
    expect(() => checkVariables(null)).not.toThrow();
    expect(() => checkVariables('x'.repeat(2_000_000))).not.toThrow();
  });
});

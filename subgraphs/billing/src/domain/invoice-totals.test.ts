import { ValidationError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import { assertReconciles, computeTotals, type InvoiceLineKind } from './invoice-totals.js';

const line = (kind: InvoiceLineKind, amountMinor: number) => ({ kind, amountMinor });

describe('computeTotals', () => {
  it('taxes the subtotal of the non-TAX lines', () => {
    const lines = [line('SUBSCRIPTION', 10_000), line('PRORATION', -2500), line('USAGE', 1234), line('TAX', 999)];
    // subtotal 10,000 − 2,500 + 1,234 = 8,734 (the TAX line is ignored)
    // tax 8,734 × 825 / 10,000 = 720.555 → 721; total 8,734 + 721 = 9,455
    expect(computeTotals(lines, 825)).toEqual({
      subtotalMinor: 8734,
      taxMinor: 721,
      totalMinor: 9455,
      amountDueMinor: 9455,
      creditCarriedForwardMinor: 0,
    });
  });

  it.each([
    [100, 50, 1], // 0.5 → 1 (half away from zero)
    [99, 50, 0], // 0.495 → 0
    [1000, 2000, 200], // exactly 20 %
    [1234, 10_000, 1234], // 100 %
    [1234, 0, 0],
    [1, 1, 0], // 0.0001 → 0
  ])('subtotal %d at %d bps has tax %d', (subtotal, bps, tax) => {
    expect(computeTotals([line('SUBSCRIPTION', subtotal)], bps).taxMinor).toBe(tax);
  });

  it('carries a negative total forward as credit instead of paying it out', () => {
    // 1,000 − 3,000 = −2,000: not taxed, nothing due, 2,000 credit for the next invoice
    expect(computeTotals([line('SUBSCRIPTION', 1000), line('PRORATION', -3000)], 2000)).toEqual({
      subtotalMinor: -2000,
      taxMinor: 0,
      totalMinor: -2000,
      amountDueMinor: 0,
      creditCarriedForwardMinor: -2000,
    });
  });

  it('is all zeros for an empty invoice', () => {
    expect(computeTotals([], 2000)).toEqual({ subtotalMinor: 0, taxMinor: 0, totalMinor: 0, amountDueMinor: 0, creditCarriedForwardMinor: 0 });
  });

  it('computes tax exactly on amounts beyond float precision', () => {
    // 4,503,599,627,370,495 × 5,000 / 10,000 = 2,251,799,813,685,247.5 → …248
    const totals = computeTotals([line('SUBSCRIPTION', 4_503_599_627_370_495)], 5000);
    expect(totals.taxMinor).toBe(2_251_799_813_685_248);
    expect(totals.totalMinor).toBe(6_755_399_441_055_743);
  });

  it('refuses a total beyond the safe integer range', () => {
    expect(() => computeTotals([line('SUBSCRIPTION', Number.MAX_SAFE_INTEGER)], 10_000)).toThrow(ValidationError);
  });

  it.each([-1, 10_001, 8.25, Number.NaN])('refuses a tax rate of %d bps', (bps) => {
    try {
      computeTotals([line('SUBSCRIPTION', 100)], bps);
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).fieldErrors.map((e) => e.path)).toEqual(['taxRateBps']);
    }
  });

  it('names a line whose amount is not whole minor units', () => {
    expect(() => computeTotals([line('SUBSCRIPTION', 100), line('USAGE', 12.5)], 0)).toThrow(
      'lines.1.amountMinor: must be a whole number of minor units (cents), got 12.5',
    );
  });
});

describe('assertReconciles', () => {
  const lines = [line('SUBSCRIPTION', 5000), line('USAGE', 700)];
  const totals = computeTotals(lines, 1000); // 5,700 + 570 = 6,270

  it('passes for computed totals, with or without the TAX line', () => {
    expect(totals).toMatchObject({ subtotalMinor: 5700, taxMinor: 570, totalMinor: 6270 });
    expect(() => assertReconciles(totals, lines)).not.toThrow();
    expect(() => assertReconciles(totals, [...lines, line('TAX', 570)])).not.toThrow();
  });

  it('fails when the lines do not add up to the subtotal', () => {
    expect(() => assertReconciles(totals, [...lines, line('PRORATION', -1)])).toThrow('the lines add up to 5699 but the subtotal is 5700');
  });

  it('fails when subtotal + tax is not the total', () => {
    expect(() => assertReconciles({ ...totals, totalMinor: 6271, amountDueMinor: 6271 }, lines)).toThrow('subtotal 5700 + tax 570 ≠ total 6271');
  });

  it('fails when amount due and credit do not make up the total', () => {
    expect(() => assertReconciles({ ...totals, amountDueMinor: 0 }, lines)).toThrow('amount due 0 + credit carried forward 0 ≠ total 6270');
  });

  it('fails when the TAX lines differ from the tax', () => {
    expect(() => assertReconciles(totals, [...lines, line('TAX', 571)])).toThrow('the TAX lines add up to 571 but the tax is 570');
  });

  it('throws a plain Error, not a ValidationError (a mismatch is a bug)', () => {
    try {
      assertReconciles({ ...totals, subtotalMinor: 1 }, lines);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(ValidationError);
    }
  });
});

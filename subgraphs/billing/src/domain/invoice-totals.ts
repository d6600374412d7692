/**
 * Invoice totals from its lines. Tax is charged on the subtotal at a rate in
 * basis points (1 bp = 0.01 %), rounded once, half away from zero, in exact
 * integer arithmetic; no tax is charged when the subtotal is zero or negative
 * (a credit is not taxed back).
 *
 * A negative total (more proration credit than charges) is not paid out: the
 * amount due is 0 and the negative total becomes creditCarriedForwardMinor, to
 * be applied as a line on the customer's next invoice, so no money is lost:
 * amountDueMinor + creditCarriedForwardMinor = totalMinor always.
 */
import { ValidationError } from '@platform/core';
import { assertMinorAmount, sumMinor } from './money.js';
import { mulDivRound } from './rounding.js';

export type InvoiceLineKind = 'SUBSCRIPTION' | 'PRORATION' | 'USAGE' | 'TAX';

export interface InvoiceTotals {
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  /** max(0, total): what the customer is asked to pay. */
  amountDueMinor: number;
  /** min(0, total): zero or negative, the credit owed to the customer on the next invoice. */
  creditCarriedForwardMinor: number;
}

export const BASIS_POINTS = 10_000;

/** TAX lines in `lines` are ignored: the caller builds the TAX line from taxMinor. */
export function computeTotals(lines: { kind: InvoiceLineKind; amountMinor: number }[], taxRateBps: number): InvoiceTotals {
  if (!Number.isInteger(taxRateBps) || taxRateBps < 0 || taxRateBps > BASIS_POINTS) {
    throw ValidationError.single('taxRateBps', `must be a whole number of basis points from 0 to ${BASIS_POINTS}, got ${taxRateBps}`);
  }
  for (const [i, line] of lines.entries()) assertMinorAmount(`lines.${i}.amountMinor`, line.amountMinor, { allowNegative: true });
  const subtotalMinor = sumMinor(nonTaxAmounts(lines));
  const taxMinor = subtotalMinor > 0 ? mulDivRound(subtotalMinor, taxRateBps, BASIS_POINTS) : 0;
  const totalMinor = sumMinor([subtotalMinor, taxMinor]);
  return {
    subtotalMinor,
    taxMinor,
    totalMinor,
    amountDueMinor: Math.max(0, totalMinor),
    creditCarriedForwardMinor: Math.min(0, totalMinor),
  };
}

/**
 * A last check before an invoice is finalised: throws a plain Error (a bug,
 * not bad input) unless the non-TAX lines add up to the subtotal, subtotal +
 * tax = total, amount due + credit carried forward = total, and any TAX lines
 * add up to the tax.
 */
export function assertReconciles(totals: InvoiceTotals, lines: { kind: InvoiceLineKind; amountMinor: number }[]): void {
  const lineSum = sumMinor(nonTaxAmounts(lines));
  if (lineSum !== totals.subtotalMinor) {
    throw new Error(`Invoice does not reconcile: the lines add up to ${lineSum} but the subtotal is ${totals.subtotalMinor}`);
  }
  if (totals.subtotalMinor + totals.taxMinor !== totals.totalMinor) {
    throw new Error(`Invoice does not reconcile: subtotal ${totals.subtotalMinor} + tax ${totals.taxMinor} ≠ total ${totals.totalMinor}`);
  }
  if (totals.amountDueMinor + totals.creditCarriedForwardMinor !== totals.totalMinor) {
    throw new Error(
      `Invoice does not reconcile: amount due ${totals.amountDueMinor} + credit carried forward ${totals.creditCarriedForwardMinor} ≠ total ${totals.totalMinor}`,
    );
  }
  const taxLines = lines.filter((l) => l.kind === 'TAX');
  const taxLineSum = sumMinor(taxLines.map((l) => l.amountMinor));
  if (taxLines.length > 0 && taxLineSum !== totals.taxMinor) {
    throw new Error(`Invoice does not reconcile: the TAX lines add up to ${taxLineSum} but the tax is ${totals.taxMinor}`);
  }
}

function nonTaxAmounts(lines: { kind: InvoiceLineKind; amountMinor: number }[]): number[] {
  return lines.filter((l) => l.kind !== 'TAX').map((l) => l.amountMinor);
}

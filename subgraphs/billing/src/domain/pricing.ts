/**
 * Prices and what they charge for a quantity in one period. The models follow
 * Stripe's so that a price can be mirrored there one to one:
 * - FLAT: one fixed amount per period; the quantity is ignored (a FLAT price
 *   with quantity 0 or 7 charges the same).
 * - PER_SEAT: unit amount × seats.
 * - METERED: unit amount × the period's aggregated usage of a meter.
 * - GRADUATED: the quantity (seats, or usage when the price has a meter) is
 *   split across tiers; each tier charges its unit amount for the units that
 *   fall in it plus its flat fee once when at least one unit falls in it
 *   (Stripe's "graduated" tiers, not "volume" tiers where the whole quantity
 *   takes one tier's price). A quantity of 0 charges nothing.
 * Quantities are whole units, so every charge is an exact integer.
 */
import { ValidationError } from '@platform/core';
import { assertDate } from './dates.js';
import { FieldErrors, joinPath } from './field-errors.js';
import { assertMinorAmount } from './money.js';

export type PriceModel = 'FLAT' | 'PER_SEAT' | 'METERED' | 'GRADUATED';
export const PRICE_MODELS: readonly PriceModel[] = ['FLAT', 'PER_SEAT', 'METERED', 'GRADUATED'];
export type MeterAggregation = 'SUM' | 'COUNT' | 'LAST';

export interface Tier {
  /** Inclusive upper bound of the tier in units; null on the last tier means no bound. */
  upTo: number | null;
  unitAmountMinor: number;
  /** Charged once when at least one unit falls in the tier. */
  flatAmountMinor: number;
}

export interface PriceTerms {
  model: PriceModel;
  unitAmountMinor: number | null;
  tiers: Tier[] | null;
}

export interface TierCharge {
  tierIndex: number;
  quantity: number;
  amountMinor: number;
}

export const MAX_TIERS = 20;

/** Checks every tier and throws one ValidationError listing all problems, with paths like `tiers.1.upTo`. */
export function validateTiers(tiers: unknown[] | Tier[], path = 'tiers'): Tier[] {
  const errors = new FieldErrors();
  if (!Array.isArray(tiers) || tiers.length < 1 || tiers.length > MAX_TIERS) {
    errors.add(path, `must have 1 to ${MAX_TIERS} tiers, got ${Array.isArray(tiers) ? tiers.length : 'none'}`);
    errors.throwIfAny('The price tiers are not valid');
  }
  const result: Tier[] = [];
  let previousUpTo = 0;
  tiers.forEach((raw, i) => {
    const at = `${path}.${i}`;
    if (typeof raw !== 'object' || raw === null) {
      errors.add(at, 'must be a tier with upTo, unitAmountMinor and flatAmountMinor');
      return;
    }
    const tier = raw as Partial<Record<keyof Tier, unknown>>;
    const isLast = i === tiers.length - 1;
    const upTo = tier.upTo ?? null;
    if (isLast && upTo !== null) {
      errors.add(`${at}.upTo`, 'the last tier must have upTo null (no upper bound)');
    } else if (!isLast && upTo === null) {
      errors.add(`${at}.upTo`, 'only the last tier may have upTo null (no upper bound)');
    } else if (upTo !== null) {
      if (typeof upTo !== 'number' || !Number.isSafeInteger(upTo) || upTo < 1) {
        errors.add(`${at}.upTo`, `must be a whole number of units ≥ 1, got ${String(upTo)}`);
      } else if (upTo <= previousUpTo) {
        errors.add(`${at}.upTo`, `must be greater than the previous tier's upTo (${previousUpTo}), got ${upTo}`);
      } else {
        previousUpTo = upTo;
      }
    }
    const unitAmountMinor = errors.check(() => assertMinorAmount(`${at}.unitAmountMinor`, tier.unitAmountMinor as number));
    const flatAmountMinor = errors.check(() => assertMinorAmount(`${at}.flatAmountMinor`, tier.flatAmountMinor as number));
    result.push({ upTo: upTo as number | null, unitAmountMinor: unitAmountMinor ?? 0, flatAmountMinor: flatAmountMinor ?? 0 });
  });
  errors.throwIfAny('The price tiers are not valid');
  return result;
}

/**
 * Checks that a price's fields fit its model. `prefix` is prepended to the
 * error paths (e.g. 'input' → 'input.tiers.1.upTo'). A tiers array that is
 * empty counts as absent.
 */
export function validatePriceTerms(
  input: { model: PriceModel; unitAmountMinor?: number | null; tiers?: Tier[] | null; meterId?: string | null },
  prefix = '',
): PriceTerms {
  const errors = new FieldErrors();
  const p = (path: string) => joinPath(prefix, path);
  const { model } = input;
  if (!PRICE_MODELS.includes(model)) {
    errors.add(p('model'), `must be one of ${PRICE_MODELS.join(', ')}`);
    errors.throwIfAny('The price is not valid');
  }
  const unitAmount = input.unitAmountMinor ?? null;
  const hasTiers = input.tiers != null && input.tiers.length > 0;
  const meterId = input.meterId ?? null;

  let terms: PriceTerms = { model, unitAmountMinor: null, tiers: null };
  if (model === 'GRADUATED') {
    if (unitAmount !== null) errors.add(p('unitAmountMinor'), 'must not be set on a GRADUATED price (the tiers carry the amounts)');
    if (!hasTiers) errors.add(p('tiers'), 'are required for a GRADUATED price');
    else terms = { model, unitAmountMinor: null, tiers: errors.check(() => validateTiers(input.tiers!, p('tiers'))) ?? null };
  } else {
    if (unitAmount === null) errors.add(p('unitAmountMinor'), `is required for a ${model} price`);
    else terms = { model, unitAmountMinor: errors.check(() => assertMinorAmount(p('unitAmountMinor'), unitAmount)) ?? null, tiers: null };
    if (hasTiers) errors.add(p('tiers'), `must not be set on a ${model} price (only GRADUATED prices have tiers)`);
  }
  if (model === 'METERED' && (meterId === null || meterId.trim() === '')) {
    errors.add(p('meterId'), 'is required for a METERED price (the meter whose usage is charged)');
  }
  if ((model === 'FLAT' || model === 'PER_SEAT') && meterId !== null) {
    errors.add(p('meterId'), `must not be set on a ${model} price (use METERED or GRADUATED for usage)`);
  }
  errors.throwIfAny('The price is not valid');
  return terms;
}

/**
 * What a price charges for `quantity` whole units in one period. `tiers`
 * breaks a GRADUATED charge down per tier reached (empty for the other models).
 */
export function chargeFor(terms: PriceTerms, quantity: number): { amountMinor: number; tiers: TierCharge[] } {
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    throw ValidationError.single('quantity', `must be a whole number of units ≥ 0, got ${quantity}`);
  }
  if (terms.model === 'GRADUATED') {
    if (!terms.tiers) throw ValidationError.single('tiers', 'are required for a GRADUATED price');
    return graduatedCharge(terms.tiers, quantity);
  }
  if (terms.unitAmountMinor === null) throw ValidationError.single('unitAmountMinor', `is required for a ${terms.model} price`);
  const unitAmount = assertMinorAmount('unitAmountMinor', terms.unitAmountMinor);
  const units = terms.model === 'FLAT' ? 1 : quantity;
  return { amountMinor: assertCharge(BigInt(unitAmount) * BigInt(units)), tiers: [] };
}

/**
 * The reference for the SQL that aggregates a meter's usage over a period:
 * SUM adds quantities, COUNT counts records, LAST takes the quantity of the
 * record with the latest occurredAt (0 without records). Records with equal
 * occurredAt keep their list order and the later one wins, so the SQL must
 * break such ties the same way (e.g. by insertion order).
 */
export function aggregateUsage(aggregation: MeterAggregation, records: { quantity: number; occurredAt: Date }[]): number {
  records.forEach((r, i) => {
    if (!Number.isSafeInteger(r.quantity) || r.quantity < 0) {
      throw ValidationError.single(`records.${i}.quantity`, `must be a whole number of units ≥ 0, got ${r.quantity}`);
    }
    assertDate(r.occurredAt, `records.${i}.occurredAt`);
  });
  switch (aggregation) {
    case 'SUM': {
      const total = records.reduce((sum, r) => sum + BigInt(r.quantity), 0n);
      if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw ValidationError.single('records', `the usage total ${total} is too large`);
      return Number(total);
    }
    case 'COUNT':
      return records.length;
    case 'LAST': {
      let latest: { quantity: number; occurredAt: Date } | null = null;
      for (const r of records) if (latest === null || r.occurredAt.getTime() >= latest.occurredAt.getTime()) latest = r;
      return latest?.quantity ?? 0;
    }
    default:
      throw ValidationError.single('aggregation', 'must be one of SUM, COUNT, LAST');
  }
}

function graduatedCharge(tiers: Tier[], quantity: number): { amountMinor: number; tiers: TierCharge[] } {
  const charges: TierCharge[] = [];
  let total = 0n;
  let lower = 0;
  for (const [tierIndex, tier] of tiers.entries()) {
    const upper = tier.upTo ?? Number.POSITIVE_INFINITY;
    const units = Math.min(quantity, upper) - lower;
    if (units <= 0) break;
    const amount = BigInt(tier.unitAmountMinor) * BigInt(units) + BigInt(tier.flatAmountMinor);
    charges.push({ tierIndex, quantity: units, amountMinor: assertCharge(amount) });
    total += amount;
    lower = upper;
  }
  return { amountMinor: assertCharge(total), tiers: charges };
}

function assertCharge(amount: bigint): number {
  const result = Number(amount);
  if (!Number.isSafeInteger(result)) throw ValidationError.single('quantity', `the charge ${amount} is beyond the safe integer range of minor units`);
  return result;
}

import { ValidationError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import { fieldErrorsOf } from './test-support.js';
import { aggregateUsage, chargeFor, type PriceModel, type PriceTerms, type Tier, validatePriceTerms, validateTiers } from './pricing.js';


const tier = (upTo: number | null, unitAmountMinor: number, flatAmountMinor = 0): Tier => ({ upTo, unitAmountMinor, flatAmountMinor });
/** 1–5 at 10.00, 6–10 at 8.00, 11+ at 5.00 plus a 20.00 flat fee. */
const THREE_TIERS = [tier(5, 1000), tier(10, 800), tier(null, 500, 2000)];

describe('validateTiers', () => {
  it('accepts increasing bounds ending in an unbounded tier, and copies them', () => {
    const validated = validateTiers(THREE_TIERS);
    expect(validated).toEqual(THREE_TIERS);
    expect(validated[0]).not.toBe(THREE_TIERS[0]);
    expect(validateTiers([tier(null, 0)])).toEqual([tier(null, 0)]);
  });

  it('needs 1 to 20 tiers', () => {
    expect(fieldErrorsOf(() => validateTiers([]))).toEqual([{ path: 'tiers', message: 'must have 1 to 20 tiers, got 0' }]);
    const many = [...Array.from({ length: 20 }, (_, i) => tier(i + 1, 100)), tier(null, 50)];
    expect(fieldErrorsOf(() => validateTiers(many))).toEqual([{ path: 'tiers', message: 'must have 1 to 20 tiers, got 21' }]);
    expect(validateTiers(many.slice(1))).toHaveLength(20);
  });

  it('needs strictly increasing bounds', () => {
    expect(fieldErrorsOf(() => validateTiers([tier(5, 100), tier(5, 90), tier(null, 80)]))).toEqual([
      { path: 'tiers.1.upTo', message: "must be greater than the previous tier's upTo (5), got 5" },
    ]);
  });

  it('needs exactly the last tier unbounded', () => {
    expect(fieldErrorsOf(() => validateTiers([tier(null, 100), tier(null, 90)]))).toEqual([
      { path: 'tiers.0.upTo', message: 'only the last tier may have upTo null (no upper bound)' },
    ]);
    expect(fieldErrorsOf(() => validateTiers([tier(5, 100), tier(10, 90)]))).toEqual([
      { path: 'tiers.1.upTo', message: 'the last tier must have upTo null (no upper bound)' },
    ]);
  });

  it('lists every bad field at once, under the given path', () => {
    const errors = fieldErrorsOf(() => validateTiers([tier(0, -1), tier(2.5, 100, 0.5), 'x', tier(null, 10)], 'input.tiers'));
    expect(errors).toEqual([
      { path: 'input.tiers.0.upTo', message: 'must be a whole number of units ≥ 1, got 0' },
      { path: 'input.tiers.0.unitAmountMinor', message: 'must not be negative, got -1' },
      { path: 'input.tiers.1.upTo', message: 'must be a whole number of units ≥ 1, got 2.5' },
      { path: 'input.tiers.1.flatAmountMinor', message: 'must be a whole number of minor units (cents), got 0.5' },
      { path: 'input.tiers.2', message: 'must be a tier with upTo, unitAmountMinor and flatAmountMinor' },
    ]);
  });

  it('needs both amounts', () => {
    expect(fieldErrorsOf(() => validateTiers([{ upTo: null, unitAmountMinor: 100 }]))).toEqual([
      { path: 'tiers.0.flatAmountMinor', message: 'must be a whole number of minor units (cents), got undefined' },
    ]);
  });
});

describe('validatePriceTerms', () => {
  it.each([
    [{ model: 'FLAT', unitAmountMinor: 4900 }, { model: 'FLAT', unitAmountMinor: 4900, tiers: null }],
    [{ model: 'PER_SEAT', unitAmountMinor: 1200, tiers: [], meterId: null }, { model: 'PER_SEAT', unitAmountMinor: 1200, tiers: null }],
    [{ model: 'METERED', unitAmountMinor: 3, meterId: 'meter_api_calls' }, { model: 'METERED', unitAmountMinor: 3, tiers: null }],
    [{ model: 'GRADUATED', tiers: THREE_TIERS }, { model: 'GRADUATED', unitAmountMinor: null, tiers: THREE_TIERS }],
    [{ model: 'GRADUATED', tiers: THREE_TIERS, meterId: 'meter_gb' }, { model: 'GRADUATED', unitAmountMinor: null, tiers: THREE_TIERS }],
    [{ model: 'FLAT', unitAmountMinor: 0 }, { model: 'FLAT', unitAmountMinor: 0, tiers: null }],
  ] as [Parameters<typeof validatePriceTerms>[0], PriceTerms][])('accepts %j', (input, terms) => {
    expect(validatePriceTerms(input)).toEqual(terms);
  });

  it.each([
    ['FLAT without an amount', { model: 'FLAT' }, [{ path: 'unitAmountMinor', message: 'is required for a FLAT price' }]],
    ['FLAT with tiers', { model: 'FLAT', unitAmountMinor: 100, tiers: THREE_TIERS }, [{ path: 'tiers', message: 'must not be set on a FLAT price (only GRADUATED prices have tiers)' }]],
    ['FLAT with a meter', { model: 'FLAT', unitAmountMinor: 100, meterId: 'm' }, [{ path: 'meterId', message: 'must not be set on a FLAT price (use METERED or GRADUATED for usage)' }]],
    ['PER_SEAT with a meter', { model: 'PER_SEAT', unitAmountMinor: 100, meterId: 'm' }, [{ path: 'meterId', message: 'must not be set on a PER_SEAT price (use METERED or GRADUATED for usage)' }]],
    ['PER_SEAT with a fractional amount', { model: 'PER_SEAT', unitAmountMinor: 9.99 }, [{ path: 'unitAmountMinor', message: 'must be a whole number of minor units (cents), got 9.99' }]],
    ['METERED without a meter', { model: 'METERED', unitAmountMinor: 3 }, [{ path: 'meterId', message: 'is required for a METERED price (the meter whose usage is charged)' }]],
    ['METERED with a blank meter', { model: 'METERED', unitAmountMinor: 3, meterId: '  ' }, [{ path: 'meterId', message: 'is required for a METERED price (the meter whose usage is charged)' }]],
    ['METERED with a negative amount', { model: 'METERED', unitAmountMinor: -3, meterId: 'm' }, [{ path: 'unitAmountMinor', message: 'must not be negative, got -3' }]],
    ['GRADUATED without tiers', { model: 'GRADUATED', tiers: null }, [{ path: 'tiers', message: 'are required for a GRADUATED price' }]],
    ['GRADUATED with a unit amount', { model: 'GRADUATED', unitAmountMinor: 100, tiers: THREE_TIERS }, [{ path: 'unitAmountMinor', message: 'must not be set on a GRADUATED price (the tiers carry the amounts)' }]],
    ['GRADUATED with bad tiers', { model: 'GRADUATED', tiers: [tier(5, 100)] }, [{ path: 'tiers.0.upTo', message: 'the last tier must have upTo null (no upper bound)' }]],
    ['an unknown model', { model: 'VOLUME' }, [{ path: 'model', message: 'must be one of FLAT, PER_SEAT, METERED, GRADUATED' }]],
  ] as [string, Parameters<typeof validatePriceTerms>[0], unknown][])('refuses %s', (_, input, errors) => {
    expect(fieldErrorsOf(() => validatePriceTerms(input))).toEqual(errors);
  });

  it('lists every problem, under the prefix', () => {
    expect(fieldErrorsOf(() => validatePriceTerms({ model: 'METERED', tiers: THREE_TIERS }, 'input'))).toEqual([
      { path: 'input.unitAmountMinor', message: 'is required for a METERED price' },
      { path: 'input.tiers', message: 'must not be set on a METERED price (only GRADUATED prices have tiers)' },
      { path: 'input.meterId', message: 'is required for a METERED price (the meter whose usage is charged)' },
    ]);
  });
});

describe('chargeFor', () => {
  const price = (model: PriceModel, unitAmountMinor: number): PriceTerms => ({ model, unitAmountMinor, tiers: null });
  const graduated = (tiers: Tier[]): PriceTerms => ({ model: 'GRADUATED', unitAmountMinor: null, tiers });

  it('charges a FLAT price whatever the quantity', () => {
    expect(chargeFor(price('FLAT', 4900), 0)).toEqual({ amountMinor: 4900, tiers: [] });
    expect(chargeFor(price('FLAT', 4900), 7)).toEqual({ amountMinor: 4900, tiers: [] });
  });

  it('multiplies PER_SEAT and METERED prices by the quantity', () => {
    expect(chargeFor(price('PER_SEAT', 1200), 5).amountMinor).toBe(6000); // 5 × 12.00
    expect(chargeFor(price('PER_SEAT', 1200), 0).amountMinor).toBe(0);
    expect(chargeFor(price('METERED', 3), 1_234_567).amountMinor).toBe(3_703_701); // 3 × 1,234,567
  });

  it('splits a GRADUATED quantity across the tiers it reaches', () => {
    // 5·1000 + 5·800 + 2·500 + 2000 = 12,000
    expect(chargeFor(graduated(THREE_TIERS), 12)).toEqual({
      amountMinor: 12_000,
      tiers: [
        { tierIndex: 0, quantity: 5, amountMinor: 5000 },
        { tierIndex: 1, quantity: 5, amountMinor: 4000 },
        { tierIndex: 2, quantity: 2, amountMinor: 3000 }, // 2·500 + 2000 flat
      ],
    });
  });

  it.each([
    [0, 0, 0], // nothing reaches any tier
    [1, 1000, 1], // 1·1000
    [5, 5000, 1], // upTo is inclusive: the 5th unit is still in tier 0
    [6, 5800, 2], // 5·1000 + 1·800
    [10, 9000, 2], // 5·1000 + 5·800, tier 2 not reached so no flat fee
    [11, 11_500, 3], // 9000 + 1·500 + 2000
  ])('charges %d units of the three tiers %d (%d tiers reached)', (quantity, amount, reached) => {
    const charge = chargeFor(graduated(THREE_TIERS), quantity);
    expect(charge.amountMinor).toBe(amount);
    expect(charge.tiers).toHaveLength(reached);
  });

  it('charges a first tier flat fee once any unit is used', () => {
    // First 1,000 units included in a 100.00 platform fee, then 0.05 each.
    const tiers = [tier(1000, 0, 10_000), tier(null, 5)];
    expect(chargeFor(graduated(tiers), 0).amountMinor).toBe(0);
    expect(chargeFor(graduated(tiers), 1).amountMinor).toBe(10_000);
    expect(chargeFor(graduated(tiers), 1500).amountMinor).toBe(12_500); // 10,000 + 500·5
  });

  it.each([-1, 1.5, Number.NaN])('refuses quantity %d', (quantity) => {
    expect(fieldErrorsOf(() => chargeFor(price('PER_SEAT', 100), quantity))[0]!.path).toBe('quantity');
  });

  it('refuses a charge beyond the safe integer range', () => {
    expect(() => chargeFor(price('PER_SEAT', 1_000_000_000_000), 10_000)).toThrow(ValidationError); // 10^16
  });
});

describe('aggregateUsage', () => {
  const at = (day: number) => new Date(Date.UTC(2026, 0, day));
  const records = [
    { quantity: 5, occurredAt: at(1) },
    { quantity: 3, occurredAt: at(20) },
    { quantity: 7, occurredAt: at(10) },
  ];

  it('sums, counts or takes the latest', () => {
    expect(aggregateUsage('SUM', records)).toBe(15); // 5 + 3 + 7
    expect(aggregateUsage('COUNT', records)).toBe(3);
    expect(aggregateUsage('LAST', records)).toBe(3); // 20 January is the latest, though not last in the list
  });

  it('is 0 without records', () => {
    expect(['SUM', 'COUNT', 'LAST'].map((a) => aggregateUsage(a as 'SUM', []))).toEqual([0, 0, 0]);
  });

  it('breaks a LAST tie by list order', () => {
    expect(aggregateUsage('LAST', [{ quantity: 4, occurredAt: at(5) }, { quantity: 9, occurredAt: at(5) }, { quantity: 1, occurredAt: at(2) }])).toBe(9);
  });

  it('counts zero-quantity records', () => {
    expect(aggregateUsage('COUNT', [{ quantity: 0, occurredAt: at(1) }])).toBe(1);
  });

  it('names a bad record', () => {
    expect(fieldErrorsOf(() => aggregateUsage('SUM', [records[0]!, { quantity: -2, occurredAt: at(3) }]))).toEqual([
      { path: 'records.1.quantity', message: 'must be a whole number of units ≥ 0, got -2' },
    ]);
    expect(fieldErrorsOf(() => aggregateUsage('SUM', [{ quantity: 1, occurredAt: new Date('nope') }]))[0]!.path).toBe('records.0.occurredAt');
  });
});

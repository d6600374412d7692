import { ValidationError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import { fieldErrorsOf } from './test-support.js';
import { assertCurrency, assertMinorAmount, currencyExponent, formatMoney, sumMinor } from './money.js';


describe('assertCurrency', () => {
  it.each([
    ['usd', 'USD'],
    ['EUR', 'EUR'],
    ['jPy', 'JPY'],
    ['kwd', 'KWD'],
  ])('accepts %s as %s', (code, expected) => {
    expect(assertCurrency(code)).toBe(expected);
  });

  it('refuses an unknown code, naming the path', () => {
    expect(fieldErrorsOf(() => assertCurrency('XYZ'))).toEqual([{ path: 'currency', message: 'Unknown currency "XYZ" (ISO 4217 code expected)' }]);
    expect(fieldErrorsOf(() => assertCurrency('dollars', 'input.currency'))).toEqual([
      { path: 'input.currency', message: 'Unknown currency "dollars" (ISO 4217 code expected)' },
    ]);
  });

  it.each(['', 'US', 'USDX', ' USD', '$'])('refuses %j', (code) => {
    expect(() => assertCurrency(code)).toThrow(ValidationError);
  });
});

describe('currencyExponent', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['gbp', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['CLP', 0],
    ['ISK', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['TND', 3],
  ])('%s has %d decimals', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it('follows ISO 4217, not CLDR display digits, where they differ', () => {
    // Intl on Node 20 says 0 for these; ISO 4217 (and Stripe) say 2, and 3 for IQD.
    expect(['IDR', 'HUF', 'COP', 'PKR'].map(currencyExponent)).toEqual([2, 2, 2, 2]);
    expect(currencyExponent('IQD')).toBe(3);
  });

  it('refuses an unknown currency', () => {
    expect(() => currencyExponent('XYZ')).toThrow(ValidationError);
  });
});

describe('assertMinorAmount', () => {
  it('returns whole non-negative amounts, zero included by default', () => {
    expect(assertMinorAmount('amountMinor', 0)).toBe(0);
    expect(assertMinorAmount('amountMinor', 1999)).toBe(1999);
    expect(assertMinorAmount('amountMinor', Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('turns −0 into 0', () => {
    expect(Object.is(assertMinorAmount('amountMinor', -0), 0)).toBe(true);
  });

  it.each([
    [10.5, 'must be a whole number of minor units (cents), got 10.5'],
    [Number.NaN, 'must be a whole number of minor units (cents), got NaN'],
    [Number.POSITIVE_INFINITY, 'must be a whole number of minor units (cents), got Infinity'],
    [2 ** 53, 'must be at most 9007199254740991 minor units in size, got 9007199254740992'],
    [-5, 'must not be negative, got -5'],
  ])('refuses %d', (value, message) => {
    expect(fieldErrorsOf(() => assertMinorAmount('lines.2.amountMinor', value))).toEqual([{ path: 'lines.2.amountMinor', message }]);
  });

  it('refuses a number in a string', () => {
    expect(fieldErrorsOf(() => assertMinorAmount('price', '100' as unknown as number))).toEqual([
      { path: 'price', message: 'must be a whole number of minor units (cents), got "100"' },
    ]);
  });

  it('accepts negatives only when asked', () => {
    expect(assertMinorAmount('creditMinor', -500, { allowNegative: true })).toBe(-500);
    expect(() => assertMinorAmount('creditMinor', -(2 ** 53), { allowNegative: true })).toThrow(ValidationError);
  });

  it('refuses zero when asked', () => {
    expect(fieldErrorsOf(() => assertMinorAmount('amountMinor', 0, { allowZero: false }))).toEqual([{ path: 'amountMinor', message: 'must not be zero' }]);
    expect(assertMinorAmount('amountMinor', 1, { allowZero: false })).toBe(1);
  });
});

describe('formatMoney', () => {
  it.each([
    [123456, 'USD', '$1,234.56'],
    [5, 'USD', '$0.05'],
    [0, 'USD', '$0.00'],
    [-1050, 'USD', '-$10.50'],
    [500, 'JPY', '¥500'],
    [-500, 'JPY', '-¥500'],
    [1234, 'KWD', 'KWD 1.234'],
    [1234500, 'IDR', 'IDR 12,345.00'],
    [199, 'eur', '€1.99'],
  ])('%d %s → %s', (amount, currency, expected) => {
    // Intl puts a no-break space between a currency code and the number.
    expect(formatMoney(amount, currency).replace(/\u00a0/g, ' ')).toBe(expected);
  });

  it('formats the largest safe amount exactly, without float rounding', () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'USD')).toBe('$90,071,992,547,409.91');
  });

  it('uses the locale', () => {
    expect(formatMoney(123456, 'EUR', 'de-DE').replace(/\u00a0/g, ' ')).toBe('1.234,56 €');
  });

  it('refuses fractional amounts and unknown currencies', () => {
    expect(() => formatMoney(10.5, 'USD')).toThrow(ValidationError);
    expect(() => formatMoney(100, 'XYZ')).toThrow(ValidationError);
  });
});

describe('sumMinor', () => {
  it('adds exactly', () => {
    expect(sumMinor([])).toBe(0);
    expect(sumMinor([1000, -250, 1])).toBe(751);
  });

  it('is exact even when a partial sum leaves the safe range', () => {
    // MAX + 10 − 10 = MAX: a float running sum would have rounded MAX + 10 to MAX + 9 or MAX + 11.
    expect(sumMinor([Number.MAX_SAFE_INTEGER, 10, -10])).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses a total beyond the safe range', () => {
    expect(fieldErrorsOf(() => sumMinor([Number.MAX_SAFE_INTEGER, 1]))).toEqual([
      { path: 'values', message: 'the sum 9007199254740992 is beyond the safe integer range (±9007199254740991 minor units)' },
    ]);
  });

  it('names a value that is not whole minor units', () => {
    expect(fieldErrorsOf(() => sumMinor([100, 0.5]))).toEqual([{ path: 'values.1', message: 'must be a whole number of minor units (cents), got 0.5' }]);
  });
});

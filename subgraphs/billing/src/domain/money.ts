/**
 * Money in the billing subgraph is always an integer number of minor units of
 * an ISO 4217 currency (cents for USD, yen for JPY, fils for KWD), held in a JS
 * number that must be a safe integer (|n| ≤ 2^53 − 1, about 90 trillion
 * dollars). Integers add and compare exactly; a float never holds money, only a
 * ratio that is rounded once (see rounding.ts).
 */
import { ValidationError } from '@platform/core';

let knownCurrencies: ReadonlySet<string> | null = null;

/** The uppercased ISO 4217 code, if the runtime's Intl knows it. */
export function assertCurrency(code: string, path = 'currency'): string {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  const upper = typeof code === 'string' ? code.toUpperCase() : '';
  if (!/^[A-Z]{3}$/.test(upper) || !knownCurrencies.has(upper)) {
    throw ValidationError.single(path, `Unknown currency "${String(code)}" (ISO 4217 code expected)`);
  }
  return upper;
}

/**
 * ISO 4217 minor units of the currencies whose exponent is not 2. Everything
 * else Intl knows has 2.
 *
 * Why a table and not Intl: `Intl.NumberFormat(…).resolvedOptions()
 * .maximumFractionDigits` is CLDR's display precision, not ISO's minor unit.
 * On Node 20 (ICU 78 / CLDR 48) it gives 0 for AFN ALL COP HUF IDR IQD IRR KPW
 * LAK LBP MGA MMK PKR SLL SOS SYP YER, where ISO 4217 (and Stripe's API, for
 * COP HUF IDR PKR…) uses 2 (3 for IQD). Worse, CLDR changes between ICU
 * releases, and a stored amount must not change meaning when Node is upgraded.
 * For every other code the two agree (USD 2, JPY 0, KWD 3). ISO lists no minor
 * unit for the fund codes Intl offers (XDR, XSU); they get 2 like Intl gives.
 * Stripe has its own exceptions (it takes ISK and UGX as two-decimal amounts,
 * MGA as zero-decimal); converting for Stripe belongs to the Stripe adapter.
 */
const NON_TWO_DECIMAL_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Number of decimal places of a minor unit: 1 USD = 10^2 cents, 1 JPY = 10^0, 1 KWD = 10^3 fils. */
export function currencyExponent(code: string): number {
  const currency = assertCurrency(code);
  return NON_TWO_DECIMAL_EXPONENTS[currency] ?? 2;
}

const MINOR_UNITS = 'a whole number of minor units (cents)';

/**
 * Returns `value` if it is a safe integer amount of minor units, else throws a
 * ValidationError naming `path`. Negative amounts are refused unless
 * `allowNegative` (credits, proration lines); zero is allowed unless
 * `allowZero` is false.
 */
export function assertMinorAmount(path: string, value: number, options: { allowNegative?: boolean; allowZero?: boolean } = {}): number {
  const { allowNegative = false, allowZero = true } = options;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw ValidationError.single(path, `must be ${MINOR_UNITS}, got ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw ValidationError.single(path, `must be at most ${Number.MAX_SAFE_INTEGER} minor units in size, got ${describe(value)}`);
  }
  if (value < 0 && !allowNegative) throw ValidationError.single(path, `must not be negative, got ${value}`);
  if (value === 0 && !allowZero) throw ValidationError.single(path, 'must not be zero');
  return value === 0 ? 0 : value;
}

/**
 * Formats minor units for people: 123456 USD → "$1,234.56", 500 JPY → "¥500",
 * −1050 USD → "-$10.50". The amount goes to Intl as an exact decimal string,
 * never divided as a float, and always with the currency's full ISO exponent
 * (so 12345 IDR is "IDR 123.45", not rounded to CLDR's 0 decimals).
 */
export function formatMoney(amountMinor: number, currency: string, locale = 'en-US'): string {
  assertMinorAmount('amountMinor', amountMinor, { allowNegative: true });
  const code = assertCurrency(currency);
  const exponent = currencyExponent(code);
  const digits = Math.abs(amountMinor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  const decimal = `${amountMinor < 0 ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}` as Intl.StringNumericLiteral;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: code,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(decimal);
}

/** Exact sum of minor amounts; throws a ValidationError when an input or the total is not a safe integer. */
export function sumMinor(values: number[]): number {
  let total = 0n;
  values.forEach((value, i) => {
    total += BigInt(assertMinorAmount(`values.${i}`, value, { allowNegative: true }));
  });
  const result = Number(total);
  if (!Number.isSafeInteger(result)) {
    throw ValidationError.single('values', `the sum ${total} is beyond the safe integer range (±${Number.MAX_SAFE_INTEGER} minor units)`);
  }
  return result;
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value === 'string' ? `"${value}"` : String(value);
}

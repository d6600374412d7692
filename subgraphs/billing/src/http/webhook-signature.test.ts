import crypto, { createHmac } from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signWebhookPayload, verifyWebhookSignature, WebhookSignatureError, type WebhookSignatureFailure } from './webhook-signature.js';

const SECRET = 'whsec_current_0123456789abcdef';
const PREVIOUS = 'whsec_previous_fedcba9876543210';
const SENT_AT = new Date('2025-03-01T12:00:00Z');
const EVENT = { id: 'evt_1', object: 'event', type: 'invoice.paid', created: 1740830400, data: { object: { id: 'in_1', amount_paid: 4900 } }, livemode: false };
const PAYLOAD = JSON.stringify(EVENT, null, 2);

const after = (seconds: number) => new Date(SENT_AT.getTime() + seconds * 1000);
const hmac = (payload: string, secret: string, t = SENT_AT) => createHmac('sha256', secret).update(`${Math.floor(t.getTime() / 1000)}.${payload}`).digest('hex');

function failure(input: Partial<Parameters<typeof verifyWebhookSignature>[0]>): WebhookSignatureFailure | 'accepted' {
  try {
    verifyWebhookSignature({ payload: PAYLOAD, header: signWebhookPayload(PAYLOAD, SECRET, SENT_AT), secrets: [SECRET], now: SENT_AT, ...input });
    return 'accepted';
  } catch (err) {
    if (err instanceof WebhookSignatureError) return err.reason;
    throw err;
  }
}

afterEach(() => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
});

describe('signWebhookPayload', () => {
  it('produces the Stripe-Signature format: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">', () => {
    expect(signWebhookPayload(PAYLOAD, SECRET, SENT_AT)).toBe(`t=1740830400,v1=${hmac(PAYLOAD, SECRET)}`);
  });
});

describe('verifyWebhookSignature', () => {
  it('accepts a correctly signed event and returns it parsed, from a Buffer or a string', () => {
    const header = signWebhookPayload(PAYLOAD, SECRET, SENT_AT);
    const expected = { id: 'evt_1', type: 'invoice.paid', created: 1740830400, data: { object: { id: 'in_1', amount_paid: 4900 } } };
    expect(verifyWebhookSignature({ payload: Buffer.from(PAYLOAD), header, secrets: [SECRET], now: SENT_AT })).toEqual(expected);
    expect(verifyWebhookSignature({ payload: PAYLOAD, header, secrets: [SECRET], now: SENT_AT })).toEqual(expected);
  });

  it('refuses a signature made with another secret', () => {
    expect(failure({ header: signWebhookPayload(PAYLOAD, 'whsec_someone_else', SENT_AT) })).toBe('BAD_SIGNATURE');
  });

  it('refuses a body changed after signing, even by one byte of whitespace', () => {
    expect(failure({ payload: PAYLOAD.replace('4900', '9900') })).toBe('BAD_SIGNATURE');
    expect(failure({ payload: `${PAYLOAD}\n` })).toBe('BAD_SIGNATURE');
    expect(failure({ payload: JSON.stringify(EVENT) })).toBe('BAD_SIGNATURE');
  });

  it('refuses a signature whose timestamp was changed', () => {
    const header = signWebhookPayload(PAYLOAD, SECRET, SENT_AT).replace('t=1740830400', 't=1740830460');
    expect(failure({ header, now: after(60) })).toBe('BAD_SIGNATURE');
  });

  it('accepts a timestamp up to 300 s either side of the injected clock', () => {
    expect(failure({ now: after(299) })).toBe('accepted');
    expect(failure({ now: after(300) })).toBe('accepted');
    expect(failure({ now: after(-299) })).toBe('accepted');
    expect(failure({ now: after(-300) })).toBe('accepted');
  });

  it('refuses a timestamp 301 s old (a replay)', () => {
    expect(failure({ now: after(301) })).toBe('STALE_TIMESTAMP');
  });

  it('refuses a timestamp 301 s in the future', () => {
    expect(failure({ now: after(-301) })).toBe('STALE_TIMESTAMP');
  });

  it('uses the injected clock, not the system clock', () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    try {
      expect(failure({ now: after(10) })).toBe('accepted');
    } finally {
      vi.useRealTimers();
    }
  });

  it('honours a custom tolerance', () => {
    expect(failure({ now: after(61), toleranceSeconds: 60 })).toBe('STALE_TIMESTAMP');
    expect(failure({ now: after(59), toleranceSeconds: 60 })).toBe('accepted');
  });

  it('accepts when any of several v1 signatures matches, and ignores other schemes', () => {
    const t = 't=1740830400';
    const good = hmac(PAYLOAD, SECRET);
    const bad = hmac(PAYLOAD, 'whsec_other');
    expect(failure({ header: `${t},v1=${bad},v1=${good}` })).toBe('accepted');
    expect(failure({ header: `${t},v0=${bad},v1=${good},v2=whatever,x=1` })).toBe('accepted');
    expect(failure({ header: `${t},v1=${bad},v1=${bad}` })).toBe('BAD_SIGNATURE');
    // The right HMAC under another scheme does not count.
    expect(failure({ header: `${t},v0=${good}` })).toBe('MALFORMED_HEADER');
  });

  it('accepts the previous secret while it is being rotated', () => {
    const header = signWebhookPayload(PAYLOAD, PREVIOUS, SENT_AT);
    expect(failure({ header, secrets: [SECRET, PREVIOUS] })).toBe('accepted');
    expect(failure({ header, secrets: [SECRET] })).toBe('BAD_SIGNATURE');
  });

  it('refuses a missing header', () => {
    expect(failure({ header: undefined })).toBe('MISSING_HEADER');
    expect(failure({ header: '' })).toBe('MISSING_HEADER');
  });

  it.each([
    ['garbage', 'not a signature'],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['a non-numeric timestamp', `t=soon,v1=${'a'.repeat(64)}`],
    ['no v1 signature', 't=1740830400'],
    ['an empty v1 signature', 't=1740830400,v1='],
  ])('refuses a header with %s as malformed', (_name, header) => {
    expect(failure({ header })).toBe('MALFORMED_HEADER');
  });

  it('refuses a second timestamp, which could make the freshness check read another value than the HMAC covered', () => {
    // Stripe's helper signs with the last `t`: a fresh `t` put first must not pass off an old signature as new.
    const old = signWebhookPayload(PAYLOAD, SECRET, SENT_AT);
    expect(failure({ header: `t=${Math.floor(after(3600).getTime() / 1000)},${old}`, now: after(3600) })).toBe('MALFORMED_HEADER');
  });

  it.each([
    ['not JSON', 'hello'],
    ['a JSON array', '[]'],
    ['without an id', JSON.stringify({ ...EVENT, id: undefined })],
    ['with a numeric type', JSON.stringify({ ...EVENT, type: 7 })],
    ['with a string created', JSON.stringify({ ...EVENT, created: '1740830400' })],
    ['without data.object', JSON.stringify({ ...EVENT, data: {} })],
    ['with a null data.object', JSON.stringify({ ...EVENT, data: { object: null } })],
  ])('refuses a correctly signed payload %s as malformed', (_name, payload) => {
    expect(failure({ payload, header: signWebhookPayload(payload, SECRET, SENT_AT) })).toBe('MALFORMED_PAYLOAD');
  });

  it('compares signatures in constant time (crypto.timingSafeEqual)', () => {
    const timingSafeEqual = vi.spyOn(crypto, 'timingSafeEqual');
    syncBuiltinESMExports(); // the stripe package reads node:crypto's ESM named exports
    expect(failure({})).toBe('accepted');
    expect(timingSafeEqual).toHaveBeenCalled();
  });

  it('treats a missing secret as a configuration fault, not a bad request', () => {
    expect(() => failure({ secrets: [] })).toThrow('No webhook signing secret is configured');
    expect(() => failure({ secrets: ['  '] })).toThrow('No webhook signing secret is configured');
    expect(failure({ secrets: ['', SECRET] })).toBe('accepted');
  });
});

import { describe, expect, it } from 'vitest';
import { generateTotpCode, generateTotpSecret, totpUri, verifyTotp } from './totp.js';

// RFC 6238 Appendix B: the SHA-1 seed is ASCII "12345678901234567890", which is
// base32 "GEZDGNBVGY3TQOJQ" twice. The RFC lists 8-digit codes; a 6-digit code is
// the same truncated value mod 10^6, i.e. its last six digits.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const at = (unixSeconds: number) => new Date(unixSeconds * 1000);

describe('totp', () => {
  it('generates the RFC 6238 test vectors', () => {
    expect(generateTotpCode(RFC_SECRET, at(59))).toBe('287082'); // 94287082
    expect(generateTotpCode(RFC_SECRET, at(1111111109))).toBe('081804'); // 07081804
    expect(generateTotpCode(RFC_SECRET, at(1111111111))).toBe('050471'); // 14050471
    expect(generateTotpCode(RFC_SECRET, at(1234567890))).toBe('005924'); // 89005924
    expect(generateTotpCode(RFC_SECRET, at(2000000000))).toBe('279037'); // 69279037
  });

  it('accepts a code for its own step and one step either side, not beyond', () => {
    // 1234567890 = 30 * 41152263: the first second of a step.
    const t = 1234567890;
    const code = generateTotpCode(RFC_SECRET, at(t));
    expect(verifyTotp(RFC_SECRET, code, at(t))).toBe(true);
    expect(verifyTotp(RFC_SECRET, code, at(t + 29))).toBe(true);
    expect(verifyTotp(RFC_SECRET, code, at(t + 30))).toBe(true); // next step
    expect(verifyTotp(RFC_SECRET, code, at(t + 59))).toBe(true);
    expect(verifyTotp(RFC_SECRET, code, at(t - 1))).toBe(true); // previous step
    expect(verifyTotp(RFC_SECRET, code, at(t - 30))).toBe(true);
    expect(verifyTotp(RFC_SECRET, code, at(t + 60))).toBe(false); // two steps later
    expect(verifyTotp(RFC_SECRET, code, at(t - 31))).toBe(false); // two steps earlier
    expect(verifyTotp(RFC_SECRET, code, at(t + 120))).toBe(false);
  });

  it('rejects anything but exactly six ASCII digits', () => {
    const code = generateTotpCode(RFC_SECRET, at(59));
    for (const bad of ['', '28708', '2870820', ' 287082', '287082 ', '287-082', 'abcdef', '２８７０８２']) {
      expect(verifyTotp(RFC_SECRET, bad, at(59)), bad).toBe(false);
    }
    expect(verifyTotp(RFC_SECRET, code, at(59))).toBe(true);
    expect(verifyTotp(RFC_SECRET, 12345 as unknown as string, at(59))).toBe(false);
  });

  it('rejects a code made for another secret and never throws on a broken secret', () => {
    const other = generateTotpSecret();
    expect(verifyTotp(other, generateTotpCode(RFC_SECRET, at(59)), at(59))).toBe(false);
    expect(verifyTotp('not base32!', '287082', at(59))).toBe(false);
    expect(verifyTotp('', '287082', at(59))).toBe(false);
  });

  it('generates distinct 160-bit base32 secrets that round-trip', () => {
    const a = generateTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/); // 20 bytes = 160 bits = 32 base32 chars
    expect(generateTotpSecret()).not.toBe(a);
    const now = new Date();
    expect(verifyTotp(a, generateTotpCode(a, now), now)).toBe(true);
  });

  it('builds the otpauth:// enrolment URI', () => {
    expect(totpUri({ secret: RFC_SECRET, accountName: 'alice@example.com', issuer: 'B2B Ops' })).toBe(
      `otpauth://totp/B2B%20Ops:alice%40example.com?secret=${RFC_SECRET}&issuer=B2B%20Ops`,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { checkPasswordStrength, hashPassword, verifyPassword } from './password.js';

describe('hashPassword / verifyPassword', () => {
  it('hashes with argon2id at the OWASP parameters and verifies the right password only', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse batterY')).toBe(false);
  });

  it('salts each hash, so the same password hashes differently', async () => {
    expect(await hashPassword('same password!')).not.toBe(await hashPassword('same password!'));
  });

  it('returns false instead of throwing on malformed hashes', async () => {
    for (const bad of ['', 'garbage', '$argon2id$', '$argon2id$v=19$m=19456,t=2,p=1$bad$bad', '$2b$10$abcdefghijk']) {
      expect(await verifyPassword(bad, 'whatever1234')).toBe(false);
    }
    expect(await verifyPassword(undefined as unknown as string, 'whatever1234')).toBe(false);
  });
});

describe('checkPasswordStrength', () => {
  it('accepts a long, varied password unrelated to the account', () => {
    expect(checkPasswordStrength('violet-Harbor-93', ['alice@example.com', 'Alice Smith'])).toEqual({ ok: true });
  });

  it('enforces 10 to 256 characters, counting code points', () => {
    expect(checkPasswordStrength('abcde1234')).toEqual({ ok: false, reason: expect.stringContaining('at least 10') });
    expect(checkPasswordStrength('abcde12345')).toEqual({ ok: true });
    expect(checkPasswordStrength('abcde123'.repeat(32))).toEqual({ ok: true }); // 256
    expect(checkPasswordStrength('abcde123'.repeat(32) + 'x')).toEqual({ ok: false, reason: expect.stringContaining('at most 256') });
    // 9 emoji are 18 UTF-16 units but only 9 characters.
    expect(checkPasswordStrength('😀🐱🚀🌍🎉🍕🎸📚🔑').ok).toBe(false);
  });

  it('rejects passwords with fewer than 5 distinct characters', () => {
    expect(checkPasswordStrength('aaaaaaaaaaaa').ok).toBe(false);
    expect(checkPasswordStrength('abababababab').ok).toBe(false);
    expect(checkPasswordStrength('abcdabcdabcd')).toEqual({ ok: false, reason: expect.stringContaining('5 different') });
    expect(checkPasswordStrength('abcdeabcdeab')).toEqual({ ok: true });
  });

  it('rejects the built-in common passwords regardless of case', () => {
    for (const common of ['password123', 'QwertyUiop', '1234567890', 'iloveyou12']) {
      expect(checkPasswordStrength(common)).toEqual({ ok: false, reason: expect.stringContaining('commonly used') });
    }
  });

  it('rejects passwords containing an account detail of 4+ characters, case-insensitively', () => {
    const reason = expect.stringContaining('account details');
    expect(checkPasswordStrength('my-JSMITH-pass', ['jsmith'])).toEqual({ ok: false, reason });
    // The local part of an email counts, not just the whole address.
    expect(checkPasswordStrength('Alice.Wonder-99', ['alice.wonder@example.com'])).toEqual({ ok: false, reason });
    // Values under 4 characters would reject too much ("bob" is in "bobsled").
    expect(checkPasswordStrength('bobsled-race-7', ['bob'])).toEqual({ ok: true });
    expect(checkPasswordStrength('bobsled-race-7', ['  '])).toEqual({ ok: true });
  });
});

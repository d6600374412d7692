import { describe, expect, it } from 'vitest';
import { createRefreshToken, hashOpaqueToken, parseRefreshToken, safeEqual } from './refresh-tokens.js';

describe('refresh tokens', () => {
  it('creates rt_<uuid v4>.<43-char base64url secret> with the sha256 of the whole token', () => {
    const { id, token, tokenHash } = createRefreshToken();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(token).toMatch(new RegExp(`^rt_${id}\\.[A-Za-z0-9_-]{43}$`));
    expect(Buffer.from(token.split('.')[1]!, 'base64url')).toHaveLength(32);
    expect(tokenHash).toBe(hashOpaqueToken(token));
  });

  it('never repeats ids or secrets', () => {
    const tokens = Array.from({ length: 200 }, () => createRefreshToken());
    expect(new Set(tokens.map((t) => t.id)).size).toBe(200);
    expect(new Set(tokens.map((t) => t.token.split('.')[1])).size).toBe(200);
  });

  it('parses a token back to its id and the hash the store compares', () => {
    const created = createRefreshToken();
    expect(parseRefreshToken(created.token)).toEqual({ id: created.id, tokenHash: created.tokenHash });
  });

  it('returns null for malformed tokens', () => {
    const { id, token } = createRefreshToken();
    const secret = token.split('.')[1]!;
    const malformed = [
      '',
      'rt_',
      `rt_${id}`,
      `rt_${id}.`,
      `${id}.${secret}`, // no prefix
      `at_${id}.${secret}`, // wrong prefix
      `rt_${id.toUpperCase()}.${secret}`,
      `rt_${id}.${secret}x`, // secret too long
      `rt_${id}.${secret.slice(1)}`, // secret too short
      `rt_${id}.${secret.slice(1)}=`, // padding is not base64url
      `rt_${id}.${secret}\n`,
      `rt_not-a-uuid.${secret}`,
      `rt_${id}.${secret}.extra`,
    ];
    for (const bad of malformed) expect(parseRefreshToken(bad), bad).toBeNull();
    expect(parseRefreshToken(undefined as unknown as string)).toBeNull();
  });

  it('hashes opaque tokens as sha256 hex (FIPS 180-2 vector for "abc")', () => {
    expect(hashOpaqueToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('compares strings in constant time, including different lengths', () => {
    expect(safeEqual('same-value', 'same-value')).toBe(true);
    expect(safeEqual('same-value', 'same-valuE')).toBe(false);
    expect(safeEqual('short', 'a much longer string')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('', 'x')).toBe(false);
  });
});

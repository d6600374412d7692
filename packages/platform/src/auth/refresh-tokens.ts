/**
 * Opaque rotating refresh tokens, as pure helpers; the session store keeps
 * only the id and the hash. The id in the token lets the store find the row
 * by primary key; the secret is what proves possession. Because only a hash is
 * stored, a leaked database cannot be replayed as live tokens.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

// 32 random bytes encode to exactly 43 base64url characters (no padding).
const TOKEN_PATTERN = /^rt_([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\.[A-Za-z0-9_-]{43}$/;

export type RefreshToken = { id: string; token: string; tokenHash: string };

export function createRefreshToken(): RefreshToken {
  const id = randomUUID();
  const token = `rt_${id}.${randomBytes(32).toString('base64url')}`;
  return { id, token, tokenHash: hashOpaqueToken(token) };
}

/** The id to look up and the hash to compare against the stored one; null if malformed. */
export function parseRefreshToken(token: string): { id: string; tokenHash: string } | null {
  if (typeof token !== 'string') return null;
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  return { id: match[1]!, tokenHash: hashOpaqueToken(token) };
}

/**
 * SHA-256 hex of a high-entropy random token. A fast hash is right here (unlike
 * passwords): the input has 256 bits of entropy, so there is nothing to brute-force.
 */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Constant-time string equality. Both sides are hashed first so that inputs of
 * different lengths take the same time too (timingSafeEqual needs equal lengths).
 */
export function safeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}

/**
 * A subscription outlives the request that started it, so the access token's
 * lifetime bounds it: when the token expires the connection is closed, and
 * the client reconnects with a fresh token (role and membership changes take
 * effect at the next refresh, as on the HTTP path). The token was verified by
 * the authenticator before this reads its `exp`.
 */
import { decodeJwt } from 'jose';

/** Milliseconds until the bearer token in `authorization` expires; null when there is none to honour. */
export function msUntilExpiry(authorization: string | undefined, now = Date.now()): number | null {
  const token = authorization && /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (!token) return null;
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? Math.max(0, exp * 1_000 - now) : null;
  } catch {
    return null;
  }
}

/** Runs `expire` when the token expires (timers are capped by Node at ~24 days; tokens live minutes). */
export function onExpiry(authorization: string | undefined, expire: () => void): NodeJS.Timeout | null {
  const ms = msUntilExpiry(authorization);
  if (ms === null) return null;
  const timer = setTimeout(expire, Math.min(ms, 2 ** 31 - 1));
  timer.unref();
  return timer;
}

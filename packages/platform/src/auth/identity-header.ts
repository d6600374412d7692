/**
 * The internal header by which the gateway tells a subgraph who is calling.
 * The gateway signs one per subgraph fetch with a secret shared with the
 * subgraphs; a subgraph trusts no identity without it. Each header is bound to
 * one request body, lives 30 s and carries a single-use nonce, so a leaked
 * header cannot be replayed or attached to a different operation.
 *
 * Format: `v1.<base64url(JSON payload)>.<base64url(HMAC-SHA256(secret, "v1." + payload))>`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ReplayGuard } from './replay-guard.js';

export { ReplayGuard } from './replay-guard.js';

export const IDENTITY_HEADER = 'x-platform-identity';

const VERSION = 'v1';
const DEFAULT_TTL_SECONDS = 30;
const CLOCK_SKEW_SECONDS = 5;
// A real header is well under 2 KB; the cap bounds the work a garbage header costs.
const MAX_HEADER_LENGTH = 8_192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// HMAC-SHA256 wants at least 256 bits of key; a short secret is a deployment mistake.
const MIN_SECRET_LENGTH = 32;

const identitySchema = z.object({
  accountId: z.string().nullable(),
  sessionId: z.string().nullable(),
  tenantId: z.string().nullable(),
  userId: z.string().nullable(),
  role: z.string().nullable(),
  scopes: z.array(z.string()),
  authMethod: z.enum(['anonymous', 'access_token', 'api_key', 'internal']),
  requestId: z.string(),
  clientIp: z.string().nullable(),
  userAgent: z.string().nullable(),
});

export type Identity = z.infer<typeof identitySchema>;

const payloadSchema = identitySchema.extend({
  iat: z.number().int(),
  exp: z.number().int(),
  bh: z.string().min(1),
  nonce: z.string().min(16),
});

export type IdentityHeaderErrorCode =
  | 'IDENTITY_MISSING'
  | 'IDENTITY_INVALID'
  | 'IDENTITY_EXPIRED'
  | 'IDENTITY_REPLAYED'
  | 'IDENTITY_BODY_MISMATCH';

export class IdentityHeaderError extends Error {
  constructor(
    readonly code: IdentityHeaderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityHeaderError';
  }
}

/**
 * Binds a header to one GraphQL operation. Both sides compute it from parsed
 * values (the gateway from the request it is about to send, the subgraph from
 * the body it parsed), never from raw bytes: JSON.parse keeps the key order of
 * the gateway's JSON.stringify, so re-serialising gives the same string, while
 * the raw bytes may differ in whitespace or escaping. The subgraph request must
 * carry the full query text (no persisted-query hashes on this hop).
 */
export function requestBodyHash(body: {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}): string {
  const canonical = `${body.query}\n${body.operationName ?? ''}\n${JSON.stringify(body.variables ?? {})}`;
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

export function signIdentityHeader(
  identity: Identity,
  opts: { secret: string; bodyHash: string; ttlSeconds?: number; now?: Date },
): string {
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const payload = {
    ...identitySchema.parse(identity), // copies only identity fields, never extras a caller spread in
    iat,
    exp: iat + (opts.ttlSeconds ?? DEFAULT_TTL_SECONDS),
    bh: opts.bodyHash,
    nonce: randomBytes(16).toString('base64url'),
  };
  const payloadB64 = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${VERSION}.${payloadB64}.${mac(opts.secret, payloadB64).toString('base64url')}`;
}

export function verifyIdentityHeader(
  header: string | undefined,
  opts: { secret: string; bodyHash: string; replayGuard: ReplayGuard; now?: Date },
): Identity {
  // An empty value is treated like an absent header: nothing was asserted.
  if (header === undefined || header === '') throw fail('IDENTITY_MISSING', 'Identity header is missing');
  if (typeof header !== 'string' || header.length > MAX_HEADER_LENGTH) throw invalid();
  const parts = header.split('.');
  const [version, payloadB64, signatureB64] = parts;
  if (parts.length !== 3 || version !== VERSION || !payloadB64 || !signatureB64) throw invalid();
  if (!BASE64URL.test(payloadB64) || !BASE64URL.test(signatureB64)) throw invalid();

  // Signature first: nothing in an unauthenticated payload is looked at.
  const expected = mac(opts.secret, payloadB64);
  const given = Buffer.from(signatureB64, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();

  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payloadB64, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const parsed = payloadSchema.safeParse(decoded);
  if (!parsed.success) throw invalid();
  const { iat, exp, bh, nonce, ...identity } = parsed.data;

  const nowMs = (opts.now ?? new Date()).getTime();
  const nowSeconds = nowMs / 1000;
  if (nowSeconds > exp + CLOCK_SKEW_SECONDS) throw fail('IDENTITY_EXPIRED', 'Identity header has expired');
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) throw fail('IDENTITY_INVALID', 'Identity header is issued in the future');
  // Checked before the nonce is spent, so a header stolen and sent with another
  // body does not burn the nonce of the genuine request still in flight.
  if (bh !== opts.bodyHash) throw fail('IDENTITY_BODY_MISMATCH', 'Identity header was signed for a different request');
  // Remembered for as long as the header could still pass the expiry check.
  if (opts.replayGuard.seen(nonce, (exp + CLOCK_SKEW_SECONDS) * 1000, nowMs)) {
    throw fail('IDENTITY_REPLAYED', 'Identity header was already used');
  }
  return identity;
}

function mac(secret: string, payloadB64: string): Buffer {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`Identity header secret must be at least ${MIN_SECRET_LENGTH} characters`);
  return createHmac('sha256', secret).update(`${VERSION}.${payloadB64}`, 'utf8').digest();
}

function fail(code: IdentityHeaderErrorCode, message: string): IdentityHeaderError {
  return new IdentityHeaderError(code, message);
}

function invalid(): IdentityHeaderError {
  return fail('IDENTITY_INVALID', 'Identity header is malformed or its signature does not match');
}

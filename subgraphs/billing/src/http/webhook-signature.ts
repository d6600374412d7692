/**
 * Verifies Stripe-format webhook signatures (`Stripe-Signature: t=<unix
 * seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`) and parses the verified
 * event. The HMAC and its constant-time comparison are the official `stripe`
 * package's (its static webhook helper: no API key, no network). The freshness
 * check is ours: stripe's helper reads the receive time from Date.now() unless
 * told otherwise and never refuses a timestamp from the future, while we need
 * the platform's injected clock and a window on both sides.
 */
import Stripe from 'stripe';

export const WEBHOOK_SIGNATURE_HEADER = 'stripe-signature';
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

export type WebhookSignatureFailure = 'MISSING_HEADER' | 'MALFORMED_HEADER' | 'BAD_SIGNATURE' | 'STALE_TIMESTAMP' | 'MALFORMED_PAYLOAD';

/**
 * A webhook that must be refused (HTTP 400): not a DomainError, because it
 * never reaches GraphQL; the route maps it to a response.
 */
export class WebhookSignatureError extends Error {
  constructor(
    readonly reason: WebhookSignatureFailure,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

export interface VerifiedWebhookEvent {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
  data: { object: Record<string, unknown> };
}

export interface VerifyWebhookInput {
  /** The raw request body, byte for byte as received. */
  payload: Buffer | string;
  header: string | undefined;
  /** The current secret, plus the previous one while it is being rotated; any may match. */
  secrets: string[];
  now: Date;
  /** How far the signed timestamp may be from `now`, either way; default 300. */
  toleranceSeconds?: number;
}

export function verifyWebhookSignature(input: VerifyWebhookInput): VerifiedWebhookEvent {
  const tolerance = input.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  if (!(tolerance > 0)) throw new RangeError('toleranceSeconds must be positive');
  const secrets = input.secrets.filter((secret) => secret.trim() !== '');
  // A configuration fault, not a bad request: nothing could ever be verified.
  if (secrets.length === 0) throw new Error('No webhook signing secret is configured');

  const header = input.header;
  if (!header) throw new WebhookSignatureError('MISSING_HEADER', `The ${WEBHOOK_SIGNATURE_HEADER} header is missing`);
  const timestamp = signedTimestamp(header);
  const payload = typeof input.payload === 'string' ? input.payload : input.payload.toString('utf8');
  if (!secrets.some((secret) => signatureMatches(payload, header, secret))) {
    throw new WebhookSignatureError('BAD_SIGNATURE', 'No signature in the header matches the payload');
  }
  // After the signature: a stale or future timestamp is then known to be the sender's own (a replay or a skewed clock).
  const age = Math.floor(input.now.getTime() / 1000) - timestamp;
  if (Math.abs(age) > tolerance) {
    throw new WebhookSignatureError('STALE_TIMESTAMP', `The signature timestamp is ${Math.abs(age)} s ${age > 0 ? 'old' : 'in the future'} (at most ${tolerance} s allowed)`);
  }
  return parseEvent(payload);
}

/** A `Stripe-Signature` header value ("t=…,v1=…") for `payload`, as Stripe would send it; for tests and the docs. */
export function signWebhookPayload(payload: string, secret: string, timestamp: Date): string {
  const seconds = Math.floor(timestamp.getTime() / 1000);
  // Stripe's helper would quietly sign with the current time instead of 0.
  if (!(seconds > 0)) throw new RangeError('timestamp must be after 1970-01-01T00:00:01Z');
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: seconds });
}

/**
 * The header's timestamp, parsed as stripe's helper parses it (comma-separated
 * `key=value`, unknown schemes ignored), but strictly: exactly one `t` (stripe
 * signs with the last one, so a second `t` could make the freshness check read
 * another value than the HMAC covered) and at least one `v1`.
 */
function signedTimestamp(header: string): number {
  const entries = header.split(',').map((item) => {
    const at = item.indexOf('=');
    return at < 0 ? { key: item, value: '' } : { key: item.slice(0, at), value: item.slice(at + 1) };
  });
  const timestamps = entries.filter((entry) => entry.key === 't');
  const signatures = entries.filter((entry) => entry.key === 'v1' && entry.value !== '');
  const timestamp = timestamps.length === 1 && /^\d{1,12}$/.test(timestamps[0]!.value) ? Number(timestamps[0]!.value) : null;
  if (timestamp === null || signatures.length === 0) {
    throw new WebhookSignatureError('MALFORMED_HEADER', `The ${WEBHOOK_SIGNATURE_HEADER} header must be "t=<unix seconds>,v1=<signature>"`);
  }
  return timestamp;
}

function signatureMatches(payload: string, header: string, secret: string): boolean {
  try {
    // Tolerance 0 turns off stripe's own (past-only, Date.now()-based) timestamp check; ours follows.
    return Stripe.webhooks.signature!.verifyHeader(payload, header, secret, 0);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeSignatureVerificationError) return false;
    throw err;
  }
}

function parseEvent(payload: string): VerifiedWebhookEvent {
  let event: unknown;
  try {
    event = JSON.parse(payload);
  } catch {
    throw new WebhookSignatureError('MALFORMED_PAYLOAD', 'The payload is not JSON');
  }
  if (!isObject(event) || typeof event.id !== 'string' || typeof event.type !== 'string' || !Number.isInteger(event.created)) {
    throw new WebhookSignatureError('MALFORMED_PAYLOAD', 'The payload must be an event with a string id, a string type and an integer created');
  }
  if (!isObject(event.data) || !isObject(event.data.object)) {
    throw new WebhookSignatureError('MALFORMED_PAYLOAD', 'The payload must carry the event object in data.object');
  }
  return { id: event.id, type: event.type, created: event.created as number, data: { object: event.data.object } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

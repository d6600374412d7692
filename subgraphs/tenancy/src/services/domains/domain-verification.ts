// Custom domains for white-labelled tenants, proven by a DNS TXT record at
// `_b2b-ops-challenge.<domain>` holding a token we issued. Pure apart from the
// injected resolver, so the service can be tested without DNS.
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export const VERIFICATION_TOKEN_PREFIX = 'b2b-ops-verify=';
export const VERIFICATION_RECORD_PREFIX = '_b2b-ops-challenge.';

const MAX_INPUT_LENGTH = 1024;
const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
// Letters, digits and inner hyphens (RFC 1123). Underscores are legal in DNS but
// not in host names a browser will serve a page from.
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
// ASCII that may appear before IDN conversion; non-ASCII is left to domainToASCII.
// Refusing `%`, `:`, `/`, `@`, `[` and friends up front stops the WHATWG host
// parser from quietly percent-decoding or accepting a URL-ish string.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const FORBIDDEN_ASCII = /[\u0000-\u002c\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007f]/;

export type NormalizedDomain = { ok: true; domain: string } | { ok: false; message: string };

export function normalizeDomain(input: string): NormalizedDomain {
  const trimmed = input.trim();
  if (trimmed.length === 0) return { ok: false, message: 'Enter a domain name' };
  if (trimmed.length > MAX_INPUT_LENGTH) return { ok: false, message: 'Domain name is too long' };
  const withoutDot = trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
  if (isIP(withoutDot) || withoutDot.startsWith('[')) return { ok: false, message: 'IP addresses cannot be used; enter a domain name' };
  if (FORBIDDEN_ASCII.test(withoutDot)) {
    return { ok: false, message: 'Domain names may only contain letters, digits, hyphens and dots (no scheme, port or path)' };
  }

  // IDN to punycode, lower-casing and Unicode dot folding; '' means invalid
  // (bad punycode, disallowed code points, or a name ending in a number).
  const domain = domainToASCII(withoutDot);
  if (!domain) return { ok: false, message: 'Not a valid domain name' };
  if (isIP(domain)) return { ok: false, message: 'IP addresses cannot be used; enter a domain name' };
  if (domain.length > MAX_DOMAIN_LENGTH) return { ok: false, message: `Domain names may be at most ${MAX_DOMAIN_LENGTH} characters` };

  const labels = domain.split('.');
  if (labels.length < 2) return { ok: false, message: 'Enter a fully qualified domain such as app.example.com' };
  for (const label of labels) {
    if (label.length > MAX_LABEL_LENGTH) return { ok: false, message: `Each part of a domain may be at most ${MAX_LABEL_LENGTH} characters` };
    if (!LDH_LABEL.test(label)) return { ok: false, message: `"${label || '(empty)'}" is not a valid part of a domain name` };
  }
  // RFC 6761: every *.localhost name is loopback, whatever DNS says.
  if (labels.at(-1) === 'localhost') return { ok: false, message: 'localhost cannot be used as a custom domain' };
  return { ok: true, domain };
}

/** A fresh token to publish; 192 random bits, URL- and DNS-safe. */
export function createVerificationToken(): string {
  return VERIFICATION_TOKEN_PREFIX + randomBytes(24).toString('base64url');
}

/** Where the TXT record goes; `domain` is the output of normalizeDomain. */
export function verificationRecordName(domain: string): string {
  return VERIFICATION_RECORD_PREFIX + domain;
}

/** Same shape as `resolveTxt` from node:dns/promises: one string[] per record. */
export type TxtResolver = (hostname: string) => Promise<string[][]>;

// The resolver gives up by itself too, so a timed-out check does not leave a
// query retrying in the background for the libc default of ~75 s.
const systemResolver = new Resolver({ timeout: 2_000, tries: 2 });
export const systemTxtResolver: TxtResolver = (hostname) => systemResolver.resolveTxt(hostname);

export type VerificationReason = 'FOUND' | 'NOT_FOUND' | 'MISMATCH' | 'DNS_ERROR' | 'TIMEOUT';

export interface VerificationResult {
  verified: boolean;
  reason: VerificationReason;
  detail?: string;
}

export interface VerificationCheck {
  domain: string;
  token: string;
  resolver?: TxtResolver;
  timeoutMs?: number;
}

const NOT_FOUND_CODES = new Set(['ENOTFOUND', 'ENODATA']);
// c-ares reports its own give-up as ETIMEOUT; to the caller that is a timeout too.
const TIMEOUT_CODES = new Set(['ETIMEOUT']);

class CheckTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout()), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function describeRecords(records: string[]): string {
  const shown = records.slice(0, 3).map((r) => JSON.stringify(r.length > 80 ? `${r.slice(0, 77)}...` : r));
  const more = records.length > shown.length ? ` and ${records.length - shown.length} more` : '';
  return `found ${shown.join(', ')}${more}`;
}

export async function checkDomainVerification({
  domain,
  token,
  resolver = systemTxtResolver,
  timeoutMs = 5_000,
}: VerificationCheck): Promise<VerificationResult> {
  const hostname = verificationRecordName(domain);
  let records: string[][];
  try {
    records = await withTimeout(resolver(hostname), timeoutMs);
  } catch (error) {
    if (error instanceof CheckTimeout) return { verified: false, reason: 'TIMEOUT', detail: `No DNS answer for ${hostname} within ${timeoutMs} ms` };
    const code = (error as { code?: unknown })?.code;
    if (typeof code === 'string' && NOT_FOUND_CODES.has(code)) return { verified: false, reason: 'NOT_FOUND', detail: `No TXT record at ${hostname}` };
    if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return { verified: false, reason: 'TIMEOUT', detail: `DNS query for ${hostname} timed out` };
    return { verified: false, reason: 'DNS_ERROR', detail: `${typeof code === 'string' ? code : 'DNS lookup failed'}: ${(error as Error)?.message ?? String(error)}` };
  }

  // A TXT record longer than 255 bytes arrives as several strings; they are one value.
  const values = records.map((chunks) => chunks.join(''));
  if (values.length === 0) return { verified: false, reason: 'NOT_FOUND', detail: `No TXT record at ${hostname}` };
  if (values.includes(token)) return { verified: true, reason: 'FOUND' };
  return { verified: false, reason: 'MISMATCH', detail: `TXT records at ${hostname} do not contain the expected token; ${describeRecords(values)}` };
}

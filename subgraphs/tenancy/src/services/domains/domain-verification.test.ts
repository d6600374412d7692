import { describe, expect, it } from 'vitest';
import {
  checkDomainVerification,
  createVerificationToken,
  normalizeDomain,
  type TxtResolver,
  verificationRecordName,
} from './domain-verification.js';

// A DNS failure shaped like the ones node:dns/promises rejects with.
function dnsError(code: string): Error {
  return Object.assign(new Error(`queryTxt ${code} _b2b-ops-challenge.app.acme.example`), { code, syscall: 'queryTxt' });
}

function resolverFor(records: Record<string, string[][]>): TxtResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolver = async (hostname: string) => {
    asked.push(hostname);
    const found = records[hostname];
    if (!found) throw dnsError('ENOTFOUND');
    return found;
  };
  return Object.assign(resolver, { asked });
}

const DOMAIN = 'app.acme.example';
const TOKEN = 'b2b-ops-verify=Qm9vdHN0cmFwcGVkVG9rZW4xMjM0NTY3';
const RECORD = '_b2b-ops-challenge.app.acme.example';

describe('normalizeDomain', () => {
  it.each([
    ['App.Acme.Example', 'app.acme.example'],
    ['  portal.acme.com.  ', 'portal.acme.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['例え.テスト', 'xn--r8jz45g.xn--zckzah'],
    ['support。acme。com', 'support.acme.com'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
  ])('normalises %j to %s', (input, expected) => {
    expect(normalizeDomain(input)).toEqual({ ok: true, domain: expected });
  });

  it.each([
    ['empty', '   ', /Enter a domain/],
    ['IPv4', '192.168.1.10', /IP addresses/],
    ['IPv6', '::1', /IP addresses/],
    ['bracketed IPv6', '[2001:db8::1]', /IP addresses/],
    ['IPv4 in hex disguise', '0x7f.1', /IP addresses/],
    ['localhost', 'localhost', /localhost|fully qualified/],
    ['a localhost subdomain', 'tenant.localhost', /localhost/],
    ['single label', 'intranet', /fully qualified/],
    ['63+ character label', `${'a'.repeat(64)}.example`, /at most 63/],
    ['over 253 characters', `${'abcdefghi.'.repeat(25)}example`, /at most 253/],
    ['URL with scheme', 'https://acme.example', /no scheme, port or path/],
    ['port', 'acme.example:8443', /no scheme, port or path/],
    ['underscore', 'my_app.example', /only contain letters/],
    ['percent escape', 'ex%61mple.com', /only contain letters/],
    ['space', 'acme .example', /only contain letters/],
    ['wildcard', '*.acme.example', /only contain letters/],
    ['leading hyphen', '-acme.example', /not a valid part/],
    ['empty label', 'acme..example', /not a valid part/],
    ['bad punycode', 'xn--zz.example', /Not a valid domain/],
    ['numeric top-level label', 'acme.123', /Not a valid domain/],
  ])('rejects %s', (_name, input, message) => {
    const result = normalizeDomain(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('tokens and record names', () => {
  it('creates distinct url-safe prefixed tokens', () => {
    const a = createVerificationToken();
    const b = createVerificationToken();
    expect(a).toMatch(/^b2b-ops-verify=[A-Za-z0-9_-]{32}$/);
    expect(a).not.toBe(b);
  });

  it('puts the record under the challenge label', () => {
    expect(verificationRecordName(DOMAIN)).toBe(RECORD);
  });
});

describe('checkDomainVerification', () => {
  it('verifies when the exact token is published', async () => {
    const resolver = resolverFor({ [RECORD]: [['v=spf1 -all'], [TOKEN]] });
    await expect(checkDomainVerification({ domain: DOMAIN, token: TOKEN, resolver })).resolves.toEqual({ verified: true, reason: 'FOUND' });
    expect(resolver.asked).toEqual([RECORD]);
  });

  it('joins a record split into several strings', async () => {
    const resolver = resolverFor({ [RECORD]: [[TOKEN.slice(0, 20), TOKEN.slice(20)]] });
    await expect(checkDomainVerification({ domain: DOMAIN, token: TOKEN, resolver })).resolves.toMatchObject({ verified: true, reason: 'FOUND' });
  });

  it('does not accept the token spread over separate records', async () => {
    const resolver = resolverFor({ [RECORD]: [[TOKEN.slice(0, 20)], [TOKEN.slice(20)]] });
    await expect(checkDomainVerification({ domain: DOMAIN, token: TOKEN, resolver })).resolves.toMatchObject({ verified: false, reason: 'MISMATCH' });
  });

  it('reports a mismatch with what was found', async () => {
    const resolver = resolverFor({ [RECORD]: [['b2b-ops-verify=an-old-token'], [`${TOKEN} `]] });
    const result = await checkDomainVerification({ domain: DOMAIN, token: TOKEN, resolver });
    expect(result).toMatchObject({ verified: false, reason: 'MISMATCH' });
    expect(result.detail).toContain('"b2b-ops-verify=an-old-token"');
  });

  it('maps NXDOMAIN (ENOTFOUND) and an empty answer (ENODATA) to NOT_FOUND', async () => {
    const nxdomain = resolverFor({});
    await expect(checkDomainVerification({ domain: DOMAIN, token: TOKEN, resolver: nxdomain })).resolves.toMatchObject({ verified: false, reason: 'NOT_FOUND' });
    const nodata: TxtResolver = async () => {
      throw dnsError('ENODATA');
    };
    await expect(checkDomainVerification({ domain: DOMAIN, token: TOKEN, resolver: nodata })).resolves.toMatchObject({ reason: 'NOT_FOUND' });
    await expect(checkDomainVerification({ domain: DOMAIN, token: TOKEN, resolver: async () => [] })).resolves.toMatchObject({ reason: 'NOT_FOUND' });
  });

  it('maps SERVFAIL and other resolver failures to DNS_ERROR', async () => {
    const servfail: TxtResolver = async () => {
      throw dnsError('ESERVFAIL');
    };
    const result = await checkDomainVerification({ domain: DOMAIN, token: TOKEN, resolver: servfail });
    expect(result).toMatchObject({ verified: false, reason: 'DNS_ERROR' });
    expect(result.detail).toMatch(/^ESERVFAIL/);
    const refused: TxtResolver = async () => {
      throw dnsError('EREFUSED');
    };
    await expect(checkDomainVerification({ domain: DOMAIN, token: TOKEN, resolver: refused })).resolves.toMatchObject({ reason: 'DNS_ERROR' });
  });

  it('times out a resolver that never answers', async () => {
    const hanging: TxtResolver = () => new Promise(() => {});
    const started = Date.now();
    const result = await checkDomainVerification({ domain: DOMAIN, token: TOKEN, resolver: hanging, timeoutMs: 50 });
    expect(result).toMatchObject({ verified: false, reason: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('treats the resolver giving up (ETIMEOUT) as a timeout', async () => {
    const timedOut: TxtResolver = async () => {
      throw dnsError('ETIMEOUT');
    };
    await expect(checkDomainVerification({ domain: DOMAIN, token: TOKEN, resolver: timedOut })).resolves.toMatchObject({ reason: 'TIMEOUT' });
  });
});

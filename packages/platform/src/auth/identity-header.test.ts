import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type Identity,
  IdentityHeaderError,
  type IdentityHeaderErrorCode,
  ReplayGuard,
  requestBodyHash,
  signIdentityHeader,
  verifyIdentityHeader,
} from './identity-header.js';

const SECRET = 'test-secret-0123456789abcdefghijklmnop';
const OTHER_SECRET = 'other-secret-0123456789abcdefghijklmnop';
const T = new Date('2030-01-01T00:00:00Z');
const at = (offsetSeconds: number) => new Date(T.getTime() + offsetSeconds * 1000);

const identity: Identity = {
  accountId: 'acc_1',
  sessionId: 'ses_1',
  tenantId: 'ten_1',
  userId: 'usr_1',
  role: 'admin',
  scopes: ['billing:read'],
  authMethod: 'access_token',
  requestId: 'req_1',
  clientIp: '203.0.113.7',
  userAgent: 'vitest',
};
const body = { query: 'query Me { me { id } }', operationName: 'Me', variables: { first: 10, tenant: 't1' } };
const bodyHash = requestBodyHash(body);

const sign = (now = T, secret = SECRET) => signIdentityHeader(identity, { secret, bodyHash, now });
const verify = (header: string | undefined, opts: { now?: Date; guard?: ReplayGuard; bodyHash?: string } = {}) =>
  verifyIdentityHeader(header, {
    secret: SECRET,
    bodyHash: opts.bodyHash ?? bodyHash,
    replayGuard: opts.guard ?? new ReplayGuard(),
    now: opts.now ?? T,
  });

function expectCode(run: () => unknown, code: IdentityHeaderErrorCode) {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(IdentityHeaderError);
  expect(thrown).toMatchObject({ code });
}

// Builds a correctly signed header around an arbitrary payload string.
const signedRaw = (payloadJson: string) => {
  const payloadB64 = Buffer.from(payloadJson).toString('base64url');
  return `v1.${payloadB64}.${createHmac('sha256', SECRET).update(`v1.${payloadB64}`).digest('base64url')}`;
};
const decodePayload = (header: string) => JSON.parse(Buffer.from(header.split('.')[1]!, 'base64url').toString());

describe('requestBodyHash', () => {
  it('is sha256 base64url of query, operation name and variables joined by newlines', () => {
    // echo -n 'query Me { me { id } }\nMe\n{"first":10,"tenant":"t1"}' | sha256sum, as base64url
    expect(bodyHash).toBe('SrYYXy0sC1ZzRTwy-lSi4RhTUnWAMv2v2FyTxO0houg');
    // echo -n '{ a }\n\n{}' | sha256sum = 3afa825c…
    expect(requestBodyHash({ query: '{ a }' })).toBe('OvqCXNM9lxDY72Xfs_aSf3v6QuBlbBFOUqIR2FQfqP8');
    expect(requestBodyHash({ query: '{ a }', variables: null, operationName: null })).toBe(requestBodyHash({ query: '{ a }' }));
  });

  it('survives the JSON round trip to the subgraph but changes with any value', () => {
    expect(requestBodyHash(JSON.parse(JSON.stringify(body)))).toBe(bodyHash);
    expect(requestBodyHash({ ...body, variables: { first: 11, tenant: 't1' } })).not.toBe(bodyHash);
    expect(requestBodyHash({ ...body, operationName: 'Other' })).not.toBe(bodyHash);
  });
});

describe('identity header', () => {
  it('round-trips the identity and carries iat, exp (+30 s), body hash and a nonce', () => {
    const header = sign();
    expect(header).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const payload = decodePayload(header);
    const iat = T.getTime() / 1000;
    expect(payload).toMatchObject({ iat, exp: iat + 30, bh: bodyHash });
    expect(Buffer.from(payload.nonce, 'base64url')).toHaveLength(16);
    expect(verify(header)).toEqual(identity);
  });

  it('signs only the identity fields, not extras a caller spreads in', () => {
    const header = signIdentityHeader({ ...identity, password: 'x' } as Identity, { secret: SECRET, bodyHash, now: T });
    expect(decodePayload(header)).not.toHaveProperty('password');
    expect(verify(header)).toEqual(identity);
  });

  it('rejects a payload edited after signing', () => {
    const [, , signature] = sign().split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodePayload(sign()), role: 'owner' })).toString('base64url');
    expectCode(() => verify(`v1.${forged}.${signature}`), 'IDENTITY_INVALID');
  });

  it('rejects a forged signature and one made with another secret', () => {
    const [, payload] = sign().split('.');
    const forgedSig = createHmac('sha256', 'guess').update(`v1.${payload}`).digest('base64url');
    expectCode(() => verify(`v1.${payload}.${forgedSig}`), 'IDENTITY_INVALID');
    expectCode(() => verify(sign(T, OTHER_SECRET)), 'IDENTITY_INVALID');
  });

  it('expires 30 s after signing, with 5 s of clock skew', () => {
    expect(verify(sign(), { now: at(35) })).toEqual(identity);
    expectCode(() => verify(sign(), { now: at(36) }), 'IDENTITY_EXPIRED');
    const longLived = signIdentityHeader(identity, { secret: SECRET, bodyHash, now: T, ttlSeconds: 60 });
    expect(verify(longLived, { now: at(65) })).toEqual(identity);
  });

  it('rejects a header issued more than 5 s in the future', () => {
    expect(verify(sign(at(5)))).toEqual(identity);
    expectCode(() => verify(sign(at(6))), 'IDENTITY_INVALID');
  });

  it('accepts a header once and rejects the replay', () => {
    const guard = new ReplayGuard();
    const header = sign();
    expect(verify(header, { guard })).toEqual(identity);
    expectCode(() => verify(header, { guard, now: at(1) }), 'IDENTITY_REPLAYED');
    // Another header for the same request has its own nonce.
    expect(verify(sign(), { guard })).toEqual(identity);
  });

  it('rejects a header reused with a different body, without spending its nonce', () => {
    const guard = new ReplayGuard();
    const header = sign();
    const otherBody = requestBodyHash({ ...body, query: 'mutation { deleteTenant(id: "t1") }' });
    expectCode(() => verify(header, { guard, bodyHash: otherBody }), 'IDENTITY_BODY_MISMATCH');
    expect(verify(header, { guard })).toEqual(identity);
  });

  it('reports a missing header', () => {
    expectCode(() => verify(undefined), 'IDENTITY_MISSING');
    expectCode(() => verify(''), 'IDENTITY_MISSING');
  });

  it('rejects malformed headers', () => {
    const [, payload, signature] = sign().split('.');
    const malformed = [
      'v1.',
      'v1..',
      'v1',
      'garbage',
      '%%%.$$$.^^^',
      `v2.${payload}.${signature}`,
      `v1.${payload}`,
      `v1.${payload}.${signature}.x`,
      `v1.${payload}.${signature}=`,
      `v1.${payload}.${signature!.slice(0, 20)}`,
      `v1.${payload}.${signature}`.padEnd(10_000, 'A'),
      signedRaw('not json'),
      signedRaw('null'),
      signedRaw('[]'),
      signedRaw(JSON.stringify({ ...decodePayload(sign()), authMethod: 'root' })),
      signedRaw(JSON.stringify({ ...decodePayload(sign()), scopes: 'all' })),
      signedRaw(JSON.stringify({ ...decodePayload(sign()), exp: undefined })),
    ];
    for (const header of malformed) expectCode(() => verify(header), 'IDENTITY_INVALID');
  });

  it('refuses to sign or verify with a secret shorter than 32 characters', () => {
    expect(() => signIdentityHeader(identity, { secret: 'short', bodyHash })).toThrow(/at least 32/);
    const replayGuard = new ReplayGuard();
    expect(() => verifyIdentityHeader(sign(), { secret: 'short', bodyHash, replayGuard, now: T })).toThrow(/at least 32/);
  });
});

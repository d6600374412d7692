import { decodeJwt, decodeProtectedHeader, importPKCS8, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AccessTokenClaims,
  AuthTokenError,
  createAccessTokenIssuer,
  createAccessTokenVerifier,
  generateSigningKeys,
} from './access-tokens.js';

const claims: AccessTokenClaims = {
  accountId: 'acc_1',
  sessionId: 'ses_1',
  tenantId: 'ten_1',
  userId: 'usr_1',
  role: 'admin',
  scopes: ['billing:read', 'tenancy:write'],
};

let keys: { privateKeyPem: string; publicKeyPem: string };
let otherKeys: { privateKeyPem: string; publicKeyPem: string };
beforeAll(async () => {
  keys = await generateSigningKeys();
  otherKeys = await generateSigningKeys();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function expectRejected(token: string, code: 'TOKEN_EXPIRED' | 'TOKEN_INVALID') {
  const verifier = createAccessTokenVerifier({ publicKeyPem: keys.publicKeyPem });
  const error = await verifier.verify(token).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AuthTokenError);
  expect(error).toMatchObject({ code });
}

describe('access tokens', () => {
  it('generates Ed25519 keys as PKCS8 / SPKI PEM', () => {
    expect(keys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(keys.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('round-trips the claims and sets the registered JWT claims', async () => {
    const now = new Date();
    const { token, expiresAt } = await createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem }).issue(claims, now);
    const iat = Math.floor(now.getTime() / 1000);
    expect(expiresAt).toEqual(new Date((iat + 900) * 1000));

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'at+jwt' });
    const raw = decodeJwt(token);
    expect(raw).toMatchObject({ sub: 'acc_1', sid: 'ses_1', tid: 'ten_1', uid: 'usr_1', role: 'admin' });
    expect(raw).toMatchObject({ iss: 'b2b-ops-platform', aud: 'b2b-ops-gateway', iat, exp: iat + 900 });
    expect(raw.jti).toMatch(/^[0-9a-f-]{36}$/);

    const verified = await createAccessTokenVerifier({ publicKeyPem: keys.publicKeyPem }).verify(token);
    expect(verified).toEqual({ ...claims, expiresAt });
  });

  it('keeps null tenant, user and role (an account not yet inside a tenant)', async () => {
    const bare = { ...claims, tenantId: null, userId: null, role: null, scopes: [] };
    const { token } = await createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem }).issue(bare);
    const verified = await createAccessTokenVerifier({ publicKeyPem: keys.publicKeyPem }).verify(token);
    expect(verified).toMatchObject(bare);
  });

  it('gives each token a fresh jti', async () => {
    const issuer = createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem });
    const now = new Date();
    const [a, b] = await Promise.all([issuer.issue(claims, now), issuer.issue(claims, now)]);
    expect(decodeJwt(a.token).jti).not.toBe(decodeJwt(b.token).jti);
  });

  it('rejects an expired token as TOKEN_EXPIRED, allowing 5 s of clock skew', async () => {
    const issuer = createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem, ttlSeconds: 60 });
    const verifier = createAccessTokenVerifier({ publicKeyPem: keys.publicKeyPem });
    // Expired ~2 s ago: inside the tolerance.
    const justExpired = await issuer.issue(claims, new Date(Date.now() - 62_000));
    await expect(verifier.verify(justExpired.token)).resolves.toMatchObject({ accountId: 'acc_1' });
    // Expired ~20 s ago.
    const expired = await issuer.issue(claims, new Date(Date.now() - 80_000));
    await expectRejected(expired.token, 'TOKEN_EXPIRED');
  });

  it('rejects a token whose payload was tampered with', async () => {
    const { token } = await createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem }).issue(claims);
    const [header, payload, signature] = token.split('.');
    const forged = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'owner' };
    await expectRejected(`${header}.${b64(forged)}.${signature}`, 'TOKEN_INVALID');
  });

  it('rejects a token signed by another key', async () => {
    const { token } = await createAccessTokenIssuer({ privateKeyPem: otherKeys.privateKeyPem }).issue(claims);
    await expectRejected(token, 'TOKEN_INVALID');
  });

  it('rejects alg none and HS256 signed with the public key as the secret', async () => {
    const { token } = await createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem }).issue(claims);
    const payload = token.split('.')[1];
    await expectRejected(`${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`, 'TOKEN_INVALID');

    const hs256 = await new SignJWT(decodeJwt(token))
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .sign(new TextEncoder().encode(keys.publicKeyPem));
    await expectRejected(hs256, 'TOKEN_INVALID');
  });

  it('rejects a wrong audience or issuer', async () => {
    const wrongAud = await createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem, audience: 'someone-else' }).issue(claims);
    await expectRejected(wrongAud.token, 'TOKEN_INVALID');
    const wrongIss = await createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem, issuer: 'evil' }).issue(claims);
    await expectRejected(wrongIss.token, 'TOKEN_INVALID');
  });

  it('rejects a correctly signed JWT that is not an access token or lacks our claims', async () => {
    const privateKey = await importPKCS8(keys.privateKeyPem, 'EdDSA');
    const base = () =>
      new SignJWT({ sid: 's', tid: null, uid: null, role: null, scp: [] })
        .setSubject('acc_1')
        .setIssuer('b2b-ops-platform')
        .setAudience('b2b-ops-gateway')
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti('j');
    await expectRejected(await base().setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' }).sign(privateKey), 'TOKEN_INVALID');
    const noScopes = await new SignJWT({ sid: 's', tid: null, uid: null, role: null })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
      .setSubject('acc_1')
      .setIssuer('b2b-ops-platform')
      .setAudience('b2b-ops-gateway')
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('j')
      .sign(privateKey);
    await expectRejected(noScopes, 'TOKEN_INVALID');
  });

  it('rejects malformed tokens', async () => {
    for (const junk of ['', 'abc', 'a.b.c', 'a.b', '..', `${b64({ alg: 'EdDSA' })}.!!.x`]) {
      await expectRejected(junk, 'TOKEN_INVALID');
    }
  });
});

/**
 * Short-lived access tokens: JWTs signed by the platform with Ed25519 (EdDSA).
 * The auth service issues them; the gateway verifies them with the public key
 * alone, so only the issuer ever holds the private key.
 */
import { randomUUID } from 'node:crypto';
import { errors, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { DomainError } from '../errors.js';

export type AccessTokenClaims = {
  accountId: string;
  sessionId: string;
  tenantId: string | null;
  userId: string | null;
  role: string | null;
  scopes: string[];
};

export type VerifiedAccessToken = AccessTokenClaims & { expiresAt: Date };

export type AuthTokenErrorCode = 'TOKEN_EXPIRED' | 'TOKEN_INVALID';

export class AuthTokenError extends DomainError {
  declare readonly code: AuthTokenErrorCode;
  constructor(code: AuthTokenErrorCode, message: string) {
    super(code, message);
  }
}

const ALG = 'EdDSA';
// RFC 9068 media type: stops any other JWT the platform might sign with this key
// (an ID token, say) from being accepted as an access token.
const TYP = 'at+jwt';
const CLOCK_TOLERANCE_SECONDS = 5;
const DEFAULT_ISSUER = 'b2b-ops-platform';
const DEFAULT_AUDIENCE = 'b2b-ops-gateway';

export async function generateSigningKeys(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  return { privateKeyPem: await exportPKCS8(privateKey), publicKeyPem: await exportSPKI(publicKey) };
}

export type AccessTokenIssuerOptions = { privateKeyPem: string; issuer?: string; audience?: string; ttlSeconds?: number };

export function createAccessTokenIssuer(options: AccessTokenIssuerOptions) {
  const { issuer = DEFAULT_ISSUER, audience = DEFAULT_AUDIENCE, ttlSeconds = 900 } = options;
  // Imported once, up front; a bad PEM surfaces at the first issue() call.
  const key = importPKCS8(options.privateKeyPem, ALG);
  key.catch(() => {}); // the rejection is reported by issue(), not as an unhandled one
  return {
    async issue(claims: AccessTokenClaims, now: Date = new Date()): Promise<{ token: string; expiresAt: Date }> {
      const iat = Math.floor(now.getTime() / 1000);
      const exp = iat + ttlSeconds;
      const token = await new SignJWT({
        sid: claims.sessionId,
        tid: claims.tenantId,
        uid: claims.userId,
        role: claims.role,
        scp: claims.scopes,
      })
        .setProtectedHeader({ alg: ALG, typ: TYP })
        .setSubject(claims.accountId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(randomUUID())
        .sign(await key);
      return { token, expiresAt: new Date(exp * 1000) };
    },
  };
}

const payloadSchema = z.object({
  sub: z.string().min(1),
  sid: z.string().min(1),
  tid: z.string().nullable(),
  uid: z.string().nullable(),
  role: z.string().nullable(),
  scp: z.array(z.string()),
  exp: z.number(),
});

export type AccessTokenVerifierOptions = { publicKeyPem: string; issuer?: string; audience?: string };

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions) {
  const { issuer = DEFAULT_ISSUER, audience = DEFAULT_AUDIENCE } = options;
  const key = importSPKI(options.publicKeyPem, ALG);
  key.catch(() => {});
  return {
    async verify(token: string): Promise<VerifiedAccessToken> {
      // Outside the try: a broken public key is a configuration error, not a bad token.
      const publicKey = await key;
      let payload: unknown;
      try {
        // `algorithms` pins EdDSA: `alg: none` and HS256 (signed with the public
        // key as an HMAC secret, the classic confusion attack) are refused.
        ({ payload } = await jwtVerify(token, publicKey, {
          algorithms: [ALG],
          typ: TYP,
          issuer,
          audience,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp', 'iat', 'jti'],
        }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new AuthTokenError('TOKEN_EXPIRED', 'Access token has expired');
        throw new AuthTokenError('TOKEN_INVALID', 'Access token is invalid');
      }
      const parsed = payloadSchema.safeParse(payload);
      if (!parsed.success) throw new AuthTokenError('TOKEN_INVALID', 'Access token claims are malformed');
      const { sub, sid, tid, uid, role, scp, exp } = parsed.data;
      return {
        accountId: sub,
        sessionId: sid,
        tenantId: tid,
        userId: uid,
        role,
        scopes: scp,
        expiresAt: new Date(exp * 1000),
      };
    },
  };
}

export type AccessTokenIssuer = ReturnType<typeof createAccessTokenIssuer>;
export type AccessTokenVerifier = ReturnType<typeof createAccessTokenVerifier>;

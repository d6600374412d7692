/**
 * TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s steps), the profile every
 * authenticator app supports. Uses otplib v13's functional, synchronous API
 * (its default crypto plugin, @noble/hashes, computes HMACs synchronously).
 */
import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';

const PERIOD_SECONDS = 30;
const CODE_PATTERN = /^\d{6}$/;

/** A 20-byte (160-bit) secret as base32, the RFC 4226 recommended length. */
export function generateTotpSecret(): string {
  return generateSecret();
}

/** otpauth:// URI for the enrolment QR code. */
export function totpUri({ secret, accountName, issuer }: { secret: string; accountName: string; issuer: string }): string {
  return generateURI({ issuer, label: accountName, secret });
}

/**
 * Accepts the code of the current step and of one step either side, for clock
 * drift and for codes typed just as they roll over. False for anything that is
 * not exactly six digits and for unusable secrets, never an exception.
 *
 * This does not stop the same code being used twice within its window: the
 * caller should store the last accepted step per account if that matters.
 */
export function verifyTotp(secret: string, code: string, now: Date = new Date()): boolean {
  if (typeof code !== 'string' || !CODE_PATTERN.test(code)) return false;
  try {
    return verifySync({ secret, token: code, epoch: epochSeconds(now), epochTolerance: PERIOD_SECONDS }).valid;
  } catch {
    return false;
  }
}

export function generateTotpCode(secret: string, now: Date = new Date()): string {
  return generateSync({ secret, epoch: epochSeconds(now) });
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

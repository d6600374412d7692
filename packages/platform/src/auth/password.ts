/**
 * Password storage and the password policy for platform accounts. Hashes are
 * self-describing PHC strings, so stronger parameters can be introduced later
 * and old hashes still verify.
 */
import { type Algorithm, hash, verify } from '@node-rs/argon2';

// `Algorithm` is an ambient const enum: isolatedModules cannot inline it and the
// native binding exports it as an empty object, so Argon2id (member 2) is written out.
const ARGON2ID = 2 as Algorithm;

// OWASP Password Storage Cheat Sheet, argon2id minimum: m=19 MiB, t=2, p=1.
const HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

const MIN_LENGTH = 10;
// The cap bounds hashing work an attacker can demand per login attempt.
const MAX_LENGTH = 256;
const MIN_DISTINCT_CHARS = 5;
const MIN_CONTEXT_LENGTH = 4;

// The most common leaked passwords that survive the length rule; compared lowercased.
// Deliberately short: a big list belongs in a breach-corpus check, not in code.
const COMMON_PASSWORDS = new Set([
  'password123',
  'password1234',
  'password12',
  'password!1',
  'passw0rd123',
  'p@ssw0rd123',
  'qwertyuiop',
  'qwerty1234',
  'qwerty12345',
  'qwerty123456',
  '1234567890',
  '12345678910',
  '123456789a',
  'a123456789',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'qazwsxedcrfv',
  'zxcvbnm123',
  'asdfghjkl1',
  'iloveyou12',
  'iloveyou123',
  'letmein123',
  'welcome123',
  'admin12345',
  'administrator',
  'changeme123',
  'football123',
  'baseball123',
  'sunshine12',
  'princess12',
  'dragon1234',
  'monkey1234',
  'starwars12',
  'superman12',
]);

export type PasswordStrength = { ok: true } | { ok: false; reason: string };

export function hashPassword(plain: string): Promise<string> {
  return hash(plain, HASH_OPTIONS);
}

/** False for a wrong password and for anything that is not a parseable hash. */
export async function verifyPassword(passwordHash: string, plain: string): Promise<boolean> {
  if (typeof passwordHash !== 'string' || !passwordHash.startsWith('$argon2')) return false;
  try {
    return await verify(passwordHash, plain);
  } catch {
    return false;
  }
}

/**
 * `context` holds values personal to the account (email local part, name,
 * tenant name); a password containing one of them is the first thing guessed.
 */
export function checkPasswordStrength(plain: string, context: string[] = []): PasswordStrength {
  // Code points, not UTF-16 units, so an emoji counts as one character.
  const chars = [...plain];
  if (chars.length < MIN_LENGTH) return fail(`Password must be at least ${MIN_LENGTH} characters long.`);
  if (chars.length > MAX_LENGTH) return fail(`Password must be at most ${MAX_LENGTH} characters long.`);
  if (new Set(chars).size < MIN_DISTINCT_CHARS) {
    return fail(`Password must use at least ${MIN_DISTINCT_CHARS} different characters.`);
  }
  const lower = plain.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return fail('Password is one of the most commonly used passwords.');
  for (const value of contextValues(context)) {
    if (lower.includes(value)) return fail('Password must not contain your name, email or other account details.');
  }
  return { ok: true };
}

function contextValues(context: string[]): string[] {
  const values: string[] = [];
  for (const raw of context) {
    const value = raw.trim().toLowerCase();
    // A whole email address is rarely inside a password; its local part often is.
    const at = value.indexOf('@');
    if (at > 0) values.push(value.slice(0, at));
    values.push(value);
  }
  return values.filter((v) => [...v].length >= MIN_CONTEXT_LENGTH);
}

function fail(reason: string): PasswordStrength {
  return { ok: false, reason };
}

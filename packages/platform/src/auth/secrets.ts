/**
 * Secrets for the embedded development mode only, so `pnpm start` works with no
 * configuration: generated on first run and kept in the data directory, so
 * sessions and signed tokens survive restarts. Deployed environments take
 * their secrets from the environment instead.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { generateSigningKeys } from './access-tokens.js';

const devSecretsSchema = z.object({
  internalSecret: z.string().min(32),
  jwtPrivateKeyPem: z.string().startsWith('-----BEGIN PRIVATE KEY-----'),
  jwtPublicKeyPem: z.string().startsWith('-----BEGIN PUBLIC KEY-----'),
});

export type DevSecrets = z.infer<typeof devSecretsSchema>;

const FILE_NAME = 'secrets.json';
const FILE_MODE = 0o600;

export async function loadOrCreateDevSecrets(dir: string): Promise<DevSecrets> {
  const path = join(dir, FILE_NAME);
  const existing = await readSecrets(path);
  if (existing) return existing;

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keys = await generateSigningKeys();
  const secrets: DevSecrets = {
    internalSecret: randomBytes(32).toString('base64url'),
    jwtPrivateKeyPem: keys.privateKeyPem,
    jwtPublicKeyPem: keys.publicKeyPem,
  };
  // Written to a temporary file, then hard-linked into place: link() never
  // overwrites and publishes complete content at once, so when two processes
  // start together the first one's secrets win and the other reads them whole.
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(secrets, null, 2)}\n`, { mode: FILE_MODE, flag: 'wx' });
  try {
    await link(temporary, path);
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
    const winner = await readSecrets(path);
    if (winner) return winner;
    throw error;
  } finally {
    await unlink(temporary);
  }
  return secrets;
}

/** The stored secrets, or null if the file does not exist yet. A corrupt file is an error, not a reason to regenerate. */
async function readSecrets(path: string): Promise<DevSecrets | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
  let parsed: ReturnType<typeof devSecretsSchema.safeParse>;
  try {
    parsed = devSecretsSchema.safeParse(JSON.parse(text));
  } catch {
    throw new Error(`${path} is not valid JSON; delete it to generate new development secrets`);
  }
  if (!parsed.success) throw new Error(`${path} is incomplete; delete it to generate new development secrets`);
  // A copied or restored file may have lost its mode; the key in it should stay owner-only.
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, FILE_MODE);
  return parsed.data;
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

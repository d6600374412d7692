import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccessTokenIssuer, createAccessTokenVerifier } from './access-tokens.js';
import { loadOrCreateDevSecrets } from './secrets.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dev-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadOrCreateDevSecrets', () => {
  it('creates secrets.json readable by the owner only, with a 32-byte secret and an Ed25519 key pair', async () => {
    const secrets = await loadOrCreateDevSecrets(dir);
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(Buffer.from(secrets.internalSecret, 'base64url')).toHaveLength(32);

    const { token } = await createAccessTokenIssuer({ privateKeyPem: secrets.jwtPrivateKeyPem }).issue({
      accountId: 'acc_1',
      sessionId: 'ses_1',
      tenantId: null,
      userId: null,
      role: null,
      scopes: [],
    });
    const verifier = createAccessTokenVerifier({ publicKeyPem: secrets.jwtPublicKeyPem });
    await expect(verifier.verify(token)).resolves.toMatchObject({ accountId: 'acc_1' });
  });

  it('returns the same secrets on the second call', async () => {
    const first = await loadOrCreateDevSecrets(dir);
    expect(await loadOrCreateDevSecrets(dir)).toEqual(first);
  });

  it('creates the directory when it does not exist yet', async () => {
    const nested = join(dir, 'data', 'dev');
    const first = await loadOrCreateDevSecrets(nested);
    expect(await loadOrCreateDevSecrets(nested)).toEqual(first);
  });

  it('agrees on one set of secrets when two callers start at once', async () => {
    const [a, b] = await Promise.all([loadOrCreateDevSecrets(dir), loadOrCreateDevSecrets(dir)]);
    expect(a).toEqual(b);
  });

  it('tightens a too-open file back to 0600', async () => {
    await loadOrCreateDevSecrets(dir);
    await chmod(join(dir, 'secrets.json'), 0o644);
    await loadOrCreateDevSecrets(dir);
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a corrupt file instead of silently replacing it', async () => {
    await writeFile(join(dir, 'secrets.json'), '{ not json', { mode: 0o600 });
    await expect(loadOrCreateDevSecrets(dir)).rejects.toThrow(/not valid JSON/);
    await writeFile(join(dir, 'secrets.json'), JSON.stringify({ internalSecret: 'x' }), { mode: 0o600 });
    await expect(loadOrCreateDevSecrets(dir)).rejects.toThrow(/incomplete/);
  });
});

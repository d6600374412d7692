/**
 * Start-up configuration of the gateway: command-line flags over environment
 * variables, a bad value named in the error, and no production start without
 * real secrets.
 */
import { EnvError, generateSigningKeys } from '@platform/core';
import { describe, expect, it } from 'vitest';
import { resolveSecrets } from './platform.js';
import { loadGatewaySettings } from './settings.js';

async function rejection(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

function thrown(work: () => unknown): Error {
  try {
    work();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('gateway settings', () => {
  it('flags set the port and mode', () => {
    const settings = loadGatewaySettings(['--port', '4321', '--mode', 'distributed'], {});
    expect(settings.PORT).toBe(4321);
    expect(settings.GATEWAY_MODE).toBe('distributed');
  });

  it('flags win over environment variables, which win over defaults', () => {
    expect(loadGatewaySettings(['--port', '4321'], { PORT: '5000', GATEWAY_MODE: 'distributed' })).toMatchObject({ PORT: 4321, GATEWAY_MODE: 'distributed' });
    expect(loadGatewaySettings([], { PORT: '5000' }).PORT).toBe(5000);
    expect(loadGatewaySettings([], {})).toMatchObject({ PORT: 4000, GATEWAY_MODE: 'embedded' });
  });

  it.each(['not-a-port', '70000', '-1'])('PORT=%s stops start-up with an EnvError naming PORT', (port) => {
    const err = thrown(() => loadGatewaySettings([], { PORT: port }));
    expect(err).toBeInstanceOf(EnvError);
    expect(err.message).toMatch(/\bPORT\b/);
    expect(err.message).not.toMatch(/GATEWAY_MODE|BODY_LIMIT_BYTES/);
  });

  it('a bad flag value is reported like a bad variable', () => {
    const err = thrown(() => loadGatewaySettings(['--mode', 'sideways'], {}));
    expect(err).toBeInstanceOf(EnvError);
    expect(err.message).toMatch(/\bGATEWAY_MODE\b/);
  });

  it('an unknown flag is refused', () => {
    expect(() => loadGatewaySettings(['--prot', '4321'], {})).toThrow(/prot/);
  });
});

describe('secrets in production', () => {
  it('embedded mode without secrets refuses to start, naming INTERNAL_SECRET, JWT_PUBLIC_KEY and JWT_PRIVATE_KEY', async () => {
    const err = await rejection(resolveSecrets(loadGatewaySettings([], { NODE_ENV: 'production' })));
    expect(err).toBeInstanceOf(EnvError);
    for (const name of ['INTERNAL_SECRET', 'JWT_PUBLIC_KEY', 'JWT_PRIVATE_KEY']) expect(err.message).toContain(name);
  });

  it('names only what is missing', async () => {
    const err = await rejection(resolveSecrets(loadGatewaySettings([], { NODE_ENV: 'production', INTERNAL_SECRET: 'x'.repeat(48) })));
    expect(err).toBeInstanceOf(EnvError);
    expect(err.message).not.toContain('INTERNAL_SECRET');
    expect(err.message).toContain('JWT_PUBLIC_KEY');
    expect(err.message).toContain('JWT_PRIVATE_KEY');
  });

  it('a distributed gateway only verifies tokens, so it does not ask for the private key', async () => {
    const err = await rejection(resolveSecrets(loadGatewaySettings(['--mode', 'distributed'], { NODE_ENV: 'production' })));
    expect(err).toBeInstanceOf(EnvError);
    expect(err.message).toContain('INTERNAL_SECRET');
    expect(err.message).toContain('JWT_PUBLIC_KEY');
    expect(err.message).not.toContain('JWT_PRIVATE_KEY');
  });

  it('with every secret set, production uses them as given', async () => {
    const keys = await generateSigningKeys();
    const internalSecret = 'y'.repeat(48);
    const settings = loadGatewaySettings([], {
      NODE_ENV: 'production',
      INTERNAL_SECRET: internalSecret,
      JWT_PUBLIC_KEY: keys.publicKeyPem,
      JWT_PRIVATE_KEY: keys.privateKeyPem,
    });
    expect(await resolveSecrets(settings)).toEqual({ internalSecret, jwtPublicKeyPem: keys.publicKeyPem, jwtPrivateKeyPem: keys.privateKeyPem });
  });
});

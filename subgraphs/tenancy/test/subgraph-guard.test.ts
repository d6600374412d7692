/**
 * The tenancy subgraph served on its own over HTTP (distributed mode) trusts
 * no caller without a fresh identity header signed by the gateway and bound to
 * the request body — `_service` and `_entities` included.
 */
import {
  createAccessTokenIssuer,
  createLogger,
  type Identity,
  IDENTITY_HEADER,
  listenSubgraph,
  requestBodyHash,
  signIdentityHeader,
  startSubgraphRuntime,
} from '@platform/core';
import { type DatabaseHandle, openDatabase } from '@platform/db';
import { tenancySubgraph } from '@platform/tenancy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Imported by path: @platform/gateway is not a dependency of the tenancy package.
import { type Secrets, testSecrets } from '../../../gateway/src/platform.js';

let database: DatabaseHandle;
let app: Awaited<ReturnType<typeof listenSubgraph>>['app'];
let url: string;
let secrets: Secrets;

beforeAll(async () => {
  secrets = await testSecrets();
  const logger = createLogger('test', 'silent');
  database = await openDatabase({});
  const runtime = await startSubgraphRuntime(
    tenancySubgraph({
      db: database.db,
      tokens: createAccessTokenIssuer({ privateKeyPem: secrets.jwtPrivateKeyPem }),
      txtResolver: async (host) => {
        throw Object.assign(new Error(`queryTxt ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      },
      publicOrigin: 'http://localhost:4000',
    }),
    { internalSecret: secrets.internalSecret, logger },
  );
  ({ app, url } = await listenSubgraph(runtime, { port: 0, logger }));
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

const SERVICE = '{ _service { sdl } }';
const ENTITIES = `{ _entities(representations: [{ __typename: "Tenant", id: "${crypto.randomUUID()}" }]) { __typename ... on Tenant { id name } } }`;

function anonymous(): Identity {
  return { accountId: null, sessionId: null, tenantId: null, userId: null, role: null, scopes: [], authMethod: 'anonymous', requestId: crypto.randomUUID(), clientIp: null, userAgent: null };
}

function header(query: string, secret = secrets.internalSecret, identity = anonymous()): string {
  return signIdentityHeader(identity, { secret, bodyHash: requestBodyHash({ query }) });
}

async function send(query: string, identityHeader?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(identityHeader === undefined ? {} : { [IDENTITY_HEADER]: identityHeader }) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, data: body.data, code: body.errors?.[0]?.extensions?.code };
}

describe('identity header guard of a subgraph served over HTTP', () => {
  it.each([
    ['_service', SERVICE],
    ['_entities', ENTITIES],
  ])('%s without the identity header is refused with 401 IDENTITY_MISSING', async (_field, query) => {
    const r = await send(query);
    expect(r).toMatchObject({ status: 401, code: 'IDENTITY_MISSING' });
    expect(r.data ?? null).toBeNull();
  });

  it.each([
    ['_service', SERVICE],
    ['_entities', ENTITIES],
  ])('%s with a header signed with another secret is refused with 401 IDENTITY_INVALID', async (_field, query) => {
    const forged = header(query, `${secrets.internalSecret.slice(1)}x`);
    const r = await send(query, forged);
    expect(r).toMatchObject({ status: 401, code: 'IDENTITY_INVALID' });
    expect(r.data ?? null).toBeNull();
  });

  it('a header that is not a signed header at all is refused with 401 IDENTITY_INVALID', async () => {
    expect(await send(SERVICE, 'v1.e30.AAAA')).toMatchObject({ status: 401, code: 'IDENTITY_INVALID' });
  });

  it('a valid header is served once; the same header sent again is refused with 401 IDENTITY_REPLAYED', async () => {
    const signed = header(SERVICE);
    const first = await send(SERVICE, signed);
    expect(first.status).toBe(200);
    expect((first.data?._service as { sdl?: string } | undefined)?.sdl).toMatch(/type Tenant\b/);

    const replay = await send(SERVICE, signed);
    expect(replay).toMatchObject({ status: 401, code: 'IDENTITY_REPLAYED' });
    expect(replay.data ?? null).toBeNull();
  });

  it('a valid header reaches _entities, where row-level security still hides tenants from an anonymous caller', async () => {
    const r = await send(ENTITIES, header(ENTITIES));
    expect(r.status).toBe(200);
    expect(r.code).toBeUndefined();
    expect(r.data).toEqual({ _entities: [null] });
  });

  it('a valid header sent with a different body is refused with 401 IDENTITY_BODY_MISMATCH and stays usable for its own body', async () => {
    const signed = header(SERVICE);
    const mismatch = await send(ENTITIES, signed);
    expect(mismatch).toMatchObject({ status: 401, code: 'IDENTITY_BODY_MISMATCH' });
    expect(mismatch.data ?? null).toBeNull();
    // The stolen-and-reattached attempt did not spend the genuine request's nonce.
    expect((await send(SERVICE, signed)).status).toBe(200);
  });
});

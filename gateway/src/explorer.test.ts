// The explorer route shares GET /graphql with the GraphQL handler: these tests pin
// who answers which request, and what the explorer's responses carry. They use a
// hand-made dist/ so they need no bundle build.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXPLORER_CSP, prefersHtml, registerExplorer } from './explorer';

const CHROME_NAVIGATION_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
const ASSET_VERSION = 'abc123';
const JS = 'console.log("explorer");'.repeat(20);
const CSS = 'body{margin:0}';

let distDir: string;
let app: FastifyInstance | undefined;

beforeAll(() => {
  distDir = mkdtempSync(path.join(tmpdir(), 'explorer-dist-'));
  writeFileSync(path.join(distDir, 'index.html'), `<!doctype html><script defer src="/explorer/explorer.js?v=${ASSET_VERSION}"></script>`);
  writeFileSync(path.join(distDir, 'explorer.js'), JS);
  writeFileSync(path.join(distDir, 'explorer.js.gz'), gzipSync(JS));
  writeFileSync(path.join(distDir, 'explorer.css'), CSS);
  writeFileSync(path.join(distDir, 'explorer.css.gz'), gzipSync(CSS));
  writeFileSync(path.join(distDir, '.build-stamp'), JSON.stringify({ assetVersion: ASSET_VERSION }));
});

afterAll(() => rmSync(distDir, { recursive: true, force: true }));
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A gateway with the explorer and a stand-in GraphQL handler on GET and POST /graphql. */
async function gateway({ explorerFirst = true, dist = distDir } = {}): Promise<FastifyInstance> {
  const server = Fastify();
  app = server;
  const registerGraphql = () => {
    server.route({ method: ['GET', 'POST'], url: '/graphql', handler: async () => ({ handledBy: 'graphql' }) });
  };
  if (!explorerFirst) registerGraphql();
  await registerExplorer(server, { distDir: dist });
  if (explorerFirst) registerGraphql();
  await server.ready();
  return server;
}

describe('GET /graphql', () => {
  it('serves the explorer page to a browser navigation, with a strict CSP', async () => {
    const res = await (await gateway()).inject({ method: 'GET', url: '/graphql', headers: { accept: CHROME_NAVIGATION_ACCEPT } });

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain(`/explorer/explorer.js?v=${ASSET_VERSION}`);
    expect(res.headers['content-security-policy']).toBe(EXPLORER_CSP);
    expect(EXPLORER_CSP).toContain("default-src 'self'");
    expect(EXPLORER_CSP).toContain("script-src 'self'");
    expect(EXPLORER_CSP).toContain("connect-src 'self' ws: wss:");
    expect(EXPLORER_CSP).not.toContain('unsafe-eval');
    expect(res.headers.vary).toBe('Accept');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it.each([
    ['application/json', 'application/json'],
    ['the GraphQL response type', 'application/graphql-response+json, application/json;q=0.9'],
    ['a wildcard (curl)', '*/*'],
    ['JSON ranked above HTML', 'application/json, text/html;q=0.5'],
    ['no Accept header', undefined],
  ])('leaves a request accepting %s to the GraphQL handler', async (_name, accept) => {
    const res = await (await gateway()).inject({ method: 'GET', url: '/graphql', headers: accept ? { accept } : {} });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ handledBy: 'graphql' });
    expect(res.headers['content-security-policy']).toBeUndefined();
  });

  it('leaves a browser GET carrying ?query= to the GraphQL handler', async () => {
    const res = await (await gateway()).inject({
      method: 'GET',
      url: '/graphql?query=%7B__typename%7D',
      headers: { accept: CHROME_NAVIGATION_ACCEPT },
    });

    expect(res.json()).toEqual({ handledBy: 'graphql' });
  });

  it('routes the same way when the GraphQL handler is registered before the explorer', async () => {
    const server = await gateway({ explorerFirst: false });
    const page = await server.inject({ method: 'GET', url: '/graphql', headers: { accept: CHROME_NAVIGATION_ACCEPT } });
    const api = await server.inject({ method: 'GET', url: '/graphql', headers: { accept: 'application/json' } });

    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(api.json()).toEqual({ handledBy: 'graphql' });
  });

  it('answers 404 to non-browser GETs when no GraphQL GET handler exists', async () => {
    const server = Fastify();
    app = server;
    await registerExplorer(server, { distDir });
    const res = await server.inject({ method: 'GET', url: '/graphql', headers: { accept: 'application/json' } });

    expect(res.statusCode).toBe(404);
  });

  it('leaves browser requests to other routes alone', async () => {
    const server = Fastify();
    app = server;
    server.get('/health', async () => ({ ok: true }));
    await registerExplorer(server, { distDir });
    const res = await server.inject({ method: 'GET', url: '/health', headers: { accept: CHROME_NAVIGATION_ACCEPT } });

    expect(res.json()).toEqual({ ok: true });
  });

  it('serves the page on a custom path', async () => {
    const server = Fastify();
    app = server;
    await registerExplorer(server, { path: '/api/graphql', distDir });
    const res = await server.inject({ method: 'GET', url: '/api/graphql', headers: { accept: CHROME_NAVIGATION_ACCEPT } });

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});

describe('POST /graphql', () => {
  it('is never handled by the explorer, even with Accept: text/html', async () => {
    const res = await (await gateway()).inject({ method: 'POST', url: '/graphql', headers: { accept: 'text/html' }, payload: { query: '{ __typename }' } });

    expect(res.json()).toEqual({ handledBy: 'graphql' });
  });
});

describe('explorer assets', () => {
  it.each([
    ['explorer.js', 'text/javascript; charset=utf-8', JS],
    ['explorer.css', 'text/css; charset=utf-8', CSS],
  ])('serves %s with its content type and an immutable cache header when versioned', async (name, type, body) => {
    const res = await (await gateway()).inject({ method: 'GET', url: `/explorer/${name}?v=${ASSET_VERSION}` });

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.body).toBe(body);
  });

  it('makes an unversioned or stale asset URL revalidate instead of caching it forever', async () => {
    const server = await gateway();
    const unversioned = await server.inject({ method: 'GET', url: '/explorer/explorer.js' });
    const stale = await server.inject({ method: 'GET', url: '/explorer/explorer.js?v=old' });

    expect(unversioned.headers['cache-control']).toBe('no-cache');
    expect(stale.headers['cache-control']).toBe('no-cache');
  });

  it('sends the prebuilt gzip to clients that accept it', async () => {
    const res = await (await gateway()).inject({ method: 'GET', url: '/explorer/explorer.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });

    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(res.rawPayload).toString()).toBe(JS);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const server = await gateway();
    const first = await server.inject({ method: 'GET', url: '/explorer/explorer.css' });
    const second = await server.inject({ method: 'GET', url: '/explorer/explorer.css', headers: { 'if-none-match': first.headers.etag as string } });

    expect(second.statusCode).toBe(304);
    expect(second.body).toBe('');
  });

  it('serves nothing else under /explorer/', async () => {
    const res = await (await gateway()).inject({ method: 'GET', url: '/explorer/.build-stamp' });

    expect(res.statusCode).toBe(404);
  });
});

describe('without a built bundle', () => {
  it('tells a browser to run pnpm build:explorer, with a 503', async () => {
    const missing = path.join(distDir, 'does-not-exist');
    const server = await gateway({ dist: missing });
    const page = await server.inject({ method: 'GET', url: '/graphql', headers: { accept: CHROME_NAVIGATION_ACCEPT } });
    const script = await server.inject({ method: 'GET', url: '/explorer/explorer.js' });

    expect(page.statusCode).toBe(503);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(EXPLORER_CSP);
    expect(page.body).toContain('pnpm build:explorer');
    expect(script.statusCode).toBe(503);
  });

  it('serves the bundle once it is built, without a restart', async () => {
    const lateDist = mkdtempSync(path.join(tmpdir(), 'explorer-late-dist-'));
    try {
      const server = await gateway({ dist: lateDist });
      const request = { method: 'GET' as const, url: '/graphql', headers: { accept: CHROME_NAVIGATION_ACCEPT } };
      expect((await server.inject(request)).statusCode).toBe(503);

      for (const file of ['index.html', 'explorer.js', 'explorer.css']) writeFileSync(path.join(lateDist, file), file);

      const res = await server.inject(request);
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('index.html');
    } finally {
      rmSync(lateDist, { recursive: true, force: true });
    }
  });

  it('still leaves API requests to the GraphQL handler', async () => {
    const server = await gateway({ dist: path.join(distDir, 'does-not-exist') });
    const res = await server.inject({ method: 'GET', url: '/graphql', headers: { accept: 'application/json' } });

    expect(res.json()).toEqual({ handledBy: 'graphql' });
  });
});

describe('prefersHtml', () => {
  it.each([
    [CHROME_NAVIGATION_ACCEPT, true],
    ['text/html', true],
    ['text/html, application/json', true],
    ['application/json, text/html', false],
    ['text/html;q=0.9, application/json;q=0.8', true],
    ['text/html;q=0.5, application/json', false],
    ['text/html;q=0', false],
    ['TEXT/HTML', true],
    ['*/*', false],
    ['text/*', false],
    ['', false],
  ])('%j → %s', (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});

// Serves the GraphQL explorer (GraphiQL, bundled into gateway/explorer/dist by
// `pnpm build:explorer`) to browsers at GET /graphql, beside the GraphQL handler.
//
// How GET /graphql is shared: the explorer's route is registered with a custom
// fastify route constraint, `graphqlExplorer: 'html'`. The router derives that
// constraint from each request: 'html' when the Accept header prefers text/html
// over JSON and the URL has no `query` search parameter, nothing otherwise. A
// constrained route only matches requests that derive its value, and routes
// without that constraint stay the fallback, so the GraphQL handler registers its
// own GET /graphql with no constraint at all and receives every other GET: API
// clients, `?query=` GET operations, curl with Accept: */*. Registration order
// does not matter; both routes must only live on the same fastify instance (any
// encapsulation context: there is one router per server).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ExplorerOptions {
  /** Path of the GraphQL endpoint the explorer is served on; default '/graphql'. */
  path?: string;
  /** Where the built bundle lives; default gateway/explorer/dist. */
  distDir?: string;
}

export const EXPLORER_CONSTRAINT = 'graphqlExplorer';
const HTML = 'html';

// The bundle is all same-origin. font-src and img-src allow data: because
// GraphiQL's stylesheet inlines its fonts and icons as data: URLs; style-src needs
// 'unsafe-inline' for the inline style attributes React and CodeMirror set.
// base-uri, form-action and frame-ancestors do not fall back to default-src, so
// they are closed explicitly.
export const EXPLORER_CSP = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "script-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const ASSET_PREFIX = '/explorer/';
const ASSET_TYPES = {
  'explorer.js': 'text/javascript; charset=utf-8',
  'explorer.css': 'text/css; charset=utf-8',
} as const;
type AssetName = keyof typeof ASSET_TYPES;

type ConstraintStrategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];
type RouteStore = Parameters<ReturnType<ConstraintStrategy['storage']>['set']>[1];

const defaultDistDir = fileURLToPath(new URL('../explorer/dist/', import.meta.url));
const JSON_TYPES = new Set(['application/json', 'application/graphql-response+json']);

/**
 * True when an Accept header ranks text/html above the GraphQL JSON types (ties go
 * to whichever is listed first). Wildcards count for neither: `*\/*` clients get JSON.
 */
export function prefersHtml(accept: string): boolean {
  let html = { q: 0, index: Number.POSITIVE_INFINITY };
  let json = { q: 0, index: Number.POSITIVE_INFINITY };
  accept.split(',').forEach((entry, index) => {
    const [type = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    const qParam = params.find((param) => param.startsWith('q='));
    const q = qParam ? Number.parseFloat(qParam.slice(2)) : 1;
    if (!(q > 0)) return;
    if (type === 'text/html' && q > html.q) html = { q, index };
    if (JSON_TYPES.has(type) && q > json.q) json = { q, index };
  });
  if (html.q === 0) return false;
  return html.q > json.q || (html.q === json.q && html.index < json.index);
}

function wantsExplorer(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  // Runs for every request the server gets, so the common API case exits first.
  if (typeof accept !== 'string' || !accept.includes('text/html')) return false;
  const search = req.url?.indexOf('?') ?? -1;
  if (search !== -1 && new URLSearchParams(req.url!.slice(search + 1)).has('query')) return false;
  return prefersHtml(accept);
}

interface Asset {
  body: Buffer;
  gzipped: Buffer | null;
  etag: string;
}

interface Bundle {
  html: Buffer;
  assetVersion: string | null;
  assets: Record<AssetName, Asset>;
}

function readOptional(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

function loadBundle(distDir: string): Bundle | null {
  const html = readOptional(path.join(distDir, 'index.html'));
  const js = readOptional(path.join(distDir, 'explorer.js'));
  const css = readOptional(path.join(distDir, 'explorer.css'));
  if (!html || !js || !css) return null;
  const asset = (name: AssetName, body: Buffer): Asset => ({
    body,
    gzipped: readOptional(path.join(distDir, `${name}.gz`)),
    etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`,
  });
  let assetVersion: string | null = null;
  try {
    assetVersion = JSON.parse(readFileSync(path.join(distDir, '.build-stamp'), 'utf8')).assetVersion ?? null;
  } catch {
    // Without a stamp the assets are still served, only without the immutable cache header.
  }
  return { html, assetVersion, assets: { 'explorer.js': asset('explorer.js', js), 'explorer.css': asset('explorer.css', css) } };
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GraphQL explorer not built</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}code{background:#eee;padding:.1rem .3rem}</style></head>
<body>
<h1>GraphQL explorer not built</h1>
<p>The gateway is running, but the explorer bundle is missing. Build it with</p>
<p><code>pnpm build:explorer</code></p>
<p>then reload this page. API clients can keep sending GraphQL requests to this URL.</p>
</body>
</html>
`;

function acceptsGzip(req: FastifyRequest): boolean {
  const header = req.headers['accept-encoding'];
  return typeof header === 'string' && /\bgzip\b(?!\s*;\s*q=0(\.0*)?\b)/.test(header);
}

export async function registerExplorer(app: FastifyInstance, opts: ExplorerOptions = {}): Promise<void> {
  const explorerPath = opts.path ?? '/graphql';
  const distDir = opts.distDir ?? defaultDistDir;

  // Loaded on first use and kept; while dist/ is missing every request looks
  // again, so building it needs no restart (rebuilding an existing one does).
  let bundle: Bundle | null = null;
  const currentBundle = () => (bundle ??= loadBundle(distDir));

  if (!app.hasConstraintStrategy(EXPLORER_CONSTRAINT)) {
    app.addConstraintStrategy({
      name: EXPLORER_CONSTRAINT,
      storage() {
        const handlers = new Map<unknown, RouteStore>();
        return {
          get: (value) => handlers.get(value) ?? null,
          set: (value, handler) => {
            handlers.set(value, handler);
          },
        };
      },
      deriveConstraint: (req) => (wantsExplorer(req) ? HTML : undefined),
    });
  }

  app.route({
    method: 'GET',
    url: explorerPath,
    constraints: { [EXPLORER_CONSTRAINT]: HTML },
    handler: async (_request, reply) => {
      // The same URL answers JSON to API clients, so caches must key on Accept.
      reply
        .header('vary', 'Accept')
        .header('content-security-policy', EXPLORER_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .type('text/html; charset=utf-8');
      const loaded = currentBundle();
      if (!loaded) return reply.code(503).header('cache-control', 'no-store').send(NOT_BUILT_PAGE);
      return reply.header('cache-control', 'no-cache').send(loaded.html);
    },
  });

  const serveAsset = (name: AssetName) => async (request: FastifyRequest<{ Querystring: { v?: string } }>, reply: FastifyReply) => {
    reply.header('x-content-type-options', 'nosniff').header('vary', 'Accept-Encoding');
    const loaded = currentBundle();
    if (!loaded) {
      return reply.code(503).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('GraphQL explorer not built: run pnpm build:explorer\n');
    }
    const asset = loaded.assets[name];
    // index.html links the assets with ?v=<content hash>; only such a URL can be
    // cached forever. Anything else is revalidated against the ETag.
    const versioned = loaded.assetVersion !== null && request.query.v === loaded.assetVersion;
    reply
      .header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('etag', asset.etag)
      .type(ASSET_TYPES[name]);
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    if (asset.gzipped && acceptsGzip(request)) return reply.header('content-encoding', 'gzip').send(asset.gzipped);
    return reply.send(asset.body);
  };

  for (const name of Object.keys(ASSET_TYPES) as AssetName[]) {
    app.get(`${ASSET_PREFIX}${name}`, serveAsset(name));
  }
}

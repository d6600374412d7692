#!/usr/bin/env node
// Builds the GraphQL explorer the gateway serves at GET /graphql into
// gateway/explorer/dist: explorer.js, explorer.css (gzipped twins beside them),
// index.html and .build-stamp. Run with `pnpm build:explorer`; `--force` rebuilds
// even when the stamp says dist/ is current. Importable: `buildExplorer()` does the
// same and is what tests call before they need the bundle.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { computeInputHash, distDir, explorerDir, isExplorerBuildCurrent, srcDir, stampFile, trackedPackageVersions } from './stamp.mjs';

const log = (message) => console.log(`explorer: ${message}`);

// @graphiql/toolkit imports graphql-ws lazily, only when a subscription runs. It is
// an optional peer: bundle it when installed, otherwise substitute a module whose
// createClient throws, so the fetcher reports "subscriptions unavailable" instead of
// the build failing on an unresolvable import.
const optionalGraphqlWs = {
  name: 'optional-graphql-ws',
  setup(build) {
    build.onResolve({ filter: /^graphql-ws$/ }, async (args) => {
      if (args.pluginData?.resolvingForReal) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: { resolvingForReal: true } });
      return resolved.errors.length === 0 ? resolved : { path: 'graphql-ws', namespace: 'graphql-ws-absent' };
    });
    build.onLoad({ filter: /.*/, namespace: 'graphql-ws-absent' }, () => ({
      loader: 'js',
      contents: `export function createClient() {
  throw new Error('GraphQL subscriptions are not available in this explorer build: graphql-ws was not installed when it was bundled.');
}`,
    }));
  },
};

// GraphiQL's CSS inlines its fonts and icons as data: URLs; anything else would be
// a request the offline, CSP-restricted page must not make.
function assertSelfContainedCss(css) {
  const external = [...css.matchAll(/url\(\s*['"]?(?!data:)([^'")\s]+)/g)].map((match) => match[1]);
  const imports = [...css.matchAll(/@import\s+[^;]+;/g)].map((match) => match[0]);
  if (external.length > 0 || imports.length > 0) {
    throw new Error(`explorer.css refers to external resources: ${[...external, ...imports].join(', ')}`);
  }
}

function formatSize(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * Builds dist/ unless its stamp matches the current inputs (or `force` is set).
 * Writes into a fresh sibling directory and swaps it in, so a running gateway never
 * reads a half-written dist/.
 */
export async function buildExplorer({ force = false } = {}) {
  if (!force && isExplorerBuildCurrent()) {
    log(`dist is up to date (${path.relative(process.cwd(), stampFile)}), skipping; pass --force to rebuild`);
    return { skipped: true };
  }
  const started = performance.now();
  const { build } = await import('esbuild');
  const versions = trackedPackageVersions();
  const inputHash = computeInputHash(versions);
  log(`bundling graphiql ${versions.graphiql} with react ${versions.react} (esbuild ${versions.esbuild})`);
  if (versions['graphql-ws'] === 'absent') log('graphql-ws is not installed: subscriptions are stubbed out in this build');

  const stagingDir = `${distDir}.tmp-${process.pid}`;
  rmSync(stagingDir, { recursive: true, force: true });
  mkdirSync(stagingDir, { recursive: true });
  try {
    await build({
      absWorkingDir: explorerDir,
      entryPoints: { explorer: path.join(srcDir, 'main.tsx') },
      outdir: stagingDir,
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      jsx: 'automatic',
      charset: 'utf8',
      legalComments: 'eof',
      define: { 'process.env.NODE_ENV': '"production"' },
      // Should a stylesheet ever refer to a font or image file, inline it too.
      loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.png': 'dataurl', '.svg': 'dataurl' },
      plugins: [optionalGraphqlWs],
      logLevel: 'warning',
    });

    const js = readFileSync(path.join(stagingDir, 'explorer.js'));
    const css = readFileSync(path.join(stagingDir, 'explorer.css'));
    assertSelfContainedCss(css.toString('utf8'));

    // The asset URLs carry a content hash so the gateway can let browsers cache them forever.
    const assetVersion = createHash('sha256').update(js).update(css).digest('hex').slice(0, 16);
    const html = readFileSync(path.join(srcDir, 'index.html'), 'utf8').replaceAll('%ASSET_VERSION%', assetVersion);
    writeFileSync(path.join(stagingDir, 'index.html'), html);
    writeFileSync(path.join(stagingDir, 'explorer.js.gz'), gzipSync(js, { level: 9 }));
    writeFileSync(path.join(stagingDir, 'explorer.css.gz'), gzipSync(css, { level: 9 }));
    writeFileSync(path.join(stagingDir, '.build-stamp'), `${JSON.stringify({ inputHash, assetVersion, packages: versions }, null, 2)}\n`);

    rmSync(distDir, { recursive: true, force: true });
    renameSync(stagingDir, distDir);
  } finally {
    rmSync(stagingDir, { recursive: true, force: true });
  }

  for (const file of ['explorer.js', 'explorer.css', 'index.html']) {
    const full = path.join(distDir, file);
    const gz = `${full}.gz`;
    const gzNote = existsSync(gz) ? ` (gzip ${formatSize(statSync(gz).size)})` : '';
    log(`  ${path.relative(process.cwd(), full)}  ${formatSize(statSync(full).size)}${gzNote}`);
  }
  log(`built in ${Math.round(performance.now() - started)} ms`);
  return { skipped: false };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildExplorer({ force: process.argv.includes('--force') }).catch((error) => {
    console.error(`explorer: build failed: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  });
}

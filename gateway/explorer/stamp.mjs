// Cheap freshness check for the explorer bundle: a hash of everything the bundle
// is built from (our sources, the build script, the versions of the bundled
// packages). `build.mjs` writes it to dist/.build-stamp; a caller (CI, a test's
// beforeAll, `pnpm start`) compares it before paying for an esbuild run.
// Deliberately imports nothing but node: modules so it loads even where esbuild
// is not installed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const explorerDir = path.dirname(fileURLToPath(import.meta.url));
export const srcDir = path.join(explorerDir, 'src');
export const distDir = path.join(explorerDir, 'dist');
export const stampFile = path.join(distDir, '.build-stamp');
export const outputFiles = ['index.html', 'explorer.js', 'explorer.css', 'explorer.js.gz', 'explorer.css.gz'];

const gatewayDir = path.dirname(explorerDir);

// Packages whose code ends up in the bundle, or that produce it. Each is resolved
// the way the bundler resolves it; `from` names the package it is a dependency of.
// A bump of a purely transitive dependency (say codemirror-graphql) without a bump
// of these is not seen: `node gateway/explorer/build.mjs --force` covers that.
const trackedPackages = [
  { name: 'graphiql' },
  { name: '@graphiql/react', from: 'graphiql' },
  { name: '@graphiql/toolkit' },
  { name: 'graphql' },
  { name: 'graphql-ws', optional: true },
  { name: 'react' },
  { name: 'react-dom' },
  { name: 'esbuild' },
];

/** Directory of `name` as Node would find it from `fromDir`, or null. */
function findPackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return realpathSync(path.dirname(candidate));
    if (path.dirname(dir) === dir) return null;
  }
}

/** `{ name: version }` for the tracked packages; 'absent' for optional ones that are missing. */
export function trackedPackageVersions() {
  const dirs = new Map();
  const versions = {};
  for (const pkg of trackedPackages) {
    const fromDir = pkg.from ? dirs.get(pkg.from) : explorerDir;
    const dir = fromDir ? findPackageDir(pkg.name, fromDir) : null;
    if (!dir) {
      if (!pkg.optional) throw new Error(`explorer: cannot find package ${pkg.name} from ${path.relative(gatewayDir, explorerDir)}; run pnpm install`);
      versions[pkg.name] = 'absent';
      continue;
    }
    dirs.set(pkg.name, dir);
    versions[pkg.name] = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  }
  return versions;
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

/** sha256 over the explorer's sources, its build scripts and the tracked package versions. */
export function computeInputHash(versions = trackedPackageVersions()) {
  const hash = createHash('sha256');
  const files = [...listFiles(srcDir), path.join(explorerDir, 'build.mjs'), path.join(explorerDir, 'stamp.mjs')];
  for (const file of files) {
    hash.update(`${path.relative(explorerDir, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  hash.update(JSON.stringify(versions));
  return hash.digest('hex');
}

/** The parsed dist/.build-stamp, or null when there is none (or it is unreadable). */
export function readStamp() {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return null;
  }
}

/** True when dist/ holds every output and was built from exactly the current inputs. */
export function isExplorerBuildCurrent() {
  const stamp = readStamp();
  if (!stamp || !outputFiles.every((file) => existsSync(path.join(distDir, file)))) return false;
  return stamp.inputHash === computeInputHash();
}

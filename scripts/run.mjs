#!/usr/bin/env node
/**
 * The README's two commands work with nothing but Node 20 and npm:
 *   npm start   installs what is missing, builds the explorer, runs the platform
 *   npm test    installs what is missing, runs the whole test suite
 * pnpm is used when present, otherwise fetched through npx (corepack is not
 * relied on: its signature check fails on some machines).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const PNPM_VERSION = '10.34.9';
const [command, ...args] = process.argv.slice(2);

function hasPnpm() {
  try {
    return execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim().startsWith('10.');
  } catch {
    return false;
  }
}
const pnpm = hasPnpm() ? ['pnpm'] : ['npx', '--yes', `pnpm@${PNPM_VERSION}`];

function run(argv, extraEnv = {}) {
  const result = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function installIfNeeded() {
  const marker = path.join(root, 'node_modules', '.modules.yaml');
  const lock = path.join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('› installing dependencies (pnpm install --frozen-lockfile)…');
  run([...pnpm, 'install', '--frozen-lockfile']);
}

installIfNeeded();
console.log('› building the explorer (skipped when up to date)…');
run(['node', 'gateway/explorer/build.mjs']);

if (command === 'start') {
  run([...pnpm, 'exec', 'tsx', 'gateway/src/main.ts', ...args]);
} else if (command === 'test') {
  run([...pnpm, 'exec', 'vitest', 'run', ...args]);
} else {
  console.error('usage: node scripts/run.mjs start|test [args]');
  process.exit(2);
}

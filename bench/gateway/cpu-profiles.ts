/**
 * --cpu-profile DIR: every gateway process runs with `--cpu-prof`, which
 * writes a profile of its whole life (start-up included, a few seconds of
 * module loading and compilation before its runs) into DIR/<gateway>/ when it
 * exits. After a gateway stops, its new profiles are summarised here: self
 * time by package, then the hottest functions (../billing/profile.ts).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Profile, summarise } from '../billing/profile.js';

export const profileFlags = (dir: string, gateway: string) => ['--cpu-prof', '--cpu-prof-dir', path.resolve(dir, gateway)];

/**
 * Summaries of the main-thread profiles written into DIR/<gateway>/ since
 * `sinceMs` (one per process: a cluster primary and each worker); the other
 * threads' (tsx's module loader) are only listed.
 */
export async function summariseProfiles(dir: string, gateway: string, sinceMs: number): Promise<string[]> {
  const folder = path.resolve(dir, gateway);
  const fresh: string[] = [];
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    if (name.endsWith('.cpuprofile') && (await stat(path.join(folder, name))).mtimeMs >= sinceMs) fresh.push(name);
  }
  if (fresh.length === 0) return [`no CPU profile of ${gateway} in ${folder} (did it exit cleanly?)`];
  // Node names them CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile; thread 0 is the main thread.
  const isMainThread = (name: string) => name.split('.')[4] === '0';
  const lines: string[] = [];
  for (const name of fresh.filter(isMainThread)) {
    lines.push(`CPU profile ${path.join(folder, name)} (main thread, the whole process life: start-up included)`);
    lines.push(...summarise(JSON.parse(await readFile(path.join(folder, name), 'utf8')) as Profile));
  }
  const others = fresh.filter((name) => !isMainThread(name));
  if (others.length > 0) lines.push(`  other threads' profiles (tsx's module loader): ${others.join(', ')}`);
  return lines;
}

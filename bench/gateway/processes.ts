/**
 * The benchmark's server processes: each subgraph, each gateway, started as a
 * plain `node --import tsx <script>` child (not through the `tsx` or `pnpm`
 * launchers, which would put a wrapper process between us and the server whose
 * memory and CPU we read), on a port picked here, and waited for until it
 * answers. Their output is forwarded with a prefix, a limited number of lines,
 * so a process that logs on every request cannot flood the run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const OUTPUT_LINES_SHOWN = 40;
const START_TIMEOUT_MS = 180_000;

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** Date.now() when it was spawned. */
  startedAt: number;
  /** SIGTERM, then SIGKILL after 15 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago (the child binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface StartOptions {
  name: string;
  /** Path from the repository root. */
  script: string;
  port: number;
  env: Record<string, string>;
  /** Extra Node flags before `--import tsx` (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** Resolves once the process serves; called repeatedly until then. */
  isReady: (url: string) => Promise<boolean>;
  log: (line: string) => void;
}

/** Every server process started and not yet exited, ready or not: what `stopAllServers` ends. */
const alive = new Set<ChildProcess>();

/** SIGTERM to each, SIGKILL after 15 s; resolves when all have exited. */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...alive].map(terminate));
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const startedAt = Date.now();
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', path.join(REPO_ROOT, options.script)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  alive.add(child);
  forwardOutput(child, options.name, options.log);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => {
    alive.delete(child);
    exitCode = code;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${options.name} exited with ${exitCode} before it was ready`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} was not ready after ${START_TIMEOUT_MS / 1000} s`);
    }
    if (await options.isReady(url).catch(() => false)) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    name: options.name,
    url,
    pid: child.pid!,
    startedAt,
    stop: () => terminate(child),
  };
}

function forwardOutput(child: ChildProcess, name: string, log: (line: string) => void): void {
  let shown = 0;
  let suppressed = 0;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => {
      if (line.trim() === '') return;
      if (shown < OUTPUT_LINES_SHOWN) {
        shown += 1;
        log(`  [${name}] ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`);
      } else suppressed += 1;
    });
  }
  child.once('exit', (code, signal) => {
    if (suppressed > 0) log(`  [${name}] … ${suppressed} more output lines not shown`);
    if (code !== 0 && signal !== 'SIGTERM') log(`  [${name}] exited with ${signal ?? code}`);
  });
}

/** GET `/ready` answers 200 (subgraphs, our gateway). */
export const readyEndpoint = async (url: string) => (await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) })).ok;

/** A trivial GraphQL query answers 200 (any gateway, including the stock one, which has no /ready). */
export const answersGraphql = async (url: string) =>
  (
    await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
      signal: AbortSignal.timeout(2_000),
    })
  ).ok;

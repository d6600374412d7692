/**
 * Child process of bench/gateway/run.ts: the load generator, autocannon, in
 * its own process so its CPU is not the gateway's. For each run it sends the
 * request bodies round-robin from N keep-alive connections, first for a
 * warm-up that is not counted, then for the measured duration, and answers:
 * correct answers per second, latency percentiles of the correct answers
 * at microsecond resolution (autocannon's own histogram keeps whole
 * milliseconds, too coarse for the added-latency figure), and every failure:
 * non-2xx statuses, answers with `errors` or without data, socket errors and
 * timeouts, with the first bad answer.
 *
 * A run straight to a subgraph signs a fresh identity header for every request
 * (a subgraph refuses a replayed one), bound to that request's body, as a
 * gateway does.
 */
import { IDENTITY_HEADER, type Identity, requestBodyHash, signIdentityHeader } from '@platform/core';
import autocannon from 'autocannon';
import { looksRight, type RequestBody } from './queries.js';
import { answerParent } from '../child-task.js';

export interface LoadRun {
  kind: 'run';
  /** Base URL; requests go to `${url}/graphql`. */
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  bodies: RequestBody[];
  headers: Record<string, string>;
  sign?: { secret: string; identity: Identity };
}

export interface LoadResult {
  kind: 'result';
  seconds: number;
  /** Responses with status 2xx and an answer with data and no errors; the latencies are theirs. */
  ok: number;
  okPerSecond: number;
  /** Milliseconds; null without a single correct answer. */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  non2xx: number;
  /** 2xx answers with `errors` or without data. */
  badAnswers: number;
  /** Socket errors, including timeouts (10 s). */
  socketErrors: number;
  /** Responses per HTTP status, measured part only. */
  statusCodes: Record<string, number>;
  firstBadAnswer: string | null;
}

function requestsOf(run: LoadRun): autocannon.Request[] {
  return run.bodies.map((body) => {
    const text = JSON.stringify(body);
    const headers = { 'content-type': 'application/json', ...run.headers };
    const sign = run.sign;
    if (!sign) return { method: 'POST', path: '/graphql', headers, body: text };
    const bodyHash = requestBodyHash(body);
    return {
      method: 'POST',
      path: '/graphql',
      headers,
      body: text,
      setupRequest: (request: autocannon.Request) => ({
        ...request,
        headers: { ...headers, [IDENTITY_HEADER]: signIdentityHeader({ ...sign.identity, requestId: crypto.randomUUID() }, { secret: sign.secret, bodyHash }) },
      }),
    };
  });
}

const percentile = (sorted: Float64Array, p: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);

/**
 * One continuous autocannon run of warm-up + duration; only the answers after
 * the warm-up count. (Two separate runs would abort the warm-up's requests in
 * flight and start the measured one on a server still busy with them.)
 */
async function measure(run: LoadRun): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  const counts = { ok: 0, non2xx: 0, badAnswers: 0, socketErrors: 0 };
  const statusCodes: Record<string, number> = {};
  let firstBadAnswer: string | null = null;
  let last = { status: 0, milliseconds: 0 };
  let measuredFrom: number | null = null;
  let lastAnswerAt = 0;
  const instance = autocannon({
    url: run.url,
    connections: run.connections,
    requests: requestsOf(run),
    duration: run.warmupSeconds + run.durationSeconds,
    // Called right after the 'response' event of the same response: autocannon's client does both synchronously.
    verifyBody: (answer) => {
      const body = String(answer ?? '');
      const right = looksRight(body);
      if (measuredFrom === null) return right;
      lastAnswerAt = performance.now();
      statusCodes[last.status] = (statusCodes[last.status] ?? 0) + 1;
      const is2xx = last.status >= 200 && last.status < 300;
      if (!is2xx) counts.non2xx += 1;
      else if (!right) counts.badAnswers += 1;
      else {
        if (counts.ok === latencies.length) {
          const grown = new Float64Array(latencies.length * 2);
          grown.set(latencies);
          latencies = grown;
        }
        latencies[counts.ok++] = last.milliseconds;
      }
      if (!is2xx || !right) firstBadAnswer ??= `HTTP ${last.status}: ${body.slice(0, 500)}`;
      return right;
    },
  });
  // The run's tracker emits 'response' with (client, status, bytes, milliseconds); @types/autocannon describes the client's event.
  const tracker = instance as unknown as NodeJS.EventEmitter;
  tracker.on('response', (_client: unknown, status: number, _bytes: number, milliseconds: number) => {
    last = { status, milliseconds };
  });
  tracker.on('reqError', () => {
    if (measuredFrom !== null) counts.socketErrors += 1; // timeouts (10 s) included
  });
  tracker.once('start', () => {
    setTimeout(() => {
      measuredFrom = performance.now();
      process.send?.({ kind: 'measuring' });
    }, run.warmupSeconds * 1000);
  });
  await instance;
  const seconds = measuredFrom === null ? 0 : Math.max(0.001, (lastAnswerAt || performance.now()) - measuredFrom) / 1000;
  const sorted = latencies.subarray(0, counts.ok).sort();
  return {
    kind: 'result',
    seconds,
    ...counts,
    okPerSecond: seconds > 0 ? counts.ok / seconds : 0,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
    statusCodes,
    firstBadAnswer,
  };
}

// The benchmark ended (or was interrupted): no load generator may outlive it.
process.on('disconnect', () => process.exit(0));
answerParent<LoadRun>('run', measure, { exitAfter: false });

/**
 * Child process of bench/analytics/run.ts: SDK-like clients that send event
 * batches to the gateway over HTTP from C concurrent keep-alive connections
 * (Node's fetch), either to the SDK batch endpoint `POST /analytics/batch`
 * with the tenant's ingestion key, or to the `trackEvents` mutation with the
 * owner's token. Both paths get the same events (same names, users,
 * customers, properties and timestamps; fresh ids, so each phase stores its
 * events instead of finding duplicates) in the same batch sizes. Request
 * bodies are built before the clock starts, so the figures are the
 * platform's, not JSON building in the client.
 */
import { CUSTOMERS, customerId, distinctId, EVENT_NAMES, eventName, PLANS, seeded, skewedIndex, USERS, UTM_SOURCES, uuidv7 } from './dataset.js';
import { summarize } from './latency.js';

export interface IngestPhase {
  label: string;
  path: 'batch' | 'trackEvents';
  batch: number;
  concurrency: number;
  events: number;
  /** Seed of the events' content: two phases with the same seed send the same events (with different ids). */
  seed: number;
  /** Re-send the first request of this earlier phase that was answered (it must come back all duplicates). */
  resendOf?: string;
}

export interface IngestRequest {
  kind: 'ingest';
  url: string;
  /** The ingestion key (batch endpoint). */
  key: string;
  /** The owner's access token (trackEvents). */
  token: string;
  phases: IngestPhase[];
}

export interface PhaseResult {
  label: string;
  path: IngestPhase['path'];
  batch: number;
  concurrency: number;
  events: number;
  requests: number;
  seconds: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: number;
  firstError: string | null;
}

const TRACK =
  'mutation Track($events: [TrackEventInput!]!) { trackEvents(events: $events) { accepted duplicates rejected { index path message } } }';

interface Answer {
  accepted: number;
  duplicates: number;
  rejected: unknown[];
}

/** `count` events of the last minute, spread over users, customers and names like the bulk load. */
function eventsOf(seed: number, count: number, now: number): Record<string, unknown>[] {
  const random = seeded(seed);
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const user = Math.floor(random() * USERS);
    const name = eventName(skewedIndex(EVENT_NAMES, random()));
    const session = `i${seed}-${Math.floor(i / 10)}`;
    const draw = random();
    const utm = UTM_SOURCES.find(([, upTo]) => draw < upTo)![0];
    const at = now - 60_000 + Math.floor((i * 60_000) / count);
    events.push({
      id: '',
      event: name,
      distinctId: distinctId(user),
      customerId: customerId(user % CUSTOMERS),
      timestamp: new Date(at).toISOString(),
      properties: { plan: PLANS[(user % CUSTOMERS) % PLANS.length], utm_source: utm, $session_id: session },
    });
  }
  return events;
}

function bodiesOf(phase: IngestPhase, now: number): string[] {
  const events = eventsOf(phase.seed, phase.events, now);
  const bodies: string[] = [];
  for (let from = 0; from < events.length; from += phase.batch) {
    const batch = events.slice(from, from + phase.batch).map((e) => ({ ...e, id: uuidv7(Date.parse(e.timestamp as string)) }));
    bodies.push(JSON.stringify(phase.path === 'batch' ? { batch } : { query: TRACK, variables: { events: batch } }));
  }
  return bodies;
}

async function send(request: IngestRequest, path: IngestPhase['path'], body: string): Promise<Answer> {
  const batch = path === 'batch';
  const response = await fetch(`${request.url}${batch ? '/analytics/batch' : '/graphql'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${batch ? request.key : request.token}` },
    body,
  });
  const answer = (await response.json()) as Answer & { data?: { trackEvents?: Answer }; errors?: unknown };
  const result = batch ? answer : answer.data?.trackEvents;
  if (!response.ok || typeof result?.accepted !== 'number') throw new Error(`HTTP ${response.status}: ${JSON.stringify(answer).slice(0, 500)}`);
  return result;
}

interface Sent {
  path: IngestPhase['path'];
  bodies: string[];
  /** Index of the first body the platform answered (stored), if any. */
  firstAnswered: number | null;
}

async function runPhase(request: IngestRequest, phase: IngestPhase, sent: Map<string, Sent>): Promise<PhaseResult> {
  const earlier = phase.resendOf ? sent.get(phase.resendOf) : undefined;
  if (earlier?.firstAnswered === null) throw new Error(`${phase.label}: no request of ${phase.resendOf} was answered`);
  const path = earlier?.path ?? phase.path;
  const bodies = earlier ? [earlier.bodies[earlier.firstAnswered!]!] : bodiesOf(phase, Date.now());
  const record: Sent = { path, bodies, firstAnswered: null };
  sent.set(phase.label, record);
  const events = earlier ? (JSON.parse(bodies[0]!).batch ?? JSON.parse(bodies[0]!).variables.events).length : phase.events;
  const latencies: number[] = [];
  const totals = { accepted: 0, duplicates: 0, rejected: 0, errors: 0 };
  let firstError: string | null = null;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let index = next++; index < bodies.length; index = next++) {
      const requestStarted = performance.now();
      try {
        const answer = await send(request, path, bodies[index]!);
        latencies.push(performance.now() - requestStarted);
        if (record.firstAnswered === null || index < record.firstAnswered) record.firstAnswered = index;
        totals.accepted += answer.accepted;
        totals.duplicates += answer.duplicates;
        totals.rejected += answer.rejected.length;
        if (answer.rejected.length > 0) firstError ??= JSON.stringify(answer.rejected[0]);
      } catch (err) {
        totals.errors++;
        firstError ??= String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(phase.concurrency, bodies.length) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const latency = summarize(latencies);
  return {
    label: phase.label,
    path,
    batch: phase.batch,
    concurrency: phase.concurrency,
    events,
    requests: bodies.length,
    seconds,
    eventsPerSecond: events / seconds,
    p50: latency.p50,
    p99: latency.p99,
    max: latency.max,
    ...totals,
    firstError,
  };
}

process.on('message', async (message: IngestRequest) => {
  if (message.kind !== 'ingest') return;
  const sent = new Map<string, Sent>();
  for (const phase of message.phases) {
    const result = await runPhase(message, phase, sent);
    process.send?.({ kind: 'phase', result });
  }
  process.send?.({ kind: 'finished' }, () => process.exit(0));
});

/**
 * Child process of bench/billing/run.ts: usage clients that POST `recordUsage`
 * to the gateway over HTTP, in batches, from C concurrent connections, the way
 * a tenant's metering agents would. Request bodies are built before the clock
 * starts, so the figures are the platform's, not JSON building in the client.
 * Each phase answers with events/s, batch latency percentiles and what the
 * gateway said (accepted, duplicates, errors).
 */
export interface IngestPhase {
  label: string;
  batch: number;
  concurrency: number;
  events: number;
  /** Identifier prefix, unique per phase so every event is new. */
  prefix: string;
  /** Re-send the first batch of this earlier phase instead of new events. */
  resendOf?: string;
}

export interface IngestRequest {
  kind: 'ingest';
  url: string;
  token: string;
  meter: string;
  customers: string[];
  phases: IngestPhase[];
}

export interface PhaseResult {
  label: string;
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
  errors: number;
  firstError: string | null;
}

const MUTATION =
  'mutation Record($events: [UsageEventInput!]!) { recordUsage(events: $events) { __typename ... on UsageIngestResult { accepted duplicates } ... on Error { message } } }';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function runPhase(request: IngestRequest, phase: IngestPhase, bodies: Map<string, string[]>): Promise<PhaseResult> {
  let requestBodies: string[];
  if (phase.resendOf) {
    requestBodies = [bodies.get(phase.resendOf)![0]!];
  } else {
    const timestamp = new Date().toISOString();
    requestBodies = [];
    for (let from = 0; from < phase.events; from += phase.batch) {
      const events = [];
      for (let i = from; i < Math.min(phase.events, from + phase.batch); i++) {
        events.push({ meter: request.meter, customerId: request.customers[i % request.customers.length]!, quantity: 1 + (i % 5), timestamp, identifier: `${phase.prefix}-${i}` });
      }
      requestBodies.push(JSON.stringify({ query: MUTATION, variables: { events } }));
    }
    bodies.set(phase.label, requestBodies);
  }
  const latencies: number[] = [];
  let accepted = 0;
  let duplicates = 0;
  let errors = 0;
  let firstError: string | null = null;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let index = next++; index < requestBodies.length; index = next++) {
      const sent = performance.now();
      try {
        const response = await fetch(`${request.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}` },
          body: requestBodies[index],
        });
        const body = (await response.json()) as { data?: { recordUsage: { __typename: string; accepted: number; duplicates: number } }; errors?: unknown };
        latencies.push(performance.now() - sent);
        const result = body.data?.recordUsage;
        if (result?.__typename !== 'UsageIngestResult') throw new Error(`HTTP ${response.status}: ${JSON.stringify(body.errors ?? result).slice(0, 500)}`);
        accepted += result.accepted;
        duplicates += result.duplicates;
      } catch (err) {
        errors++;
        firstError ??= String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(phase.concurrency, requestBodies.length) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const events = phase.resendOf ? JSON.parse(requestBodies[0]!).variables.events.length : phase.events;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    label: phase.label,
    batch: phase.batch,
    concurrency: phase.concurrency,
    events,
    requests: requestBodies.length,
    seconds,
    eventsPerSecond: events / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    accepted,
    duplicates,
    errors,
    firstError,
  };
}

process.on('message', async (message: IngestRequest) => {
  if (message.kind !== 'ingest') return;
  const bodies = new Map<string, string[]>();
  for (const phase of message.phases) {
    const result = await runPhase(message, phase, bodies);
    process.send?.({ kind: 'phase', result });
  }
  process.send?.({ kind: 'finished' }, () => process.exit(0));
});

/**
 * What GET /ready answers (docs/resilience.md). The gateway's own
 * dependencies (the database in embedded mode) decide readiness: without
 * them it serves nothing, so it answers 503 "unavailable". A subgraph that is
 * down or whose circuit breaker is open only degrades it: 200 "degraded",
 * because it still serves every other subgraph's fields, and every replica
 * shares the same subgraphs, so a load balancer pulling replicas over it
 * would turn a partial outage into a total one.
 */
import type { SubgraphTransport } from '../subgraph-transport.js';
import type { SubgraphHealth } from './guarded-transport.js';

export interface ReadyCheck {
  name: string;
  check: () => Promise<void>;
}

export interface CheckResult extends Partial<SubgraphHealth> {
  name: string;
  ok: boolean;
  reason?: string;
}

export interface Readiness {
  statusCode: 200 | 503;
  body: { status: 'ready' | 'degraded' | 'unavailable'; checks: CheckResult[] };
}

export async function readiness(ownChecks: ReadyCheck[], transports: Iterable<SubgraphTransport>): Promise<Readiness> {
  const [own, subgraphs] = await Promise.all([Promise.all(ownChecks.map(run)), Promise.all([...transports].map(subgraphCheck))]);
  const status = !own.every((c) => c.ok) ? 'unavailable' : !subgraphs.every((c) => c.ok) ? 'degraded' : 'ready';
  return { statusCode: status === 'unavailable' ? 503 : 200, body: { status, checks: [...own, ...subgraphs] } };
}

async function run(check: ReadyCheck): Promise<CheckResult> {
  try {
    await check.check();
    return { name: check.name, ok: true };
  } catch (err) {
    return { name: check.name, ok: false, reason: (err as Error).message };
  }
}

/** The subgraph's own readiness probe, and its breaker: an open breaker means its fields are answered as null right now. */
async function subgraphCheck(transport: SubgraphTransport): Promise<CheckResult> {
  const probe = await run({ name: `subgraph:${transport.name}`, check: () => transport.ready() });
  const health = transport.health?.();
  if (!health) return probe;
  if (probe.ok && health.breaker === 'open') {
    return { ...probe, ok: false, reason: `circuit breaker open after ${health.lastFailure?.reason ?? 'failures'}; it probes the subgraph again shortly`, ...health };
  }
  return { ...probe, ...health };
}

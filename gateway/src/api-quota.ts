/**
 * Monthly API-call quota per tenant, and the tenant's effective tier (which
 * picks its operation and rate limits). Every operation a tenant member sends
 * counts as one call. The gateway keeps a short-lived snapshot of each tenant's
 * count and limit (from the tenancy subgraph), refuses calls once the limit is
 * reached, and reports its counts back in batches so the hot path never waits
 * on a write. Across several gateway replicas each can overshoot by at most
 * the calls it counted since its last report (a second at most by default).
 */
import type { Identity, Logger } from '@platform/core';
import { type FormattedExecutionResult, GraphQLError } from 'graphql';
import { SubgraphUnavailableError } from './resilience/subgraph-unavailable.js';
import type { SubgraphTransport } from './subgraph-transport.js';

interface Snapshot {
  used: number;
  limit: number | null;
  /** The tenant's effective tier, which also picks its operation and rate limits. */
  tier: string;
  fetchedAt: number;
}
type Usage = Omit<Snapshot, 'fetchedAt'>;

const RECORD = 'mutation RecordApiUsage($calls: Int!) { recordApiUsage(calls: $calls) { used limit tier } }';
const READ = 'query ApiUsage { apiUsage { used limit tier } }';

export class ApiQuota {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly pending = new Map<string, number>();
  private readonly fetching = new Map<string, Promise<Snapshot>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly tenancy: SubgraphTransport,
    private readonly logger: Logger,
    private readonly options: { snapshotTtlMs: number; flushIntervalMs: number; enforce: boolean } = { snapshotTtlMs: 5_000, flushIntervalMs: 1_000, enforce: true },
  ) {}

  /** The caller's tenant's effective tier, or null without a tenant (from the same short-lived snapshot). */
  async tierOf(identity: Identity): Promise<string | null> {
    if (!identity.tenantId) return null;
    return (await this.snapshot(identity.tenantId, identity)).tier;
  }

  /** Counts one call for the caller's tenant, or throws QUOTA_EXCEEDED (HTTP 429). */
  async consume(identity: Identity): Promise<void> {
    const tenantId = identity.tenantId;
    if (!tenantId || identity.authMethod === 'internal' || !this.options.enforce) return;
    const snap = await this.snapshot(tenantId, identity);
    const pending = this.pending.get(tenantId) ?? 0;
    if (snap.limit !== null && snap.used + pending >= snap.limit) {
      throw new GraphQLError(`This tenant has used its ${snap.limit} API calls for the month; upgrade the tier or wait for the next month`, {
        extensions: { code: 'QUOTA_EXCEEDED', limit: 'apiCallsPerMonth', used: snap.used + pending, maximum: snap.limit, http: { status: 429 } },
      });
    }
    this.pending.set(tenantId, pending + 1);
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs);
  }

  /** Reports counted calls to the tenancy subgraph. */
  async flush(): Promise<void> {
    this.timer = null;
    const batch = [...this.pending];
    this.pending.clear();
    await Promise.all(
      batch.map(async ([tenantId, calls]) => {
        try {
          const result = await this.tenancy.call({ query: RECORD, variables: { calls }, operationName: 'RecordApiUsage' }, internalIdentity(tenantId));
          const usage = (result.data as { recordApiUsage?: Usage } | undefined)?.recordApiUsage;
          if (!usage) throw new Error(JSON.stringify(result.errors ?? 'no data'));
          this.snapshots.set(tenantId, { ...usage, fetchedAt: Date.now() });
        } catch (err) {
          // Keep the calls for the next report rather than lose them.
          this.pending.set(tenantId, (this.pending.get(tenantId) ?? 0) + calls);
          this.logger.warn({ err, tenantId }, 'could not report API usage; will retry');
          this.timer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs * 5);
        }
      }),
    );
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.flush();
  }

  /**
   * The tenant's snapshot. A stale one is served while one refresh runs in
   * the background (stale-while-revalidate), so requests never wait for
   * tenancy once a tenant has been seen, and concurrent requests share one
   * fetch instead of each sending their own.
   */
  private async snapshot(tenantId: string, caller: Identity): Promise<Snapshot> {
    const cached = this.snapshots.get(tenantId);
    if (cached && Date.now() - cached.fetchedAt < this.options.snapshotTtlMs) return cached;
    let pending = this.fetching.get(tenantId);
    if (!pending) {
      pending = this.fetchSnapshot(tenantId, caller, cached).finally(() => this.fetching.delete(tenantId));
      this.fetching.set(tenantId, pending);
    }
    if (!cached) return pending;
    pending.catch((err: unknown) => this.logger.warn({ err, tenantId }, 'could not refresh the tenant snapshot; serving the last one'));
    return cached;
  }

  private async fetchSnapshot(tenantId: string, caller: Identity, cached: Snapshot | undefined): Promise<Snapshot> {
    let result: FormattedExecutionResult;
    try {
      result = await this.tenancy.call({ query: READ, operationName: 'ApiUsage' }, internalIdentity(tenantId, caller.requestId));
    } catch (err) {
      // Tenancy down: go on with the last snapshot (docs/resilience.md) rather than refuse every request; the calls counted meanwhile are reported once it is back.
      if (cached && err instanceof SubgraphUnavailableError) return cached;
      throw err;
    }
    const usage = (result.data as { apiUsage?: Usage } | undefined)?.apiUsage;
    if (!usage) throw new Error(`could not read API usage: ${JSON.stringify(result.errors)}`);
    const snap = { ...usage, fetchedAt: Date.now() };
    this.snapshots.set(tenantId, snap);
    return snap;
  }
}

function internalIdentity(tenantId: string, requestId = `quota-${crypto.randomUUID()}`): Identity {
  return {
    accountId: null,
    sessionId: null,
    tenantId,
    userId: null,
    role: null,
    scopes: ['internal:usage'],
    authMethod: 'internal',
    requestId,
    clientIp: null,
    userAgent: 'gateway',
  };
}

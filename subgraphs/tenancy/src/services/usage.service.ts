/**
 * Usage counters and the limits they feed. Seats are counted live (active
 * members plus pending invitations); API calls are counted per calendar month
 * (UTC) from the gateway's reports; storage is what the tenant keeps with us
 * (branding assets here; other subgraphs report theirs as the `storage_bytes`
 * gauge). Every check throws LimitExceededError naming the limit.
 */
import { LimitExceededError } from '@platform/core';
import { type Tx, tenancyTables as t } from '@platform/db';
import { and, count, eq, gt, sql } from 'drizzle-orm';
import { effectiveTier, TIERS, type TierLimits, type TierName } from '../tiers.js';
import type { TenancyDeps } from './deps.js';

export function monthPeriod(now: Date): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

export interface UsageSnapshot {
  tier: TierName;
  limits: TierLimits;
  seatsUsed: number;
  apiCallsUsed: number;
  storageBytesUsed: number;
  period: string;
}

export class UsageService {
  constructor(private readonly deps: TenancyDeps) {}

  async tenantTier(tx: Tx, tenantId: string): Promise<TierName> {
    const [tenant] = await tx.select().from(t.tenants).where(eq(t.tenants.id, tenantId));
    if (!tenant) throw new Error(`tenant ${tenantId} not visible in this scope`);
    return effectiveTier(tenant, this.deps.now());
  }

  async seatsUsed(tx: Tx, tenantId: string): Promise<number> {
    const [members] = await tx.select({ n: count() }).from(t.users).where(and(eq(t.users.tenantId, tenantId), eq(t.users.status, 'ACTIVE')));
    const [pending] = await tx
      .select({ n: count() })
      .from(t.invitations)
      .where(and(eq(t.invitations.tenantId, tenantId), eq(t.invitations.status, 'PENDING'), gt(t.invitations.expiresAt, this.deps.now())));
    return (members?.n ?? 0) + (pending?.n ?? 0);
  }

  async storageBytesUsed(tx: Tx, tenantId: string): Promise<number> {
    const [b] = await tx.select({ bytes: t.branding.storageBytes }).from(t.branding).where(eq(t.branding.tenantId, tenantId));
    const [reported] = await tx
      .select({ v: t.usageCounters.value })
      .from(t.usageCounters)
      .where(and(eq(t.usageCounters.tenantId, tenantId), eq(t.usageCounters.metric, 'storage_bytes'), eq(t.usageCounters.period, '1970-01-01')));
    return (b?.bytes ?? 0) + (reported?.v ?? 0);
  }

  async apiCallsUsed(tx: Tx, tenantId: string): Promise<number> {
    const [row] = await tx
      .select({ v: t.usageCounters.value })
      .from(t.usageCounters)
      .where(and(eq(t.usageCounters.tenantId, tenantId), eq(t.usageCounters.metric, 'api_calls'), eq(t.usageCounters.period, monthPeriod(this.deps.now()))));
    return row?.v ?? 0;
  }

  async snapshot(tx: Tx, tenantId: string): Promise<UsageSnapshot> {
    const tier = await this.tenantTier(tx, tenantId);
    return {
      tier,
      limits: TIERS[tier],
      seatsUsed: await this.seatsUsed(tx, tenantId),
      apiCallsUsed: await this.apiCallsUsed(tx, tenantId),
      storageBytesUsed: await this.storageBytesUsed(tx, tenantId),
      period: monthPeriod(this.deps.now()),
    };
  }

  /** Throws unless `extra` more seats fit the tenant's tier. */
  async assertSeatsAvailable(tx: Tx, tenantId: string, extra = 1): Promise<void> {
    const max = TIERS[await this.tenantTier(tx, tenantId)].maxUsers;
    if (max === null) return;
    const used = await this.seatsUsed(tx, tenantId);
    if (used + extra > max) throw new LimitExceededError('users', used, max, `Your tier allows ${max} users (members and pending invitations); ${used} are in use`);
  }

  /** Throws unless the tenant's storage, with `bytes` replaced by `newBytes`, fits its tier. */
  async assertStorageFits(tx: Tx, tenantId: string, oldBytes: number, newBytes: number): Promise<void> {
    const max = TIERS[await this.tenantTier(tx, tenantId)].storageBytes;
    if (max === null) return;
    const after = (await this.storageBytesUsed(tx, tenantId)) - oldBytes + newBytes;
    if (after > max) throw new LimitExceededError('storage', after, max, `Your tier allows ${max} bytes of storage`);
  }

  /** Adds API calls reported by the gateway and returns this month's total and limit. */
  async recordApiCalls(tx: Tx, tenantId: string, calls: number): Promise<{ used: number; limit: number | null; period: string; tier: TierName }> {
    const period = monthPeriod(this.deps.now());
    const [row] = await tx
      .insert(t.usageCounters)
      .values({ tenantId, metric: 'api_calls', period, value: calls })
      .onConflictDoUpdate({
        target: [t.usageCounters.tenantId, t.usageCounters.metric, t.usageCounters.period],
        set: { value: sql`${t.usageCounters.value} + ${calls}`, updatedAt: this.deps.now() },
      })
      .returning({ value: t.usageCounters.value });
    const tier = await this.tenantTier(tx, tenantId);
    return { used: row?.value ?? calls, limit: TIERS[tier].apiCallsPerMonth, period, tier };
  }
}

/** Usage against tier limits, and the gateway's internal API-call reporting. */
import { builder } from '../builder.js';
import type { UsageSnapshot } from '../services/usage.service.js';
import { asActor } from '../services/deps.js';
import { TenantRef, TierEnum } from './tenant.js';
import type { TierName } from '../tiers.js';

const Meter = builder.objectRef<{ used: number; limit: number | null }>('UsageMeter').implement({
  fields: (t) => ({
    used: t.float({ resolve: (m) => m.used }),
    limit: t.float({ nullable: true, description: 'null = unlimited', resolve: (m) => m.limit }),
    remaining: t.float({ nullable: true, resolve: (m) => (m.limit === null ? null : Math.max(0, m.limit - m.used)) }),
  }),
});
const TenantUsage = builder.objectRef<UsageSnapshot>('TenantUsage').implement({
  fields: (t) => ({
    period: t.exposeString('period', { description: 'First day (UTC) of the month API calls are counted for.' }),
    seats: t.field({ type: Meter, description: 'Active members plus pending invitations.', resolve: (u) => ({ used: u.seatsUsed, limit: u.limits.maxUsers }) }),
    apiCalls: t.field({ type: Meter, resolve: (u) => ({ used: u.apiCallsUsed, limit: u.limits.apiCallsPerMonth }) }),
    storageBytes: t.field({ type: Meter, resolve: (u) => ({ used: u.storageBytesUsed, limit: u.limits.storageBytes }) }),
  }),
});

builder.objectField(TenantRef, 'usage', (t) =>
  t.field({
    type: TenantUsage,
    authScopes: { permission: 'usage:read' },
    resolve: (tenant, _a, ctx) => asActor(ctx.services.deps, ctx.identity, (tx) => ctx.services.usage.snapshot(tx, tenant.id)),
  }),
);

const ApiUsage = builder.objectRef<{ used: number; limit: number | null; period: string; tier: TierName }>('ApiUsage').implement({
  fields: (t) => ({
    used: t.float({ resolve: (u) => u.used }),
    limit: t.float({ nullable: true, resolve: (u) => u.limit }),
    period: t.exposeString('period'),
    tier: t.field({ type: TierEnum, description: 'The tier whose limits apply now; the gateway picks operation and rate limits by it.', resolve: (u) => u.tier }),
  }),
});

builder.mutationField('recordApiUsage', (t) =>
  t.field({
    type: ApiUsage,
    description: 'Internal: the gateway reports API calls it served for the current tenant.',
    authScopes: { internal: 'usage' },
    args: { calls: t.arg.int({ required: true }) },
    resolve: (_r, { calls }, ctx) => {
      if (calls < 0 || calls > 1_000_000) throw new RangeError('calls out of range');
      return asActor(ctx.services.deps, ctx.identity, (tx) => ctx.services.usage.recordApiCalls(tx, ctx.identity.tenantId!, calls));
    },
  }),
);

builder.queryField('apiUsage', (t) =>
  t.field({
    type: ApiUsage,
    description: 'Internal: this month’s API calls and limit, for the gateway’s quota check.',
    authScopes: { internal: 'usage' },
    resolve: (_r, _a, ctx) =>
      asActor(ctx.services.deps, ctx.identity, async (tx) => {
        const snap = await ctx.services.usage.snapshot(tx, ctx.identity.tenantId!);
        return { used: snap.apiCallsUsed, limit: snap.limits.apiCallsPerMonth, period: snap.period, tier: snap.tier };
      }),
  }),
);

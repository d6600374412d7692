/** Ingestion: per-event validation by index, idempotency by event id, tenant isolation, the SDK batch endpoint and the usage publisher. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsHarness, DAY, startAnalytics } from './support.js';

let h: AnalyticsHarness;
beforeAll(async () => {
  h = await startAnalytics();
});
afterAll(async () => {
  await h?.close();
});

const TRACK = `mutation($events: [TrackEventInput!]!) { trackEvents(events: $events) { accepted duplicates rejected { index path message } } }`;

describe('trackEvents', () => {
  it('stores the valid events of a mixed batch and reports each malformed one by index', async () => {
    const t = h.tenant();
    const now = h.clock.now;
    const events = [
      { id: crypto.randomUUID(), event: 'signed_up', distinctId: 'u1', timestamp: now.toISOString() },
      { id: crypto.randomUUID(), event: '', distinctId: 'u2' },
      { id: crypto.randomUUID(), event: 'future', distinctId: 'u3', timestamp: new Date(now.getTime() + 10 * 60_000).toISOString() },
      { id: crypto.randomUUID(), event: 'big', distinctId: 'u4', properties: { blob: 'x'.repeat(40_000) } },
      { id: 'not-a-uuid', event: 'bad_id', distinctId: 'u5' },
      { id: crypto.randomUUID(), event: 'page_viewed', distinctId: 'u1', properties: { path: '/home' } },
    ];
    const { trackEvents } = await h.ok(t.owner, TRACK, { events });
    expect(trackEvents.accepted).toBe(2);
    expect(trackEvents.duplicates).toBe(0);
    expect(trackEvents.rejected.map((r: { index: number; path: string }) => [r.index, r.path])).toEqual([
      [1, 'event'],
      [2, 'timestamp'],
      [3, 'properties'],
      [4, 'id'],
    ]);
    const stored = await h.storedEvents(t.tenantId);
    expect(stored.map((e) => [e.name, e.distinct_id])).toEqual([
      ['page_viewed', 'u1'],
      ['signed_up', 'u1'],
    ]);
    expect(stored.find((e) => e.name === 'page_viewed')?.properties).toEqual({ path: '/home' });
  });

  it('is idempotent by event id: a resent batch stores nothing new, and ids repeated within a batch count once', async () => {
    const t = h.tenant();
    const id = crypto.randomUUID();
    const batch = [
      { id, event: 'a', distinctId: 'u1' },
      { id, event: 'a', distinctId: 'u1' },
    ];
    const first = (await h.ok(t.owner, TRACK, { events: batch })).trackEvents;
    expect([first.accepted, first.duplicates]).toEqual([1, 1]);
    const again = (await h.ok(t.owner, TRACK, { events: batch })).trackEvents;
    expect([again.accepted, again.duplicates]).toEqual([0, 2]);
  });

  it('keeps tenants apart: the same event id in two tenants is two events, and neither sees the other’s', async () => {
    const [t1, t2] = [h.tenant(), h.tenant()];
    const id = crypto.randomUUID();
    await h.ok(t1.owner, TRACK, { events: [{ id, event: 'x', distinctId: 'u' }] });
    const second = (await h.ok(t2.owner, TRACK, { events: [{ id, event: 'x', distinctId: 'u' }] })).trackEvents;
    expect(second.accepted).toBe(1);
    await h.ok(t2.owner, TRACK, { events: [{ event: 'only_in_t2', distinctId: 'u' }] });
    expect((await h.storedEvents(t1.tenantId)).map((e) => e.name)).toEqual(['x']);
    expect((await h.storedEvents(t2.tenantId)).map((e) => e.name).sort()).toEqual(['only_in_t2', 'x']);
  });

  it('stores concurrent batches that touch the same customers in different orders, and marks each customer once', async () => {
    const t = h.tenant();
    const customers = Array.from({ length: 30 }, () => crypto.randomUUID());
    const batch = (seed: number) =>
      customers
        .map((customerId, i) => ({ customerId, key: (i * 7919 + seed * 104_729) % 30 }))
        .sort((x, y) => x.key - y.key)
        .map(({ customerId }) => ({ event: 'x', distinctId: `u-${seed}`, customerId, at: h.clock.now }));
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => h.track(t.tenantId, batch(seed))));
    expect(results.map((r) => r.accepted)).toEqual([30, 30, 30, 30, 30, 30]);
    expect(await h.services.usagePublisher.publishTenant(t.tenantId)).toBe(30);
  });

  it('refuses a viewer (no data:write)', async () => {
    const t = h.tenant();
    const res = await h.gql(t.user(['data:read']), TRACK, { events: [{ event: 'x', distinctId: 'u' }] });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('usage publisher', () => {
  it('emits one usage.recorded@1 per customer with new events, with active users, sessions and features over 30 days', async () => {
    const t = h.tenant();
    const customer = crypto.randomUUID();
    const now = h.clock.now.getTime();
    await h.track(t.tenantId, [
      { event: 'report_exported', distinctId: 'u1', customerId: customer, sessionId: 's1', at: new Date(now - 2 * 3_600_000) },
      { event: 'dashboard_viewed', distinctId: 'u2', customerId: customer, sessionId: 's2', at: new Date(now - 3 * DAY) },
      { event: '$pageview', distinctId: 'u3', customerId: customer, sessionId: 's3', at: new Date(now - 20 * DAY) },
      { event: 'old_feature', distinctId: 'u4', customerId: customer, at: new Date(now - 40 * DAY) },
      { event: 'invite_sent', distinctId: 'v1', customerId: crypto.randomUUID(), at: new Date(now - DAY / 2) },
    ]);
    expect(await h.services.usagePublisher.publishTenant(t.tenantId)).toBe(2);
    const usage = (await h.outbox(t.tenantId, 'usage.recorded@1')).map((e) => e.payload as Record<string, unknown>);
    const mine = usage.find((p) => p.customerId === customer)!;
    expect(mine).toMatchObject({
      dailyActiveUsers: 1,
      weeklyActiveUsers: 2,
      monthlyActiveUsers: 3,
      eventCount: 3,
      sessionCount: 3,
      featuresUsed: ['dashboard_viewed', 'report_exported'],
      // report_exported, dashboard_viewed, invite_sent in the window ($pageview is not a feature, old_feature is older)
      featuresAvailable: 3,
      licensedSeats: null,
    });
    expect(await h.services.usagePublisher.publishTenant(t.tenantId)).toBe(0);
  });
});

/**
 * Test ledgers shared by the MRR ledger and revenue report tests (not exported
 * from index.ts). The story, with every figure checked by hand in the tests:
 *
 * - A: a1 at 10,000 since 10 Dec 2025; +5,000 on 15 Jan; −3,000 at exactly 00:00 UTC on 1 Mar.
 * - B: b1 at 5,000 since 5 Nov 2025; churns 10 Feb; comes back with b2 at 6,000 on 20 Mar.
 * - C: new with c1 at 8,000 on 20 Jan; adds c2 at 2,000 on 5 Feb.
 * - D: d1 at 3,000 since 1 Dec 2025; on 15 Feb switches to d2 at 4,000 (two rows, one instant).
 * - E: new at 1,000 on 3 Feb, churns 25 Feb.
 */
import type { MrrChange } from './mrr-ledger.js';

export function change(customerId: string, subscriptionId: string, iso: string, mrrBeforeMinor: number, mrrAfterMinor: number): MrrChange {
  return { customerId, subscriptionId, occurredAt: new Date(iso), mrrBeforeMinor, mrrAfterMinor };
}

export const STORY: MrrChange[] = [
  change('B', 'b1', '2025-11-05T10:00:00Z', 0, 5000),
  change('D', 'd1', '2025-12-01T09:00:00Z', 0, 3000),
  change('A', 'a1', '2025-12-10T12:00:00Z', 0, 10_000),
  change('A', 'a1', '2026-01-15T12:00:00Z', 10_000, 15_000),
  change('C', 'c1', '2026-01-20T08:00:00Z', 0, 8000),
  change('E', 'e1', '2026-02-03T08:00:00Z', 0, 1000),
  change('C', 'c2', '2026-02-05T08:00:00Z', 0, 2000),
  change('B', 'b1', '2026-02-10T08:00:00Z', 5000, 0),
  change('D', 'd1', '2026-02-15T14:00:00Z', 3000, 0),
  change('D', 'd2', '2026-02-15T14:00:00Z', 0, 4000),
  change('E', 'e1', '2026-02-25T08:00:00Z', 1000, 0),
  change('A', 'a1', '2026-03-01T00:00:00Z', 15_000, 12_000),
  change('B', 'b2', '2026-03-20T08:00:00Z', 0, 6000),
];

/** Deterministic pseudo-random ledger (a linear congruential generator), consistent before/after per subscription. */
export function randomLedger(seed: number, rows: number): MrrChange[] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const current = new Map<string, number>();
  const start = Date.UTC(2025, 0, 1);
  const span = 2 * 365 * 86_400_000;
  // Sorted times, with some repeated instants to exercise netting.
  const times = Array.from({ length: rows }, () => start + Math.floor(next() * 400) * (span / 400)).sort((a, b) => a - b);
  return times.map((time) => {
    const customerId = `cus_${Math.floor(next() * 12)}`;
    const subscriptionId = `${customerId}_sub_${Math.floor(next() * 3)}`;
    const before = current.get(subscriptionId) ?? 0;
    const after = next() < 0.3 ? 0 : 500 * Math.floor(next() * 100);
    current.set(subscriptionId, after);
    return { customerId, subscriptionId, occurredAt: new Date(time), mrrBeforeMinor: before, mrrAfterMinor: after };
  });
}

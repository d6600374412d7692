import { ValidationError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import { type MovementKind, movementsBetween, mrrAt, mrrMovements } from './mrr-ledger.js';
import { change, randomLedger, STORY } from './mrr-ledger.test-fixtures.js';

const d = (iso: string) => new Date(iso);
const total = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);

describe('mrrAt', () => {
  it('sums each customer’s subscriptions at the instant, changes at that instant included', () => {
    // D's switch at 14:00 is included; B churned on 10 Feb and is left out.
    expect(Object.fromEntries(mrrAt(STORY, d('2026-02-15T14:00:00Z')))).toEqual({ A: 15_000, C: 10_000, D: 4000, E: 1000 });
  });

  it('excludes changes after the instant', () => {
    expect(Object.fromEntries(mrrAt(STORY, d('2026-02-15T13:59:59.999Z')))).toEqual({ A: 15_000, C: 10_000, D: 3000, E: 1000 });
  });

  it('is empty before the first change and for an empty ledger', () => {
    expect(mrrAt(STORY, d('2025-01-01T00:00:00Z')).size).toBe(0);
    expect(mrrAt([], d('2026-01-01T00:00:00Z')).size).toBe(0);
  });

  it('takes the later row when one subscription has two at the same instant', () => {
    const ledger = [change('X', 'x1', '2026-01-01T00:00:00Z', 0, 100), change('X', 'x1', '2026-01-01T00:00:00Z', 100, 300)];
    expect(mrrAt(ledger, d('2026-01-01T00:00:00Z')).get('X')).toBe(300);
  });

  it('does not need the ledger sorted', () => {
    expect(mrrAt([...STORY].reverse(), d('2026-03-31T23:59:59Z'))).toEqual(mrrAt(STORY, d('2026-03-31T23:59:59Z')));
  });
});

describe('mrrMovements', () => {
  it('classifies every customer-level change of the story', () => {
    expect(mrrMovements(STORY).map((m) => [m.customerId, m.kind, m.amountMinor, m.at.toISOString().slice(0, 10)])).toEqual([
      ['B', 'NEW', 5000, '2025-11-05'],
      ['D', 'NEW', 3000, '2025-12-01'],
      ['A', 'NEW', 10_000, '2025-12-10'],
      ['A', 'EXPANSION', 5000, '2026-01-15'],
      ['C', 'NEW', 8000, '2026-01-20'],
      ['E', 'NEW', 1000, '2026-02-03'],
      ['C', 'EXPANSION', 2000, '2026-02-05'], // a second subscription grows the customer, it is not NEW
      ['B', 'CHURN', 5000, '2026-02-10'],
      ['D', 'EXPANSION', 1000, '2026-02-15'], // 3,000 → 0 and 0 → 4,000 at one instant net to +1,000
      ['E', 'CHURN', 1000, '2026-02-25'],
      ['A', 'CONTRACTION', 3000, '2026-03-01'],
      ['B', 'REACTIVATION', 6000, '2026-03-20'], // B paid before, so coming back is not NEW
    ]);
  });

  it('nets same-instant rows whatever their order', () => {
    const ledger = [change('D', 'd2', '2026-02-15T14:00:00Z', 0, 4000), change('D', 'd1', '2026-01-01T00:00:00Z', 0, 3000), change('D', 'd1', '2026-02-15T14:00:00Z', 3000, 0)];
    expect(mrrMovements(ledger).map((m) => [m.kind, m.amountMinor])).toEqual([
      ['NEW', 3000],
      ['EXPANSION', 1000],
    ]);
  });

  it('counts a customer as NEW when their first paid MRR follows a free start', () => {
    const ledger = [change('F', 'f1', '2026-01-01T00:00:00Z', 0, 0), change('F', 'f1', '2026-01-15T00:00:00Z', 0, 2500)];
    expect(mrrMovements(ledger).map((m) => [m.kind, m.amountMinor])).toEqual([['NEW', 2500]]);
  });

  it('replays from the previous "after", not the row’s "before"', () => {
    // The second row claims 9,999 before, but the subscription was at 1,000: an expansion of 1,000.
    const ledger = [change('G', 'g1', '2026-01-01T00:00:00Z', 0, 1000), change('G', 'g1', '2026-01-02T00:00:00Z', 9999, 2000)];
    expect(mrrMovements(ledger).map((m) => [m.kind, m.amountMinor])).toEqual([
      ['NEW', 1000],
      ['EXPANSION', 1000],
    ]);
  });

  it('names bad ledger rows', () => {
    try {
      mrrMovements([change('A', 'a1', '2026-01-01T00:00:00Z', 0, 10.5), { ...change('', 'a2', 'nope', -1, 0) }]);
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).fieldErrors.map((e) => e.path)).toEqual([
        'changes.0.mrrAfterMinor',
        'changes.1.customerId',
        'changes.1.occurredAt',
        'changes.1.mrrBeforeMinor',
      ]);
    }
  });
});

describe('movementsBetween', () => {
  it('sums February of the story', () => {
    // Jan end 31,000 + new 1,000 + expansion 3,000 − churn 6,000 = 29,000 at Feb end
    expect(movementsBetween(STORY, d('2026-01-31T23:59:59.999Z'), d('2026-02-28T23:59:59.999Z'))).toEqual({
      NEW: 1000,
      EXPANSION: 3000,
      CONTRACTION: 0,
      CHURN: 6000,
      REACTIVATION: 0,
    });
  });

  it('counts movements in (from, to]', () => {
    // A's contraction is at exactly 1 March 00:00: after `from` = that instant it is already in the start MRR.
    const march = movementsBetween(STORY, d('2026-03-01T00:00:00Z'), d('2026-03-31T00:00:00Z'));
    expect(march).toMatchObject({ CONTRACTION: 0, REACTIVATION: 6000 });
    expect(movementsBetween(STORY, d('2026-02-28T23:59:59.999Z'), d('2026-03-01T00:00:00Z'))).toMatchObject({ CONTRACTION: 3000 });
  });

  it('is all zeros for an empty window', () => {
    const instant = d('2026-02-10T08:00:00Z');
    expect(movementsBetween(STORY, instant, instant)).toEqual({ NEW: 0, EXPANSION: 0, CONTRACTION: 0, CHURN: 0, REACTIVATION: 0 });
  });

  it('refuses a window that ends before it starts', () => {
    expect(() => movementsBetween(STORY, d('2026-02-01T00:00:00Z'), d('2026-01-01T00:00:00Z'))).toThrow(ValidationError);
  });

  it('satisfies start + new + reactivation + expansion − contraction − churn = end on a random ledger', () => {
    const ledger = randomLedger(7, 600);
    const kinds = new Set(mrrMovements(ledger).map((m) => m.kind));
    expect([...kinds].sort()).toEqual<MovementKind[]>(['CHURN', 'CONTRACTION', 'EXPANSION', 'NEW', 'REACTIVATION']);
    const instants = ['2024-12-31T00:00:00Z', '2025-03-01T00:00:00Z', '2025-07-15T12:34:56Z', '2026-01-01T00:00:00Z', '2027-06-01T00:00:00Z'].map(d);
    for (const from of instants) {
      for (const to of instants.filter((t) => t >= from)) {
        const m = movementsBetween(ledger, from, to);
        const start = total(mrrAt(ledger, from));
        const end = total(mrrAt(ledger, to));
        expect(start + m.NEW + m.REACTIVATION + m.EXPANSION - m.CONTRACTION - m.CHURN).toBe(end);
      }
    }
  });
});

/**
 * The MRR ledger: every subscription change records the subscription's MRR
 * (normalised to a month, see revenue.ts) before and after. Replaying it gives
 * each customer's MRR at any instant and classifies every change of a
 * customer's MRR as one movement:
 *
 *   0 → >0     NEW if the customer never had MRR before, else REACTIVATION
 *   >0 → 0     CHURN (the MRR lost)
 *   up / down  EXPANSION / CONTRACTION (staying above 0)
 *
 * Movements are at customer level, so moving a customer from one subscription
 * to another is not churn plus new business. Rows of one customer at the same
 * instant are netted into one movement for the same reason (a plan switch
 * written as "cancel A, create B" at one timestamp is a single expansion or
 * contraction). All amounts are positive, and for any from ≤ to:
 *
 *   MRR(from) + new + reactivation + expansion − contraction − churn = MRR(to)
 *
 * because a movement is counted in (from, to] exactly when MRR(to) sees it and
 * MRR(from) does not. A row's mrrBeforeMinor is informational: the replay uses
 * the subscription's previous mrrAfterMinor (0 before its first row), so a
 * ledger row with an inconsistent "before" cannot break that identity.
 */
import { ValidationError } from '@platform/core';
import { assertDate } from './dates.js';
import { FieldErrors } from './field-errors.js';
import { assertMinorAmount } from './money.js';

export interface MrrChange {
  customerId: string;
  subscriptionId: string;
  occurredAt: Date;
  mrrBeforeMinor: number;
  mrrAfterMinor: number;
}

export type MovementKind = 'NEW' | 'EXPANSION' | 'CONTRACTION' | 'CHURN' | 'REACTIVATION';
export const MOVEMENT_KINDS: readonly MovementKind[] = ['NEW', 'EXPANSION', 'CONTRACTION', 'CHURN', 'REACTIVATION'];

export interface MrrMovement {
  customerId: string;
  at: Date;
  kind: MovementKind;
  /** Positive. */
  amountMinor: number;
}

/**
 * Each paying customer's MRR at `at`: over the customer's subscriptions, the
 * latest mrrAfterMinor at or before `at` (rows with the same instant: the later
 * in the list wins). Customers at 0 are left out, so the size of the map is the
 * number of paying customers.
 */
export function mrrAt(changes: MrrChange[], at: Date): Map<string, number> {
  assertDate(at, 'at');
  const bySubscription = new Map<string, { customerId: string; mrr: number }>();
  for (const change of sortedLedger(changes)) {
    if (change.occurredAt.getTime() > at.getTime()) break;
    bySubscription.set(subscriptionKey(change), { customerId: change.customerId, mrr: change.mrrAfterMinor });
  }
  const byCustomer = new Map<string, number>();
  for (const { customerId, mrr } of bySubscription.values()) byCustomer.set(customerId, (byCustomer.get(customerId) ?? 0) + mrr);
  for (const [customerId, mrr] of byCustomer) if (mrr === 0) byCustomer.delete(customerId);
  return byCustomer;
}

/** The sum of every movement in (from, to], by kind. */
export function movementsBetween(changes: MrrChange[], from: Date, to: Date): Record<MovementKind, number> {
  assertDate(from, 'from');
  assertDate(to, 'to');
  if (to.getTime() < from.getTime()) throw ValidationError.single('to', 'must not be before from');
  const totals: Record<MovementKind, number> = { NEW: 0, EXPANSION: 0, CONTRACTION: 0, CHURN: 0, REACTIVATION: 0 };
  for (const m of mrrMovements(changes)) {
    if (m.at.getTime() > from.getTime() && m.at.getTime() <= to.getTime()) totals[m.kind] += m.amountMinor;
  }
  return totals;
}

/** Every customer-level movement of the whole ledger, in time order. */
export function mrrMovements(changes: MrrChange[]): MrrMovement[] {
  const ledger = sortedLedger(changes);
  const subscriptionMrr = new Map<string, number>();
  const customerMrr = new Map<string, number>();
  const everPaid = new Set<string>();
  const movements: MrrMovement[] = [];
  let i = 0;
  while (i < ledger.length) {
    const at = ledger[i]!.occurredAt;
    // Customer MRR before this instant, for each customer with rows at it (in order of first row).
    const before = new Map<string, number>();
    for (; i < ledger.length && ledger[i]!.occurredAt.getTime() === at.getTime(); i++) {
      const change = ledger[i]!;
      const key = subscriptionKey(change);
      const current = customerMrr.get(change.customerId) ?? 0;
      if (!before.has(change.customerId)) before.set(change.customerId, current);
      customerMrr.set(change.customerId, current - (subscriptionMrr.get(key) ?? 0) + change.mrrAfterMinor);
      subscriptionMrr.set(key, change.mrrAfterMinor);
    }
    for (const [customerId, was] of before) {
      const now = customerMrr.get(customerId) ?? 0;
      const movement = classify(was, now, everPaid.has(customerId));
      if (movement) movements.push({ customerId, at, ...movement });
      if (now > 0) everPaid.add(customerId);
    }
  }
  return movements;
}

function classify(before: number, after: number, everPaid: boolean): { kind: MovementKind; amountMinor: number } | null {
  if (before === after) return null;
  if (before === 0) return { kind: everPaid ? 'REACTIVATION' : 'NEW', amountMinor: after };
  if (after === 0) return { kind: 'CHURN', amountMinor: before };
  return after > before ? { kind: 'EXPANSION', amountMinor: after - before } : { kind: 'CONTRACTION', amountMinor: before - after };
}

/** Validated copy sorted by occurredAt; the sort is stable, so rows at one instant keep their list order. */
function sortedLedger(changes: MrrChange[]): MrrChange[] {
  const errors = new FieldErrors();
  changes.forEach((c, i) => {
    const at = `changes.${i}`;
    if (typeof c.customerId !== 'string' || c.customerId === '') errors.add(`${at}.customerId`, 'is required');
    if (typeof c.subscriptionId !== 'string' || c.subscriptionId === '') errors.add(`${at}.subscriptionId`, 'is required');
    errors.check(() => assertDate(c.occurredAt, `${at}.occurredAt`));
    errors.check(() => assertMinorAmount(`${at}.mrrBeforeMinor`, c.mrrBeforeMinor));
    errors.check(() => assertMinorAmount(`${at}.mrrAfterMinor`, c.mrrAfterMinor));
  });
  errors.throwIfAny('The MRR ledger is not valid');
  return [...changes].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}

function subscriptionKey(change: MrrChange): string {
  return `${change.customerId}\u0000${change.subscriptionId}`;
}
